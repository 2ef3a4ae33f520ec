/**
 * The container image (Dockerfile), built the way a user builds it, with
 * buildah (daemonless, from Debian; scripts/ci/install-buildah.sh). Nothing
 * leaves the machine: the Node.js base image is made here from the host's own
 * node and npm (no registry to pull from), and npm installs offline from the
 * cache scripts/ci/install-buildah.sh filled for this package-lock.json
 * (--build-arg npm_config_offline=true). Steps run with
 * chroot isolation, which needs no container runtime.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);

async function has(cmd: string): Promise<boolean> {
  try {
    await run(cmd, ['--version']);
    return true;
  } catch {
    return false;
  }
}

/** The npm cache scripts/ci/install-buildah.sh fills for the current package-lock.json. */
const NPM_CACHE = join(
  process.env.KUBEPRINT_TOOLS_DIR ?? join(process.env.HOME ?? homedir(), '.cache', 'kubeprint-tools'),
  'image-npm-cache',
);
const lockSum = createHash('sha256').update(readFileSync('package-lock.json')).digest('hex');
const STAMP = join(NPM_CACHE, '.package-lock.sha256');
const cacheReady = existsSync(STAMP) && readFileSync(STAMP, 'utf8').trim() === lockSum;

const buildahPresent = (await has('buildah')) && cacheReady;
if (!buildahPresent)
  console.warn(
    'skipping the image build test: buildah, or its npm cache for this package-lock.json, is missing (bash scripts/ci/install-buildah.sh)',
  );

const work = mkdtempSync(join(tmpdir(), 'kubeprint-image-'));
const storage = ['--root', join(work, 'storage'), '--runroot', join(work, 'run'), '--storage-driver', 'vfs'];
const buildah = (args: string[]) =>
  run('buildah', [...storage, ...args], { maxBuffer: 64 * 1024 * 1024, timeout: 600_000 });

afterAll(async () => {
  if (buildahPresent) await buildah(['rm', '--all']).catch(() => undefined);
  rmSync(work, { recursive: true, force: true });
});

/** A Node.js image made of the host's node, its libraries, npm and CA bundle: what NODE_IMAGE needs. */
async function hostNodeImage(tag: string): Promise<void> {
  const root = join(work, 'base', 'root');
  const copy = (p: string) => {
    mkdirSync(join(root, dirname(p)), { recursive: true });
    cpSync(p, join(root, p), { dereference: true, recursive: true });
  };
  const node = process.execPath;
  const { stdout } = await run('ldd', [node]);
  const env = (await run('sh', ['-c', 'command -v env'])).stdout.trim();
  for (const lib of stdout.matchAll(/(\/\S+\.so[.\d]*)/g)) copy(lib[1] as string);
  for (const lib of (await run('ldd', [env])).stdout.matchAll(/(\/\S+\.so[.\d]*)/g)) copy(lib[1] as string);
  copy(node);
  copy(env);
  const npmDir = join(dirname(node), '..', 'lib', 'node_modules', 'npm');
  cpSync(npmDir, join(root, 'usr/lib/node_modules/npm'), { recursive: true, dereference: true });
  mkdirSync(join(root, 'usr/bin'), { recursive: true });
  if (node !== '/usr/bin/node') symlinkSync(node, join(root, 'usr/bin/node'));
  symlinkSync('../lib/node_modules/npm/bin/npm-cli.js', join(root, 'usr/bin/npm'));
  mkdirSync(join(root, 'tmp'), { recursive: true, mode: 0o1777 });
  writeFileSync(join(work, 'base', 'Dockerfile'), 'FROM scratch\nCOPY root/ /\nENV PATH=/usr/bin HOME=/tmp\n');
  await buildah(['bud', '-t', tag, join(work, 'base')]);
}

describe.skipIf(!buildahPresent)('the kubeprint image (Dockerfile)', () => {
  it('builds, runs the bundled CLI as a non-root user, and holds no node_modules', async () => {
    await hostNodeImage('localhost/kubeprint-test-node:20');
    await buildah([
      'bud',
      '--isolation',
      'chroot',
      '--build-arg',
      'NODE_IMAGE=localhost/kubeprint-test-node:20',
      '--build-arg',
      'npm_config_offline=true',
      '-v',
      `${NPM_CACHE}:/tmp/.npm`,
      '-t',
      'localhost/kubeprint:test',
      process.cwd(),
    ]);
    const inspected = JSON.parse((await buildah(['inspect', 'localhost/kubeprint:test'])).stdout) as {
      OCIv1: { config: { User?: string; Entrypoint?: string[] } };
    };
    const config = inspected.OCIv1.config;
    expect(config.User).toBe('65532:65532');
    expect(config.Entrypoint).toEqual(['node', '/opt/kubeprint/kubeprint.js']);

    const ctr = (await buildah(['from', 'localhost/kubeprint:test'])).stdout.trim();
    const version = await buildah([
      'run',
      '--isolation',
      'chroot',
      ctr,
      '--',
      'node',
      '/opt/kubeprint/kubeprint.js',
      '--version',
    ]);
    expect(version.stdout).toMatch(/^kubeprint \d+\.\d+\.\d+/);
    const listing = await buildah([
      'run',
      '--isolation',
      'chroot',
      ctr,
      '--',
      'node',
      '-e',
      'console.log(require("fs").readdirSync("/opt/kubeprint").join("\\n"))',
    ]);
    const files = listing.stdout.split('\n').filter(Boolean);
    expect(files).toContain('kubeprint.js');
    expect(files).toContain('judge-worker.js');
    expect(files).not.toContain('node_modules');
  }, 900_000);
});
