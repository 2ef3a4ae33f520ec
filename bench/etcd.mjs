// Wall time of a full `kubeprint etcd check` of a 5-member etcd cluster on
// loopback, against etcdctl doing the same survey (status, health, members,
// alarms). Needs `npm run build` first (the npm script does it) and etcd +
// etcdctl on PATH (scripts/ci/install-etcd.sh).
import { execFile, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, openSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';

const run = promisify(execFile);
const SIZE = Number(process.env.ETCD_BENCH_MEMBERS ?? 5);
const ROUNDS = Number(process.env.ETCD_BENCH_ROUNDS ?? 5);

for (const bin of ['etcd', 'etcdctl']) {
  if (spawnSync('sh', ['-c', `command -v ${bin}`]).status !== 0) {
    console.error(`bench:etcd: ${bin} not found; install etcd-server and etcd-client (scripts/ci/install-etcd.sh)`);
    process.exit(2);
  }
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

const root = mkdtempSync(join(tmpdir(), 'kubeprint-etcd-bench-'));
const members = [];
for (let i = 0; i < SIZE; i++) {
  members.push({
    name: `b${i}`,
    client: `http://127.0.0.1:${await freePort()}`,
    peer: `http://127.0.0.1:${await freePort()}`,
  });
}
const initial = members.map((m) => `${m.name}=${m.peer}`).join(',');
const procs = members.map((m) => {
  const log = openSync(join(root, `${m.name}.log`), 'a');
  return spawn(
    'etcd',
    [
      `--name=${m.name}`,
      `--data-dir=${join(root, m.name)}`,
      `--listen-client-urls=${m.client}`,
      `--advertise-client-urls=${m.client}`,
      `--listen-peer-urls=${m.peer}`,
      `--initial-advertise-peer-urls=${m.peer}`,
      `--initial-cluster=${initial}`,
      '--initial-cluster-state=new',
      `--initial-cluster-token=${root}`,
      '--election-timeout=1500',
      '--log-level=warn',
      '--logger=zap',
    ],
    { stdio: ['ignore', log, log] },
  );
});
const stop = () => {
  for (const p of procs) p.kill('SIGKILL');
  rmSync(root, { recursive: true, force: true });
};
process.on('exit', stop);
const endpoints = members.map((m) => m.client).join(',');

const ctl = (args) =>
  run('etcdctl', [`--endpoints=${endpoints}`, ...args], { env: { ...process.env, ETCDCTL_API: '3' } });
for (let t = 0; ; t++) {
  try {
    await ctl(['endpoint', 'health', '--command-timeout=2s']);
    break;
  } catch (err) {
    if (t > 150) throw err;
    await new Promise((r) => setTimeout(r, 200));
  }
}

const { gatherCluster, analyzeCluster } = await import('../dist/engines/etcd/index.js');
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const time = async (f) => {
  const t = performance.now();
  await f();
  return performance.now() - t;
};

const lib = [];
const libMetrics = [];
const cli = [];
const etcdctl = [];
let report;
for (let r = 0; r < ROUNDS; r++) {
  lib.push(
    await time(async () => {
      report = analyzeCluster(await gatherCluster(endpoints.split(','), { tls: {}, timeoutMs: 5000 }));
    }),
  );
  libMetrics.push(
    await time(async () =>
      analyzeCluster(await gatherCluster(endpoints.split(','), { tls: {}, timeoutMs: 5000, metrics: true })),
    ),
  );
  cli.push(
    await time(() =>
      run(process.execPath, ['dist/cli/main.js', 'etcd', 'check', '--endpoints', endpoints, '-o', 'json']).catch(
        (e) => {
          if (e.code !== 1) throw e; // 1: findings (plain HTTP), expected here
        },
      ),
    ),
  );
  etcdctl.push(
    await time(() =>
      Promise.all([
        ctl(['endpoint', 'status', '-w', 'json']),
        ctl(['endpoint', 'health']),
        ctl(['member', 'list']),
        ctl(['alarm', 'list']),
      ]),
    ),
  );
}
if (!report.healthy || report.members.length !== SIZE) throw new Error('bench cluster is not healthy');
console.log(`etcd ${report.members[0].version}, ${SIZE} members on loopback, ${ROUNDS} rounds, median wall time:`);
console.log(`  kubeprint etcd check (library: gather + analyze)       ${median(lib).toFixed(0)} ms`);
console.log(`  kubeprint etcd check --metrics (library)               ${median(libMetrics).toFixed(0)} ms`);
console.log(`  kubeprint etcd check (whole process, node start-up)    ${median(cli).toFixed(0)} ms`);
console.log(`  etcdctl status+health+member list+alarm list (parallel) ${median(etcdctl).toFixed(0)} ms`);
stop();
process.exit(0);
