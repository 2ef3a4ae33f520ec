/**
 * A real OCI registry (distribution, Debian package `docker-registry`) on a
 * loopback port with a temporary config and storage, and a way to push small
 * images through the registry API. cosign comes from the tools folder that
 * scripts/ci/install-cosign.sh builds into, or PATH.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
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
  /** Where it keeps its blobs and manifests (another registry may serve them too). */
  dataDir: string;
  stop(): Promise<void>;
}

export interface RegistryOptions {
  /** Serve this storage instead of a new, empty one. */
  dataDir?: string;
  /** Serve HTTPS with this certificate and key (PEM files); `ca` (PEM text) is trusted to check it is up. */
  tls?: { certificate: string; key: string; ca: string };
  /** Demand basic auth from this htpasswd file (bcrypt entries; `htpasswd -Bbn`). */
  htpasswd?: string;
}

/** GET over HTTPS trusting `ca`: the status, or 0 when the connection fails. */
function httpsStatus(url: string, ca: string): Promise<number> {
  return new Promise((resolve) => {
    const req = httpsRequest(url, { ca }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', () => resolve(0));
    req.end();
  });
}

export async function startRegistry(opts: RegistryOptions = {}): Promise<Registry> {
  const bin = registryBinary();
  if (!bin) throw new Error('docker-registry is not installed');
  const dir = mkdtempSync(join(tmpdir(), 'kubeprint-registry-'));
  const dataDir = opts.dataDir ?? join(dir, 'data');
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
      `    rootdirectory: ${dataDir}`,
      '  delete:',
      '    enabled: true',
      'http:',
      `  addr: 127.0.0.1:${port}`,
      ...(opts.tls ? ['  tls:', `    certificate: ${opts.tls.certificate}`, `    key: ${opts.tls.key}`] : []),
      ...(opts.htpasswd ? ['auth:', '  htpasswd:', '    realm: kubeprint-test', `    path: ${opts.htpasswd}`] : []),
      '',
    ].join('\n'),
  );
  const proc: ChildProcess = spawn(bin, ['serve', config], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  const url = `${opts.tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    // up: it answers /v2/ (401 when it demands credentials)
    const up = (status: number) => status === 200 || (opts.htpasswd !== undefined && status === 401);
    if (opts.tls) {
      if (up(await httpsStatus(`${url}/v2/`, opts.tls.ca))) break;
    } else {
      try {
        const res = await fetch(`${url}/v2/`);
        if (up(res.status)) break;
      } catch {
        // not up yet
      }
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
    dataDir,
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

const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

async function getJSON(reg: Registry, repo: string, path: string, accept: string): Promise<Record<string, unknown>> {
  const res = await fetch(`${reg.url}/v2/${repo}/${path}`, { headers: { accept } });
  if (res.status !== 200) throw new Error(`GET ${repo}/${path}: HTTP ${res.status}`);
  return (await res.json()) as Record<string, unknown>;
}

/**
 * The descriptors in an image's referrers, read the way this registry
 * (distribution 2.8, no referrers API) keeps them: the `sha256-<hex>` index tag.
 */
export async function referrersOf(
  reg: Registry,
  repo: string,
  digest: string,
): Promise<Array<Record<string, unknown>>> {
  const res = await fetch(`${reg.url}/v2/${repo}/manifests/${digest.replace(':', '-')}`, {
    headers: { accept: OCI_INDEX },
  });
  if (res.status === 404) return [];
  if (res.status !== 200) throw new Error(`referrers of ${repo}@${digest}: HTTP ${res.status}`);
  const index = (await res.json()) as { manifests?: Array<Record<string, unknown>> };
  return index.manifests ?? [];
}

/** An artifact manifest (by digest) as JSON. */
export function artifactManifest(reg: Registry, repo: string, digest: string): Promise<Record<string, unknown>> {
  return getJSON(reg, repo, `manifests/${digest}`, OCI_MANIFEST);
}

/**
 * Copy a referrer artifact (manifest and blobs) of one image onto another
 * image's referrers, as an attacker with push rights could: the copy's
 * `subject` names the target image, and it is listed in the target's
 * `sha256-<hex>` referrers index. Returns the copy's digest.
 */
export async function copyReferrer(
  reg: Registry,
  from: { repo: string; artifact: string },
  to: { repo: string; digest: string },
): Promise<string> {
  const m = await artifactManifest(reg, from.repo, from.artifact);
  const descriptors = [m.config, ...(Array.isArray(m.layers) ? m.layers : [])] as Array<{ digest: string }>;
  for (const d of descriptors) {
    const res = await fetch(`${reg.url}/v2/${from.repo}/blobs/${d.digest}`);
    if (res.status !== 200) throw new Error(`blob ${d.digest}: HTTP ${res.status}`);
    await pushBlob(reg, to.repo, Buffer.from(await res.arrayBuffer()));
  }
  const target = await fetch(`${reg.url}/v2/${to.repo}/manifests/${to.digest}`, { headers: { accept: OCI_MANIFEST } });
  const targetBody = Buffer.from(await target.arrayBuffer());
  const copy = Buffer.from(
    JSON.stringify({ ...m, subject: { mediaType: OCI_MANIFEST, size: targetBody.length, digest: to.digest } }),
  );
  const digest = await putManifest(reg, to.repo, sha256(copy), copy, OCI_MANIFEST);
  const listed = await referrersOf(reg, to.repo, to.digest);
  listed.push({ mediaType: OCI_MANIFEST, size: copy.length, digest, artifactType: m.artifactType });
  const index = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: listed }));
  await putManifest(reg, to.repo, to.digest.replace(':', '-'), index, OCI_INDEX);
  return digest;
}

/**
 * Push a multi-arch image index over one small image per platform
 * (`linux/amd64`, ...); returns the index digest and the platform digests.
 */
export async function pushIndex(
  reg: Registry,
  repo: string,
  tag: string,
  platforms: string[],
): Promise<{ digest: string; platforms: Record<string, string> }> {
  const out: Record<string, string> = {};
  const manifests: Array<Record<string, unknown>> = [];
  for (const p of platforms) {
    const [os, architecture] = p.split('/') as [string, string];
    const child = await pushImage(reg, repo, `${tag}-${os}-${architecture}`, `${repo} ${tag} ${p}`);
    const res = await fetch(`${reg.url}/v2/${repo}/manifests/${child}`, { headers: { accept: OCI_MANIFEST } });
    const size = (await res.arrayBuffer()).byteLength;
    out[p] = child;
    manifests.push({ mediaType: OCI_MANIFEST, digest: child, size, platform: { os, architecture } });
  }
  const index = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests }));
  return { digest: await putManifest(reg, repo, tag, index, OCI_INDEX), platforms: out };
}
