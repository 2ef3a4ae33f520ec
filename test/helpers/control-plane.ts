/**
 * Starts a real Kubernetes control plane on loopback for integration tests,
 * the way controller-runtime's envtest does: etcd and kube-apiserver on free
 * ports, a self-signed CA and serving certificate, a service-account signing
 * key and issuer, `--authorization-mode=RBAC`, and an admin client certificate
 * in `system:masters`. Optionally kwok, which plays kubelet for fake nodes and
 * makes their pods run. Everything is stopped and its temp dir removed by
 * `stop()` (also when starting fails part-way).
 *
 * The binaries are built by scripts/ci/install-controlplane.sh into
 * $KUBEPRINT_TOOLS_DIR/controlplane/<name>-<version>/ (default
 * ~/.cache/kubeprint-tools); test/controlplane/versions.env names the versions.
 */
import { type ChildProcess, execFile, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { freePort } from './etcd-cluster.js';
import { makeTestCa, openssl, signedCert } from './pki.js';

const exec = promisify(execFile);
const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

export type ControlPlaneBinary = 'etcd' | 'kube-apiserver' | 'kube-controller-manager' | 'kube-scheduler' | 'kwok';

function versions(): Record<string, string> {
  const out: Record<string, string> = {};
  const text = readFileSync(join(REPO, 'test/controlplane/versions.env'), 'utf8');
  for (const line of text.split('\n')) {
    const m = /^([A-Z0-9_]+)=(\S+)/.exec(line);
    if (m?.[1] && m[2]) out[m[1]] = m[2];
  }
  return out;
}

/** Where a binary is expected: the versioned cache folder the install script fills. */
export function binaryPath(name: ControlPlaneBinary): string {
  const v = versions();
  const version = {
    etcd: v.ETCD_VERSION,
    'kube-apiserver': v.K8S_VERSION,
    'kube-controller-manager': v.K8S_VERSION,
    'kube-scheduler': v.K8S_VERSION,
    kwok: v.KWOK_VERSION,
  }[name];
  const tools = process.env.KUBEPRINT_TOOLS_DIR ?? join(homedir(), '.cache/kubeprint-tools');
  return join(tools, 'controlplane', `${name}-${version ?? 'unknown'}`, name);
}

function kwokStages(): string {
  return join(dirname(binaryPath('kwok')), 'stages.yaml');
}

/** Why the control plane cannot start here (naming the missing binary), or undefined when it can. */
export function controlPlaneMissing(opts: { kwok?: boolean } = {}): string | undefined {
  const needed: ControlPlaneBinary[] = ['etcd', 'kube-apiserver', ...(opts.kwok ? (['kwok'] as const) : [])];
  for (const b of needed) {
    const p = binaryPath(b);
    if (!existsSync(p)) return `${b} not found at ${p}: build it with scripts/ci/install-controlplane.sh`;
  }
  if (opts.kwok && !existsSync(kwokStages()))
    return `kwok's stage file not found at ${kwokStages()}: run scripts/ci/install-controlplane.sh`;
  if (spawnSync('sh', ['-c', 'command -v openssl'], { stdio: 'ignore' }).status !== 0)
    return 'openssl not found on PATH: install the Debian package openssl';
  return undefined;
}

export interface ControlPlane {
  /** https://127.0.0.1:PORT */
  server: string;
  /** A kubeconfig for the admin (system:masters), context `kubeprint-test`. */
  kubeconfig: string;
  contextName: string;
  dir: string;
  /** Write a kubeconfig for a user with a client certificate (CN=user, O=groups); returns its path. */
  userKubeconfig(user: string, groups?: string[]): string;
  /** Run kubectl with the admin kubeconfig; resolves to stdout. */
  kubectl(args: string[], input?: string): Promise<string>;
  /**
   * Stop kube-apiserver and start it again with the same flags on the same
   * etcd and port; resolves once /readyz answers (its post-start hooks, such as
   * the bootstrap RBAC reconciliation, have then run).
   */
  restartApiserver(): Promise<void>;
  /** Kill every process and remove the temp dir (idempotent). */
  stop(): Promise<void>;
}

export interface ControlPlaneOptions {
  /** Also run kwok (fake kubelets; pods on its nodes become Running). */
  kwok?: boolean;
  /** Extra kube-apiserver flags. */
  apiserverArgs?: string[];
  /** How long to wait for /readyz (default 90 s). */
  readyTimeoutMs?: number;
}

const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const p of live) p.kill('SIGKILL');
});

function makePki(dir: string): void {
  makeTestCa(dir);
  signedCert(
    dir,
    'apiserver',
    '/CN=kube-apiserver',
    'subjectAltName=IP:127.0.0.1,IP:10.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc\nextendedKeyUsage=serverAuth\n',
  );
  signedCert(dir, 'admin', '/O=system:masters/CN=kubeprint-admin', 'extendedKeyUsage=clientAuth\n');
  openssl(dir, ['genrsa', '-out', 'sa.key', '2048']);
  openssl(dir, ['rsa', '-in', 'sa.key', '-pubout', '-out', 'sa.pub']);
}

function kubeconfigText(server: string, dir: string, user: string, context: string): string {
  const b64 = (f: string) => readFileSync(join(dir, f)).toString('base64');
  return `apiVersion: v1
kind: Config
clusters:
- name: ${context}
  cluster:
    server: ${server}
    certificate-authority-data: ${b64('ca.crt')}
users:
- name: ${user}
  user:
    client-certificate-data: ${b64(`${user}.crt`)}
    client-key-data: ${b64(`${user}.key`)}
contexts:
- name: ${context}
  context:
    cluster: ${context}
    user: ${user}
current-context: ${context}
`;
}

function startProcess(bin: string, args: string[], logFile: string): ChildProcess {
  const out = openSync(logFile, 'a');
  const proc = spawn(bin, args, { stdio: ['ignore', out, out] });
  live.add(proc);
  proc.on('exit', () => live.delete(proc));
  return proc;
}

async function stopProcess(proc: ChildProcess | undefined): Promise<void> {
  if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  proc.kill('SIGTERM');
  const timer = setTimeout(() => proc.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

function tail(file: string): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-15).join('\n');
  } catch {
    return '';
  }
}

/** GET a URL over HTTPS with the admin certificate; resolves to the status code (0 when unreachable). */
function probe(url: string, dir: string): Promise<{ status: number; body: string }> {
  return new Promise((res) => {
    const req = request(
      url,
      {
        ca: readFileSync(join(dir, 'ca.crt')),
        cert: readFileSync(join(dir, 'admin.crt')),
        key: readFileSync(join(dir, 'admin.key')),
        timeout: 3000,
      },
      (r) => {
        let body = '';
        r.setEncoding('utf8');
        r.on('data', (c: string) => {
          body += c;
        });
        r.on('end', () => res({ status: r.statusCode ?? 0, body }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => res({ status: 0, body: '' }));
    req.end();
  });
}

async function waitFor(what: string, check: () => Promise<boolean>, ms: number, logFile: string, proc: ChildProcess) {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`${what} exited with ${proc.exitCode}:\n${tail(logFile)}`);
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${what} not ready after ${ms} ms:\n${tail(logFile)}`);
}

/**
 * Start etcd + kube-apiserver (+ kwok) on free loopback ports; resolves once
 * /readyz answers ok. Call `stop()` in afterAll.
 *
 * @throws Error with the tail of the failing component's log when it does not come up.
 */
export async function startControlPlane(opts: ControlPlaneOptions = {}): Promise<ControlPlane> {
  // A port checked free may be taken by another process before our server binds
  // it; then the whole control plane starts again on new ports.
  for (let attempt = 1; ; attempt++) {
    try {
      return await startOnce(opts);
    } catch (err) {
      if (attempt >= 3 || !/address already in use/.test((err as Error).message)) throw err;
    }
  }
}

async function startOnce(opts: ControlPlaneOptions): Promise<ControlPlane> {
  const dir = mkdtempSync(join(tmpdir(), 'kubeprint-cp-'));
  const procs: ChildProcess[] = [];
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    for (const p of [...procs].reverse()) await stopProcess(p);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    makePki(dir);
    const [etcdClient, etcdPeer, securePort] = [await freePort(), await freePort(), await freePort()];
    const etcdURL = `http://127.0.0.1:${etcdClient}`;
    const etcdLog = join(dir, 'etcd.log');
    const etcd = startProcess(
      binaryPath('etcd'),
      [
        '--name=test',
        `--data-dir=${join(dir, 'etcd')}`,
        `--listen-client-urls=${etcdURL}`,
        `--advertise-client-urls=${etcdURL}`,
        `--listen-peer-urls=http://127.0.0.1:${etcdPeer}`,
        `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeer}`,
        `--initial-cluster=test=http://127.0.0.1:${etcdPeer}`,
        '--unsafe-no-fsync',
        '--quota-backend-bytes=4294967296',
      ],
      etcdLog,
    );
    procs.push(etcd);
    await waitFor(
      'etcd',
      async () => {
        try {
          const r = await fetch(`${etcdURL}/health`, { signal: AbortSignal.timeout(2000) });
          return r.ok;
        } catch {
          return false;
        }
      },
      30_000,
      etcdLog,
      etcd,
    );

    const server = `https://127.0.0.1:${securePort}`;
    const apiLog = join(dir, 'kube-apiserver.log');
    const apiArgs = [
      `--etcd-servers=${etcdURL}`,
      '--advertise-address=127.0.0.1',
      '--bind-address=127.0.0.1',
      `--secure-port=${securePort}`,
      `--cert-dir=${dir}`,
      `--tls-cert-file=${join(dir, 'apiserver.crt')}`,
      `--tls-private-key-file=${join(dir, 'apiserver.key')}`,
      `--client-ca-file=${join(dir, 'ca.crt')}`,
      '--service-cluster-ip-range=10.0.0.0/16', // room for the benchmark's 2,000 Services
      '--service-account-issuer=https://kubernetes.default.svc',
      `--service-account-key-file=${join(dir, 'sa.pub')}`,
      `--service-account-signing-key-file=${join(dir, 'sa.key')}`,
      '--authorization-mode=RBAC',
      '--allow-privileged=true',
      // As envtest: no controller-manager runs, so no token controller makes
      // `default` ServiceAccounts; the ServiceAccount admission plugin would
      // then reject every pod.
      '--disable-admission-plugins=ServiceAccount',
      ...(opts.apiserverArgs ?? []),
    ];
    const startApi = async (): Promise<ChildProcess> => {
      const api = startProcess(binaryPath('kube-apiserver'), apiArgs, apiLog);
      procs.push(api);
      await waitFor(
        'kube-apiserver',
        async () => {
          const r = await probe(`${server}/readyz`, dir);
          return r.status === 200;
        },
        opts.readyTimeoutMs ?? 90_000,
        apiLog,
        api,
      );
      return api;
    };
    let api = await startApi();

    const contextName = 'kubeprint-test';
    const kubeconfig = join(dir, 'admin.kubeconfig');
    writeFileSync(kubeconfig, kubeconfigText(server, dir, 'admin', contextName));

    if (opts.kwok) {
      const kwokLog = join(dir, 'kwok.log');
      const kwok = startProcess(
        binaryPath('kwok'),
        [
          `--kubeconfig=${kubeconfig}`,
          '--manage-all-nodes=false',
          '--manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake',
          '--node-lease-duration-seconds=40',
          '--cidr=10.1.0.1/16',
          '--node-ip=10.0.0.1',
          `--server-address=127.0.0.1:${await freePort()}`,
          // kwokctl's fast stages (nodes Ready, pods Running at once), put there by the install script
          `--config=${kwokStages()}`,
        ],
        kwokLog,
      );
      procs.push(kwok);
      // kwok has no readiness endpoint we can use before nodes exist; a live process after a moment will do.
      await new Promise((r) => setTimeout(r, 1000));
      if (kwok.exitCode !== null) throw new Error(`kwok exited with ${kwok.exitCode}:\n${tail(kwokLog)}`);
    }

    return {
      server,
      kubeconfig,
      contextName,
      dir,
      userKubeconfig(user: string, groups: string[] = []) {
        const subject = `${groups.map((g) => `/O=${g}`).join('')}/CN=${user}`;
        signedCert(dir, user, subject, 'extendedKeyUsage=clientAuth\n');
        const file = join(dir, `${user}.kubeconfig`);
        writeFileSync(file, kubeconfigText(server, dir, user, contextName));
        return file;
      },
      async kubectl(args: string[], input?: string) {
        if (input === undefined) {
          const r = await exec('kubectl', ['--kubeconfig', kubeconfig, ...args], { maxBuffer: 256 * 1024 * 1024 });
          return r.stdout;
        }
        return new Promise<string>((res, rej) => {
          const child = execFile(
            'kubectl',
            ['--kubeconfig', kubeconfig, ...args],
            { maxBuffer: 256 * 1024 * 1024 },
            (err, stdout, stderr) => (err ? rej(new Error(`kubectl ${args.join(' ')}: ${stderr}`)) : res(stdout)),
          );
          child.stdin?.end(input);
        });
      },
      async restartApiserver() {
        await stopProcess(api);
        procs.splice(procs.indexOf(api), 1);
        api = await startApi();
      },
      stop,
    };
  } catch (err) {
    await stop();
    throw new Error(`control plane did not start (its temp dir ${dir} is removed): ${(err as Error).message}`, {
      cause: err,
    });
  }
}
