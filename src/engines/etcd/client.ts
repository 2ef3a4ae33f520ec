/**
 * The etcd adapter: all network I/O of `kubeprint etcd` lives here. One
 * client per endpoint, so that each member answers for itself; every call
 * carries a deadline and is raced against a timer, so a dead or black-holed
 * member never hangs a check.
 */
import { readFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Etcd3 } from 'etcd3';
import { KubeprintError } from '../../errors.js';
import { hostPort } from './analyze.js';
import { hexToDecimal, toCount, toHexId, toHexIdOrNone } from './ids.js';
import { memberMetricsFrom } from './metrics.js';
import type { AlarmInfo, EndpointObservation, HealthProbe, MemberInfo, MemberStatus } from './types.js';

/** TLS material as etcdctl takes it (`--cacert --cert --key`). */
export interface TlsMaterial {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
}

export interface ConnectOptions {
  tls: TlsMaterial;
  /** Deadline of each call, milliseconds. */
  timeoutMs: number;
}

export interface GatherOptions extends ConnectOptions {
  /** Scrape each member's /metrics. */
  metrics?: boolean;
  /** Also probe members that a member list names but no given endpoint reaches (default true). */
  discover?: boolean;
}

/** Read `--cacert --cert --key`; a missing file is a READ_FAILED error naming it. */
export async function loadTls(files: { cacert?: string; cert?: string; key?: string }): Promise<TlsMaterial> {
  const read = async (flag: string, path: string | undefined): Promise<Buffer | undefined> => {
    if (path === undefined) return undefined;
    try {
      return await readFile(path);
    } catch (err) {
      throw new KubeprintError('READ_FAILED', `${flag} ${path}: cannot read`, { cause: err });
    }
  };
  if ((files.cert === undefined) !== (files.key === undefined))
    throw new KubeprintError('USAGE', '--cert and --key go together');
  if (files.cert !== undefined && files.cacert === undefined)
    throw new KubeprintError('USAGE', '--cert needs --cacert (the CA that signed the etcd server certificate)');
  const tls: TlsMaterial = {};
  const ca = await read('--cacert', files.cacert);
  const cert = await read('--cert', files.cert);
  const key = await read('--key', files.key);
  if (ca) tls.ca = ca;
  if (cert) tls.cert = cert;
  if (key) tls.key = key;
  return tls;
}

/** `host:port` becomes a URL: https when a CA is given (as etcdctl does), else http. */
export function normalizeEndpoint(ep: string, tls: TlsMaterial): string {
  const e = ep.trim().replace(/\/+$/, '');
  if (/^(https?|unix|unixs):\/\//i.test(e)) return e;
  return `${tls.ca ? 'https' : 'http'}://${e}`;
}

/** Parse `--endpoints a,b,c`; rejects empty lists and malformed URLs with a USAGE error. */
export function parseEndpoints(value: string | undefined, tls: TlsMaterial): string[] {
  const list = (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (list.length === 0) throw new KubeprintError('USAGE', '--endpoints is required (e.g. https://10.0.0.1:2379,...)');
  const out: string[] = [];
  for (const raw of list) {
    const url = normalizeEndpoint(raw, tls);
    try {
      const u = new URL(url);
      if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error(`unsupported scheme ${u.protocol}`);
    } catch (err) {
      throw new KubeprintError('USAGE', `--endpoints: "${raw}" is not a URL`, { cause: err });
    }
    if (!out.includes(url)) out.push(url);
  }
  return out;
}

function message(err: unknown): string {
  const m = err instanceof Error ? err.message : String(err);
  // gRPC appends resolver and load-balancer diagnostics that say nothing to a user.
  return m
    .split('\n')[0]!
    .replace(/\.?\s*Resolution note:.*$/, '')
    .replace(/,name resolution:.*$/, '')
    .slice(0, 300);
}

/** Resolve or fail within `ms`, whatever the promise does. */
export async function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new KubeprintError('TIMEOUT', `${what}: no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([p, t]);
  } finally {
    clearTimeout(timer);
  }
}

type Etcd3Module = typeof import('etcd3');
let etcd3Module: Promise<Etcd3Module> | undefined;
function loadEtcd3(): Promise<Etcd3Module> {
  // Lazy: gRPC is heavy and only `kubeprint etcd` needs it.
  etcd3Module ??= import('etcd3');
  return etcd3Module;
}

/** A connection to exactly one member. */
export class MemberConnection {
  private constructor(
    readonly endpoint: string,
    private readonly client: Etcd3,
    private readonly mod: Etcd3Module,
    private readonly timeoutMs: number,
  ) {}

  static async open(endpoint: string, opts: ConnectOptions, withClientCert = true): Promise<MemberConnection> {
    const mod = await loadEtcd3();
    const secure = endpoint.startsWith('https:');
    const options: ConstructorParameters<typeof mod.Etcd3>[0] = { hosts: [endpoint] };
    if (secure && opts.tls.ca) {
      options.credentials = { rootCertificate: opts.tls.ca };
      if (withClientCert && opts.tls.cert && opts.tls.key) {
        options.credentials.certChain = opts.tls.cert;
        options.credentials.privateKey = opts.tls.key;
      }
    }
    return new MemberConnection(endpoint, new mod.Etcd3(options), mod, opts.timeoutMs);
  }

  private call<T>(what: string, f: (opts: { deadline: number }) => Promise<T>, timeoutMs = this.timeoutMs): Promise<T> {
    return withTimeout(f({ deadline: Date.now() + timeoutMs }), timeoutMs + 250, `${this.endpoint} ${what}`);
  }

  async status(): Promise<MemberStatus> {
    const r = await this.call('status', (o) => this.client.maintenance.status(o));
    const raw = r as unknown as Record<string, unknown>;
    const header = (raw.header ?? {}) as Record<string, unknown>;
    const id = toHexId(header.member_id);
    if (id === undefined) throw new KubeprintError('INPUT_INVALID', `${this.endpoint}: status without a member id`);
    // Fields that a server does not know arrive as proto defaults ("0", false): absent, not zero.
    const inUse = toCount(raw.dbSizeInUse);
    const applied = toCount(raw.raftAppliedIndex);
    const s: MemberStatus = {
      id,
      version: String(raw.version ?? ''),
      dbSize: toCount(raw.dbSize) ?? 0,
      raftTerm: toCount(raw.raftTerm) ?? 0,
      raftIndex: toCount(raw.raftIndex) ?? 0,
      errors: Array.isArray(raw.errors) ? raw.errors.map(String) : [],
    };
    if (inUse !== undefined && inUse > 0) s.dbSizeInUse = inUse;
    if (applied !== undefined && applied > 0) s.raftAppliedIndex = applied;
    const leader = toHexIdOrNone(raw.leader);
    if (leader !== undefined) s.leader = leader;
    if (typeof raw.isLearner === 'boolean') s.isLearner = raw.isLearner;
    return s;
  }

  async memberList(): Promise<MemberInfo[]> {
    const r = await this.call('member list', (o) => this.client.cluster.memberList({ linearizable: false }, o));
    const out: MemberInfo[] = [];
    for (const m of r.members ?? []) {
      const id = toHexId((m as unknown as Record<string, unknown>).ID);
      if (id === undefined) continue;
      out.push({
        id,
        name: m.name ?? '',
        peerURLs: [...(m.peerURLs ?? [])],
        clientURLs: [...(m.clientURLs ?? [])],
        isLearner: !!m.isLearner,
      });
    }
    return out;
  }

  async alarms(): Promise<AlarmInfo[]> {
    const r = await this.call('alarm list', (o) =>
      this.client.maintenance.alarm(
        { action: this.mod.AlarmAction.Get, memberID: 0, alarm: this.mod.AlarmType.None },
        o,
      ),
    );
    const out: AlarmInfo[] = [];
    for (const a of r.alarms ?? []) {
      const id = toHexId((a as unknown as Record<string, unknown>).memberID);
      const alarm = String(a.alarm).toUpperCase();
      if (id !== undefined && alarm !== 'NONE') out.push({ memberId: id, alarm });
    }
    return out;
  }

  /** A linearizable read of key `health`, as `etcdctl endpoint health` does. */
  async health(): Promise<HealthProbe> {
    const start = performance.now();
    try {
      await this.call('health read', (o) => this.client.kv.range({ key: Buffer.from('health') }, o));
      return { ok: true, tookMs: Math.round(performance.now() - start) };
    } catch (err) {
      const tookMs = Math.round(performance.now() - start);
      // Like etcdctl: a permission error still proves the member serves reads.
      if (/permission denied/i.test(message(err))) return { ok: true, tookMs };
      return { ok: false, tookMs, error: message(err) };
    }
  }

  /** The current store revision (from a read's header). */
  async revision(): Promise<string> {
    const r = await this.call('read revision', (o) => this.client.kv.range({ key: Buffer.from('health') }, o));
    return String(r.header.revision);
  }

  /** Compact the keyspace up to `revision`, waiting until it is physically applied. */
  async compact(revision: string, timeoutMs: number): Promise<void> {
    await this.call('compact', (o) => this.client.kv.compact({ revision, physical: true }, o), timeoutMs);
  }

  async defragment(timeoutMs: number): Promise<void> {
    await this.call('defragment', (o) => this.client.maintenance.defragment(o), timeoutMs);
  }

  /** Deactivate one alarm of one member (hex id). */
  async disarm(memberIdHex: string, alarm: string): Promise<void> {
    const type = alarm === 'NOSPACE' ? this.mod.AlarmType.Nospace : this.mod.AlarmType.Corrupt;
    await this.call('alarm disarm', (o) =>
      this.client.maintenance.alarm(
        { action: this.mod.AlarmAction.Deactivate, memberID: hexToDecimal(memberIdHex), alarm: type },
        o,
      ),
    );
  }

  close(): void {
    this.client.close();
  }
}

/** GET a member's /metrics (same TLS material), within the timeout. */
export function fetchMetricsText(endpoint: string, opts: ConnectOptions): Promise<string> {
  return withTimeout(
    new Promise<string>((resolve, reject) => {
      const url = new URL('/metrics', endpoint);
      const secure = url.protocol === 'https:';
      const req = (secure ? httpsRequest : httpRequest)(
        url,
        {
          method: 'GET',
          timeout: opts.timeoutMs,
          ...(secure ? { ca: opts.tls.ca, cert: opts.tls.cert, key: opts.tls.key } : {}),
        },
        (res) => {
          if (res.statusCode !== 200) {
            res.resume();
            reject(new Error(`GET ${url.href}: HTTP ${res.statusCode}`));
            return;
          }
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
          res.on('error', reject);
        },
      );
      req.on('timeout', () => req.destroy(new Error(`GET ${url.href}: timed out`)));
      req.on('error', reject);
      req.end();
    }),
    opts.timeoutMs + 250,
    `${endpoint} metrics`,
  );
}

async function settle<T>(p: Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: string }> {
  try {
    return { ok: true, value: await p };
  } catch (err) {
    return { ok: false, error: message(err) };
  }
}

/** Ask one endpoint everything a check needs; never throws for a dead member. */
export async function observeEndpoint(
  endpoint: string,
  requested: boolean,
  opts: GatherOptions,
): Promise<EndpointObservation> {
  const obs: EndpointObservation = { endpoint, requested, reachable: false };
  const conn = await MemberConnection.open(endpoint, opts);
  try {
    const [status, members, alarms, health] = await Promise.all([
      settle(conn.status()),
      settle(conn.memberList()),
      settle(conn.alarms()),
      conn.health(),
    ]);
    if (status.ok) {
      obs.reachable = true;
      obs.status = status.value;
    } else obs.error = status.error;
    if (members.ok) obs.members = members.value;
    if (alarms.ok) obs.alarms = alarms.value;
    obs.health = health;
    if (obs.reachable && endpoint.startsWith('https:')) {
      if (!opts.tls.cert) obs.clientCertRequired = false;
      else obs.clientCertRequired = !(await acceptsWithoutClientCert(endpoint, opts));
    }
    if (obs.reachable && opts.metrics) {
      const m = await settle(fetchMetricsText(endpoint, opts));
      if (m.ok) obs.metrics = memberMetricsFrom(m.value);
      else obs.metricsError = m.error;
    }
  } finally {
    conn.close();
  }
  return obs;
}

async function acceptsWithoutClientCert(endpoint: string, opts: ConnectOptions): Promise<boolean> {
  const conn = await MemberConnection.open(endpoint, opts, false);
  try {
    return (await settle(conn.status())).ok;
  } finally {
    conn.close();
  }
}

/**
 * Observe every given endpoint in parallel, then every member that a member
 * list names but no given endpoint reached (one round, like `--cluster`).
 */
export async function gatherCluster(endpoints: readonly string[], opts: GatherOptions): Promise<EndpointObservation[]> {
  const first = await Promise.all(endpoints.map((e) => observeEndpoint(e, true, opts)));
  if (opts.discover === false) return first;
  const seenIds = new Set(first.flatMap((o) => (o.status ? [o.status.id] : [])));
  const probed = new Set(first.map((o) => hostPort(o.endpoint)));
  const extra: string[] = [];
  for (const o of first) {
    for (const m of o.members ?? []) {
      if (seenIds.has(m.id) || m.clientURLs.length === 0) continue;
      if (m.clientURLs.some((u) => probed.has(hostPort(u)))) continue;
      const url = m.clientURLs[0]!;
      probed.add(hostPort(url));
      extra.push(url);
    }
  }
  const second = await Promise.all(extra.map((e) => observeEndpoint(e, false, opts)));
  return [...first, ...second];
}
