// Verify 200 distinct cosign-signed images from a local distribution registry:
// once with a cold cache (fresh verifier: tag → digest, signature manifest and
// blob fetched and checked for every image) and once warm (the same verifier:
// every image is answered from the digest-keyed cache), plus `cosign verify`
// on a sample for comparison. Needs `npm run build` (the npm script does it),
// docker-registry (scripts/ci/install-registry.sh) and cosign
// (scripts/ci/install-cosign.sh).
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  ImageVerifier,
  productionTrustedRoot,
  publicKeyFromPEM,
  RegistryClient,
} from '../dist/engines/supplychain/index.js';

const N = Number(process.env.IMAGES_BENCH_COUNT ?? 200);
const which = (b) => {
  const r = spawnSync('sh', ['-c', `command -v ${b}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
};
const registryBin = existsSync('/usr/bin/docker-registry') ? '/usr/bin/docker-registry' : which('docker-registry');
const toolsCosign = join(process.env.KUBEPRINT_TOOLS_DIR ?? join(homedir(), '.cache/kubeprint-tools'), 'bin/cosign');
const cosignBin = existsSync(toolsCosign) ? toolsCosign : which('cosign');
if (!registryBin || !cosignBin) {
  console.error(
    `bench:images: ${!registryBin ? 'docker-registry (scripts/ci/install-registry.sh)' : 'cosign (scripts/ci/install-cosign.sh)'} not found`,
  );
  process.exit(2);
}

const freePort = () =>
  new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });

const dir = mkdtempSync(join(tmpdir(), 'kubeprint-bench-images-'));
const port = await freePort();
const host = `127.0.0.1:${port}`;
const url = `http://${host}`;
writeFileSync(
  join(dir, 'config.yml'),
  `version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\nstorage:\n  filesystem:\n    rootdirectory: ${join(dir, 'data')}\nhttp:\n  addr: ${host}\n`,
);
const reg = spawn(registryBin, ['serve', join(dir, 'config.yml')], { stdio: 'ignore' });
const cosign = (args) => {
  const r = spawnSync(cosignBin, args, {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, COSIGN_PASSWORD: 'bench', HOME: dir },
  });
  if (r.status !== 0) throw new Error(`cosign ${args[0]} failed: ${r.stderr}`);
};
const sha = (b) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

try {
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${url}/v2/`)).status === 200) break;
    } catch {}
    if (i > 200) throw new Error('registry did not start');
    await new Promise((r) => setTimeout(r, 100));
  }
  const pushBlob = async (repo, data) => {
    const start = await fetch(`${url}/v2/${repo}/blobs/uploads/`, { method: 'POST' });
    const loc = new URL(start.headers.get('location'), url);
    loc.searchParams.set('digest', sha(data));
    const put = await fetch(loc, { method: 'PUT', body: data });
    if (put.status !== 201) throw new Error(`blob put ${put.status}`);
  };
  const refs = [];
  let t = performance.now();
  for (let i = 0; i < N; i++) {
    const repo = `bench/app${i}`;
    const layer = Buffer.from(`layer ${i}\n`);
    const config = Buffer.from(
      JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [sha(layer)] } }),
    );
    await pushBlob(repo, layer);
    await pushBlob(repo, config);
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha(config), size: config.length },
        layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: sha(layer), size: layer.length }],
      }),
    );
    const res = await fetch(`${url}/v2/${repo}/manifests/v1`, {
      method: 'PUT',
      headers: { 'content-type': 'application/vnd.oci.image.manifest.v1+json' },
      body: manifest,
    });
    if (res.status !== 201) throw new Error(`manifest put ${res.status}`);
    refs.push({ tag: `${host}/${repo}:v1`, byDigest: `${host}/${repo}@${sha(manifest)}` });
  }
  const pushMs = performance.now() - t;
  cosign(['generate-key-pair']);
  t = performance.now();
  for (let i = 0; i < refs.length; i += 50) {
    cosign([
      'sign',
      '--key',
      'cosign.key',
      '--tlog-upload=false',
      '--allow-http-registry',
      '--yes',
      ...refs.slice(i, i + 50).map((r) => r.byDigest),
    ]);
  }
  const signMs = performance.now() - t;

  const key = publicKeyFromPEM(readFileSync(join(dir, 'cosign.pub'), 'utf8'));
  const policy = {
    unmatched: 'deny',
    policies: [
      {
        name: 'bench',
        images: [`${host}/**`],
        signers: [{ $case: 'key', publicKey: key, label: 'cosign.pub' }],
        attestations: [],
        requireTlog: false,
      },
    ],
  };
  const trustedRoot = await productionTrustedRoot();
  const verifier = new ImageVerifier(new RegistryClient({ insecureRegistries: [host] }), policy, trustedRoot);
  const pass = async (v, concurrency) => {
    const started = performance.now();
    let next = 0;
    const results = [];
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < refs.length) {
          const r = refs[next++];
          results.push(await v.verify(r.tag));
        }
      }),
    );
    const ms = performance.now() - started;
    const bad = results.filter((r) => r.status !== 'verified');
    if (bad.length > 0) throw new Error(`${bad.length} images not verified: ${JSON.stringify(bad[0])}`);
    return ms;
  };
  const cold = await pass(verifier, 8);
  const warm = await pass(verifier, 8);
  const coldSerial = await pass(
    new ImageVerifier(new RegistryClient({ insecureRegistries: [host] }), policy, trustedRoot),
    1,
  );

  const SAMPLE = 10;
  t = performance.now();
  for (const r of refs.slice(0, SAMPLE)) {
    const out = spawnSync(
      cosignBin,
      ['verify', '--key', 'cosign.pub', '--insecure-ignore-tlog', '--allow-http-registry', r.tag],
      {
        cwd: dir,
        encoding: 'utf8',
        env: { ...process.env, HOME: dir },
      },
    );
    if (out.status !== 0) throw new Error(`cosign verify failed: ${out.stderr}`);
  }
  const cosignPer = (performance.now() - t) / SAMPLE;

  const f = (ms) => `${(ms / 1000).toFixed(2)} s`;
  console.log(`images: ${N} distinct signed images in a local distribution registry (${host})`);
  console.log(`setup: push ${f(pushMs)}, cosign sign ${f(signMs)}`);
  console.log(`kubeprint cold cache, 8 concurrent : ${f(cold)}  (${(N / (cold / 1000)).toFixed(0)} images/s)`);
  console.log(
    `kubeprint cold cache, sequential   : ${f(coldSerial)}  (${(N / (coldSerial / 1000)).toFixed(0)} images/s)`,
  );
  console.log(`kubeprint warm cache (same run)    : ${f(warm)}  (${(N / (warm / 1000)).toFixed(0)} images/s)`);
  console.log(
    `cosign verify, one process per image (sample of ${SAMPLE}): ${(cosignPer / 1000).toFixed(3)} s/image, ${f(cosignPer * N)} for ${N} (extrapolated)`,
  );
} finally {
  reg.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
}
