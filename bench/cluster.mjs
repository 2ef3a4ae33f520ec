// `kubeprint scan --cluster -A` against a real kube-apiserver holding 10,000
// pods on 500 kwok nodes and 2,000 Services: prints the scan's wall time and
// peak RSS (target: under 15 s and 500 MB). Needs `npm run build` (the npm
// script does it) and the binaries of scripts/ci/install-controlplane.sh.
// The control plane is the test helper (test/helpers/control-plane.ts),
// transpiled here with TypeScript into bench/out/.
import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import ts from 'typescript';

const run = promisify(execFile);
const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const PODS = Number(process.env.CLUSTER_BENCH_PODS ?? 10_000);
const NODES = Number(process.env.CLUSTER_BENCH_NODES ?? 500);
const SERVICES = Number(process.env.CLUSTER_BENCH_SERVICES ?? 2_000);
const NAMESPACES = Number(process.env.CLUSTER_BENCH_NAMESPACES ?? 50);

async function helper() {
  const out = join(REPO, 'bench/out/helpers');
  mkdirSync(out, { recursive: true });
  // control-plane.ts and every helper it imports (./x.js), however deep
  const todo = ['control-plane'];
  const done = new Set();
  while (todo.length > 0) {
    const name = todo.pop();
    if (done.has(name)) continue;
    done.add(name);
    const src = readFileSync(join(REPO, `test/helpers/${name}.ts`), 'utf8');
    for (const m of src.matchAll(/from '\.\/([\w-]+)\.js'/g)) todo.push(m[1]);
    const js = ts.transpileModule(src, {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    }).outputText;
    // the helper finds the repository two folders up from itself, as in test/helpers
    writeFileSync(join(out, `${name}.js`), js.replaceAll("'../..'", JSON.stringify(REPO)));
  }
  return import(pathToFileURL(join(out, 'control-plane.js')).href);
}

const { controlPlaneMissing, startControlPlane } = await helper();
const missing = controlPlaneMissing({ kwok: true });
if (missing) {
  console.error(`bench:cluster: ${missing}`);
  process.exit(2);
}

function client(cp) {
  const agent = new Agent({
    keepAlive: true,
    maxSockets: 32,
    ca: readFileSync(join(cp.dir, 'ca.crt')),
    cert: readFileSync(join(cp.dir, 'admin.crt')),
    key: readFileSync(join(cp.dir, 'admin.key')),
  });
  return (method, path, body) =>
    new Promise((res, rej) => {
      const req = request(
        `${cp.server}${path}`,
        { method, agent, headers: { 'Content-Type': 'application/json', Accept: 'application/json' } },
        (r) => {
          let text = '';
          r.setEncoding('utf8');
          r.on('data', (c) => {
            text += c;
          });
          r.on('end', () =>
            r.statusCode && r.statusCode < 300
              ? res(text)
              : r.statusCode === 409
                ? res(text)
                : rej(new Error(`${method} ${path}: ${r.statusCode} ${text.slice(0, 200)}`)),
          );
        },
      );
      req.on('error', rej);
      req.end(body === undefined ? undefined : JSON.stringify(body));
    });
}

async function inParallel(n, limit, fn) {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < n) await fn(next++);
    }),
  );
}

const cp = await startControlPlane({
  kwok: true,
  apiserverArgs: ['--max-requests-inflight=1000', '--max-mutating-requests-inflight=500'],
});
try {
  const api = client(cp);
  const t0 = performance.now();
  await inParallel(NODES, 16, (i) =>
    api('POST', '/api/v1/nodes', {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: {
        name: `kwok-node-${i}`,
        annotations: { 'kwok.x-k8s.io/node': 'fake', 'node.alpha.kubernetes.io/ttl': '0' },
        labels: { type: 'kwok', 'kubernetes.io/hostname': `kwok-node-${i}` },
      },
      spec: { taints: [{ key: 'kwok.x-k8s.io/node', value: 'fake', effect: 'NoSchedule' }] },
    }),
  );
  await inParallel(NAMESPACES, 8, (i) =>
    api('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: `bench-${i}` } }),
  );
  await inParallel(PODS, 32, (i) => {
    const ns = `bench-${i % NAMESPACES}`;
    const app = `app-${i % (SERVICES / NAMESPACES || 1)}`;
    return api('POST', `/api/v1/namespaces/${ns}/pods`, {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: `pod-${i}`, namespace: ns, labels: { app } },
      spec: {
        nodeName: `kwok-node-${i % NODES}`,
        tolerations: [{ key: 'kwok.x-k8s.io/node', operator: 'Exists', effect: 'NoSchedule' }],
        containers: [
          {
            name: 'app',
            image: `registry.example/shop/${app}:1.${i % 7}`,
            ports: [{ containerPort: 8080 }],
            resources: { requests: { cpu: '10m', memory: '32Mi' } },
          },
        ],
      },
    });
  });
  await inParallel(SERVICES, 32, (i) => {
    const ns = `bench-${i % NAMESPACES}`;
    return api('POST', `/api/v1/namespaces/${ns}/services`, {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: `svc-${i}`, namespace: ns },
      spec: { selector: { app: `app-${Math.floor(i / NAMESPACES)}` }, ports: [{ port: 80, targetPort: 8080 }] },
    });
  });
  const loadSeconds = (performance.now() - t0) / 1000;
  // kwok marks pods Running; give it a moment, then count (informational)
  const countRunning = async () => {
    let n = 0;
    let cont = '';
    do {
      const page = JSON.parse(
        await api(
          'GET',
          `/api/v1/pods?fieldSelector=status.phase%3DRunning&limit=2000${cont ? `&continue=${encodeURIComponent(cont)}` : ''}`,
        ),
      );
      n += page.items?.length ?? 0;
      cont = page.metadata?.continue ?? '';
    } while (cont);
    return n;
  };
  let running = 0;
  for (let i = 0; i < 40; i++) {
    running = await countRunning();
    if (running >= PODS) break;
    await new Promise((r) => setTimeout(r, 3000));
  }
  const cli = join(REPO, 'dist/cli/main.js');
  console.log(
    `cluster: ${NODES} kwok nodes, ${PODS} pods (${running} Running), ${SERVICES} Services in ${NAMESPACES} namespaces; created in ${loadSeconds.toFixed(1)} s`,
  );
  // CLUSTER_BENCH_RUNS scans of each; CLUSTER_BENCH_CLI, comma-separated builds' main.js, compares builds on one cluster
  const runs = Number(process.env.CLUSTER_BENCH_RUNS ?? 1);
  const clis = process.env.CLUSTER_BENCH_CLI ? process.env.CLUSTER_BENCH_CLI.split(',').map((c) => resolve(c)) : [cli];
  const best = new Map();
  for (let n = 0; n < runs; n++)
    // the default table report, then -o json (every finding of the cluster in one document)
    for (const main of clis)
      for (const output of ['table', 'json']) {
        const args = [
          '-v',
          process.execPath,
          main,
          'scan',
          '--cluster',
          '--kubeconfig',
          cp.kubeconfig,
          '-A',
          '-o',
          output,
        ];
        const { stderr } = await run('/usr/bin/time', [...args, '--output-file', '/dev/null', '--fail-on', 'none'], {
          maxBuffer: 64 * 1024 * 1024,
        }).catch((e) => e);
        const wall = /Elapsed \(wall clock\) time.*: (\S+)/.exec(stderr)?.[1] ?? '';
        const seconds = wall.split(':').reduce((t, part) => t * 60 + Number(part), 0);
        const rssMb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(stderr)?.[1] ?? 0) / 1024;
        const exit = /Exit status: (\d+)/.exec(stderr)?.[1];
        const which = clis.length > 1 ? ` [${main}]` : '';
        console.log(
          `kubeprint scan --cluster -A -o ${output}${which}: wall ${wall}, peak RSS ${rssMb.toFixed(0)} MB, exit ${exit} (target: 15 s, 500 MB)`,
        );
        if (exit !== '0') console.log(stderr.split('\n').slice(0, 5).join('\n'));
        const key = `-o ${output}${which}`;
        const b = best.get(key) ?? { seconds: Infinity, rssMb: Infinity };
        best.set(key, { seconds: Math.min(b.seconds, seconds), rssMb: Math.min(b.rssMb, rssMb) });
      }
  if (runs > 1)
    for (const [key, b] of best)
      console.log(`best of ${runs}, ${key}: wall ${b.seconds.toFixed(2)} s, peak RSS ${b.rssMb.toFixed(0)} MB`);
  // keep what was read, to study the scan offline (kubeprint scan --from-snapshot FILE)
  if (process.env.CLUSTER_BENCH_SNAPSHOT)
    await run(process.execPath, [
      cli,
      'scan',
      '--cluster',
      '--kubeconfig',
      cp.kubeconfig,
      '-A',
      '--snapshot',
      process.env.CLUSTER_BENCH_SNAPSHOT,
      '-o',
      'json',
      '--output-file',
      '/dev/null',
      '--fail-on',
      'none',
    ]);
} finally {
  await cp.stop();
}
