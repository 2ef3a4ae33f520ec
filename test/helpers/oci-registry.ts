/**
 * A real OCI registry (distribution, Debian package `docker-registry`) on a
 * loopback port with a temporary config and storage, and a way to push small
 * images through the registry API. cosign comes from the tools folder that
 * scripts/ci/install-cosign.sh builds into, or PATH.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './etcd-cluster.js';

export const REGISTRY_BIN = '/usr/bin/docker-registry';

function onPath(bin: string): string | undefined {
  const r = spawnSync('sh', ['-c', `command -v ${bin}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

export function registryBinary(): string | undefined {
  return existsSync(REGISTRY_BIN) ? REGISTRY_BIN : onPath('docker-registry');
}

export function cosignBinary(): string | undefined {
  const tools = process.env.KUBEPRINT_TOOLS_DIR ?? join(homedir(), '.cache/kubeprint-tools');
  const inTools = join(tools, 'bin/cosign');
  return existsSync(inTools) ? inTools : onPath('cosign');
}

/** Why the image tests cannot run here, or undefined. */
export function imageToolsMissing(): string | undefined {
  if (!registryBinary()) {
    return 'docker-registry not found: install the Debian package docker-registry (scripts/ci/install-registry.sh)';
  }
  if (!cosignBinary()) {
    return 'cosign not found in ~/.cache/kubeprint-tools/bin or on PATH: run scripts/ci/install-cosign.sh';
  }
  return undefined;
}

export interface Registry {
  host: string;
  url: string;
  stop(): Promise<void>;
}

export async function startRegistry(): Promise<Registry> {
  const bin = registryBinary();
  if (!bin) throw new Error('docker-registry is not installed');
  const dir = mkdtempSync(join(tmpdir(), 'kubeprint-registry-'));
  const port = await freePort();
  const config = join(dir, 'config.yml');
  writeFileSync(
    config,
    [
      'version: 0.1',
      'log:',
      '  level: error',
      '  accesslog:',
      '    disabled: true',
      'storage:',
      '  filesystem:',
      `    rootdirectory: ${join(dir, 'data')}`,
      '  delete:',
      '    enabled: true',
      'http:',
      `  addr: 127.0.0.1:${port}`,
      '',
    ].join('\n'),
  );
  const proc: ChildProcess = spawn(bin, ['serve', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      const res = await fetch(`${url}/v2/`);
      if (res.status === 200) break;
    } catch {
      // not up yet
    }
    if (proc.exitCode !== null || Date.now() > deadline) {
      proc.kill('SIGKILL');
      throw new Error(`registry did not start: ${stderr.slice(-500)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    host: `127.0.0.1:${port}`,
    url,
    async stop() {
      if (proc.exitCode === null) {
        const exited = new Promise((r) => proc.once('exit', r));
        proc.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
        if (proc.exitCode === null) proc.kill('SIGKILL');
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

const sha256 = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

async function pushBlob(reg: Registry, repo: string, data: Buffer): Promise<string> {
  const digest = sha256(data);
  const start = await fetch(`${reg.url}/v2/${repo}/blobs/uploads/`, { method: 'POST' });
  if (start.status !== 202) throw new Error(`blob upload start: HTTP ${start.status}`);
  const location = new URL(start.headers.get('location') ?? '', reg.url);
  location.searchParams.set('digest', digest);
  const put = await fetch(location, {
    method: 'PUT',
    headers: { 'content-type': 'application/octet-stream' },
    body: data,
  });
  if (put.status !== 201) throw new Error(`blob upload: HTTP ${put.status}`);
  return digest;
}

export async function putManifest(reg: Registry, repo: string, reference: string, body: Buffer, mediaType: string) {
  const res = await fetch(`${reg.url}/v2/${repo}/manifests/${reference}`, {
    method: 'PUT',
    headers: { 'content-type': mediaType },
    body,
  });
  if (res.status !== 201) throw new Error(`manifest put ${repo}:${reference}: HTTP ${res.status} ${await res.text()}`);
  return sha256(body);
}

/** Push a minimal single-layer OCI image whose content is `seed`; returns its manifest digest. */
export async function pushImage(reg: Registry, repo: string, tag: string, seed: string): Promise<string> {
  const layer = Buffer.from(`layer ${seed}\n`);
  const layerDigest = await pushBlob(reg, repo, layer);
  const config = Buffer.from(
    JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [layerDigest] } }),
  );
  const configDigest = await pushBlob(reg, repo, config);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: config.length },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: layerDigest, size: layer.length }],
    }),
  );
  return putManifest(reg, repo, tag, manifest, 'application/vnd.oci.image.manifest.v1+json');
}

/** Run cosign with a password for its keys; throws with its output when it fails. */
export function cosign(args: string[], cwd: string, password = 'kubeprint-test'): string {
  const bin = cosignBinary();
  if (!bin) throw new Error('cosign is not installed');
  const r = spawnSync(bin, args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, COSIGN_PASSWORD: password, COSIGN_YES: 'true', HOME: cwd, COSIGN_EXPERIMENTAL: '0' },
    timeout: 120_000,
  });
  if (r.status !== 0) throw new Error(`cosign ${args.join(' ')} failed: ${r.stderr || r.stdout}`);
  return r.stdout;
}
