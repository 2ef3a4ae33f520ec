/**
 * Starts a real etcd cluster on loopback, on free ports, for integration
 * tests; stops it and removes its data afterwards. Needs the Debian packages
 * `etcd-server` (etcd) and `etcd-client` (etcdctl); see scripts/ci/install-etcd.sh.
 */
import { type ChildProcess, execFile, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { makeTestCa, signedCert } from './pki.js';

const run = promisify(execFile);

function onPath(bin: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' }).status === 0;
}

/** Why etcd tests cannot run here, or undefined when they can. */
export function etcdMissing(): string | undefined {
  if (!onPath('etcd'))
    return 'etcd not found on PATH: install the Debian package etcd-server (scripts/ci/install-etcd.sh)';
  if (!onPath('etcdctl'))
    return 'etcdctl not found on PATH: install the Debian package etcd-client (scripts/ci/install-etcd.sh)';
  if (!onPath('openssl')) return 'openssl not found on PATH: install the Debian package openssl';
  return undefined;
}

/**
 * A loopback port that is free now, for a server a test is about to start.
 *
 * Ports come from below the kernel's ephemeral range (read from
 * /proc/sys/net/ipv4/ip_local_port_range, 32768 when unknown): a port from
 * `listen(0)` is an ephemeral one, and any outgoing connection of any process
 * on the machine (etcdctl, a test's HTTP client) may take it between our check
 * and the server's bind. A port is never handed out twice in one process, and
 * each test worker starts at a random place, so two workers rarely try the same
 * port; a server that still loses the race is restarted by its harness.
 */
export async function freePort(): Promise<number> {
  const low = 10_000;
  const high = ephemeralStart() - 1;
  for (let attempt = 0; attempt < 200; attempt++) {
    const port = low + Math.floor(Math.random() * (high - low));
    if (handedOut.has(port)) continue;
    if (await canListen(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error(`no free loopback port found between ${low} and ${high}`);
}

const handedOut = new Set<number>();

function ephemeralStart(): number {
  try {
    const first = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    if (Number.isInteger(first) && first > 12_000) return first;
  } catch {
    // not Linux: keep the IANA default below
  }
  return 32_768;
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.unref();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

/** Whether a member's log says it could not bind its port (another process took it first). */
function lostPortRace(root: string, members: EtcdMember[]): boolean {
  return members.some((m) => {
    try {
      return readFileSync(join(root, `${m.name}.log`), 'utf8').includes('address already in use');
    } catch {
      return false;
    }
  });
}

export interface ClusterTls {
  cacert: string;
  cert: string;
  key: string;
}

export interface EtcdMember {
  name: string;
  clientURL: string;
  peerURL: string;
  dataDir: string;
  proc: ChildProcess | undefined;
}

export interface StartOptions {
  size?: number;
  /** `--quota-backend-bytes` of every member. */
  quotaBackendBytes?: number;
  /** Serve clients over TLS with client-certificate auth (certificates made with openssl). */
  tls?: boolean;
}

export interface EtcdCluster {
  members: EtcdMember[];
  endpoints: string[];
  root: string;
  tls: ClusterTls | undefined;
  /** etcdctl arguments for TLS (empty without). */
  ctlArgs: string[];
  /** SIGKILL one member and wait for its exit. */
  kill(index: number): Promise<void>;
  /** Start a stopped member again with its data. */
  restart(index: number): Promise<void>;
  /** Run etcdctl against the given endpoints (default: all). */
  etcdctl(args: string[], endpoints?: string[]): Promise<string>;
  /** Kill every process and remove all data (idempotent). */
  stop(): Promise<void>;
}

const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const p of live) p.kill('SIGKILL');
});

function makeCerts(dir: string): ClusterTls {
  makeTestCa(dir);
  signedCert(
    dir,
    'etcd',
    '/CN=etcd',
    'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth,clientAuth\n',
  );
  return { cacert: join(dir, 'ca.crt'), cert: join(dir, 'etcd.crt'), key: join(dir, 'etcd.key') };
}

async function waitHealthy(c: EtcdCluster, endpoints: string[], deadlineMs: number): Promise<void> {
  const until = Date.now() + deadlineMs;
  let last = '';
  while (Date.now() < until) {
    const dead = c.members.find((m) => endpoints.includes(m.clientURL) && m.proc && m.proc.exitCode !== null);
    if (dead) {
      last = `member ${dead.name} exited with code ${dead.proc?.exitCode}`;
      break;
    }
    try {
      await c.etcdctl(['endpoint', 'health', '--command-timeout=2s'], endpoints);
      return;
    } catch (err) {
      last = err instanceof Error ? err.message : String(err);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  const logs = c.members.map((m) => `--- ${m.name}\n${tail(join(m.dataDir, '..', `${m.name}.log`))}`).join('\n');
  throw new Error(`etcd cluster did not become healthy: ${last}\n${logs}`);
}

function tail(file: string): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-15).join('\n');
  } catch {
    return '(no log)';
  }
}

/**
 * Start a cluster of `size` members (default 3) and wait until every member is
 * healthy. When a member could not bind its port because another process took
 * it first, the whole cluster starts again on new ports (at most three times).
 */
export async function startEtcdCluster(opts: StartOptions = {}): Promise<EtcdCluster> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(opts);
    } catch (err) {
      if (!(err instanceof PortRaceError) || attempt >= 3) throw err;
    }
  }
}

class PortRaceError extends Error {}

async function startOnce(opts: StartOptions): Promise<EtcdCluster> {
  const size = opts.size ?? 3;
  const root = mkdtempSync(join(tmpdir(), 'kubeprint-etcd-'));
  const tls = opts.tls ? makeCerts(root) : undefined;
  const scheme = tls ? 'https' : 'http';
  const members: EtcdMember[] = [];
  for (let i = 0; i < size; i++) {
    const name = `m${i}`;
    members.push({
      name,
      clientURL: `${scheme}://127.0.0.1:${await freePort()}`,
      peerURL: `http://127.0.0.1:${await freePort()}`,
      dataDir: join(root, name),
      proc: undefined,
    });
  }
  const initialCluster = members.map((m) => `${m.name}=${m.peerURL}`).join(',');
  const ctlArgs = tls ? [`--cacert=${tls.cacert}`, `--cert=${tls.cert}`, `--key=${tls.key}`] : [];

  const startMember = (i: number, state: 'new' | 'existing'): void => {
    const m = members[i]!;
    const args = [
      `--name=${m.name}`,
      `--data-dir=${m.dataDir}`,
      `--listen-client-urls=${m.clientURL}`,
      `--advertise-client-urls=${m.clientURL}`,
      `--listen-peer-urls=${m.peerURL}`,
      `--initial-advertise-peer-urls=${m.peerURL}`,
      `--initial-cluster=${initialCluster}`,
      `--initial-cluster-state=${state}`,
      `--initial-cluster-token=${root}`,
      '--heartbeat-interval=100',
      '--election-timeout=1500',
      '--logger=zap',
      '--log-level=warn',
    ];
    if (opts.quotaBackendBytes !== undefined) args.push(`--quota-backend-bytes=${opts.quotaBackendBytes}`);
    if (tls)
      args.push(
        `--cert-file=${tls.cert}`,
        `--key-file=${tls.key}`,
        `--trusted-ca-file=${tls.cacert}`,
        '--client-cert-auth',
      );
    const log = openSync(join(root, `${m.name}.log`), 'a');
    const proc = spawn('etcd', args, { stdio: ['ignore', log, log] });
    live.add(proc);
    proc.on('exit', () => live.delete(proc));
    m.proc = proc;
  };

  const cluster: EtcdCluster = {
    members,
    endpoints: members.map((m) => m.clientURL),
    root,
    tls,
    ctlArgs,
    async kill(index) {
      const p = members[index]?.proc;
      if (!p || p.exitCode !== null || p.signalCode !== null) return;
      const exited = new Promise((r) => p.once('exit', r));
      p.kill('SIGKILL');
      await exited;
    },
    async restart(index) {
      startMember(index, 'existing');
      await waitHealthy(cluster, [members[index]!.clientURL], 20_000);
    },
    async etcdctl(args, endpoints = cluster.endpoints) {
      const { stdout } = await run('etcdctl', [`--endpoints=${endpoints.join(',')}`, ...ctlArgs, ...args], {
        env: { ...process.env, ETCDCTL_API: '3' },
        timeout: 15_000,
      });
      return stdout;
    },
    async stop() {
      await Promise.all(members.map((_, i) => cluster.kill(i)));
      rmSync(root, { recursive: true, force: true });
    },
  };
  try {
    for (let i = 0; i < size; i++) startMember(i, 'new');
    await waitHealthy(cluster, cluster.endpoints, 30_000);
  } catch (err) {
    const race = lostPortRace(root, members);
    await cluster.stop();
    if (race) throw new PortRaceError(err instanceof Error ? err.message : String(err));
    throw err;
  }
  return cluster;
}

/** Run the CLI in-process and capture its output. */
export async function runCli(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const { main } = await import('../../src/cli/main.js');
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    readStdin: async () => '',
    isTTY: false,
    cwd: process.cwd(),
    env: {},
  });
  return { code, stdout, stderr };
}

/** `--endpoints ... [--cacert --cert --key]` for this cluster. */
export function connectionArgs(c: EtcdCluster, endpoints: string[] = c.endpoints): string[] {
  const args = ['--endpoints', endpoints.join(',')];
  if (c.tls) args.push('--cacert', c.tls.cacert, '--cert', c.tls.cert, '--key', c.tls.key);
  return args;
}
