import type { Finding } from '../../model/finding.js';
import type { Severity } from '../../model/severity.js';
import { toHexId } from './ids.js';
import { type CompiledRule, compileRule, DEFAULT_DEFRAG_RULE, type RuleVars } from './rule-expr.js';
import type { AlarmInfo, EndpointObservation, MemberInfo, MemberMetrics } from './types.js';
import { KNOWN_BAD_VERSIONS, type KnownBadVersionRange, knownBadFor, minorOf, parseVersion } from './versions.js';

export const DEFAULT_QUOTA_BYTES = 2 * 1024 ** 3;

export interface AnalyzeOptions {
  /** Backend quota in bytes when given by the user; otherwise each member's metric, else 2 GiB. */
  quotaBytes?: number;
  /** When a member should be defragmented (default `dbQuotaUsage > 0.8 || dbSize - dbSizeInUse > 200MiB`). */
  defragRule?: CompiledRule;
  /** dbSize / quota above which a member is near its quota (default 0.8). */
  quotaWarnRatio?: number;
  /** Largest tolerated difference of applied index between members (default 1000). */
  maxAppliedIndexLag?: number;
  knownBadVersions?: readonly KnownBadVersionRange[];
  /** WAL fsync p99 above which a member warns, seconds (default 0.010). */
  walFsyncP99Seconds?: number;
  /** Backend commit p99 above which a member warns, seconds (default 0.025). */
  backendCommitP99Seconds?: number;
  /** Leader changes seen by a member above which it warns (default 10). */
  maxLeaderChanges?: number;
}

export interface MemberReport {
  /** Endpoint probed for this member; null for a member with none (added but never started). */
  endpoint: string | null;
  /** Hex member id; null for an unreachable endpoint that no member list names. */
  id: string | null;
  name: string;
  started: boolean;
  reachable: boolean;
  /** A linearizable read succeeded (as `etcdctl endpoint health`). */
  healthy: boolean;
  /** This member is the agreed leader. */
  leader: boolean;
  learner: boolean;
  version: string | null;
  dbSize: number | null;
  dbSizeInUse: number | null;
  dbQuota: number;
  raftTerm: number | null;
  raftIndex: number | null;
  raftAppliedIndex: number | null;
  alarms: string[];
  peerURLs: string[];
  clientURLs: string[];
  /** The leader this member believes in (hex), or null. */
  sees: string | null;
  healthTookMs: number | null;
  error: string | null;
  metrics?: MemberMetrics;
  /** The defrag rule holds for this member. */
  defragRecommended: boolean;
}

export interface QuorumReport {
  /** Voting members (learners excluded), started or not. */
  members: number;
  /** Voting members that answered a linearizable read. */
  healthy: number;
  /** Voting members needed for quorum. */
  quorum: number;
  /** Further member failures the cluster survives; never below 0. */
  failuresTolerated: number;
  lost: boolean;
  /** Quorum holds, but losing one more member loses it. */
  atRisk: boolean;
}

export interface EtcdReport {
  /** Availability: every member started, reachable and healthy, no alarm, one agreed leader. */
  healthy: boolean;
  leader: string | null;
  quorum: QuorumReport;
  members: MemberReport[];
  findings: Finding[];
}

interface Entry {
  id: string | null;
  info?: MemberInfo;
  obs?: EndpointObservation;
}

/** host:port of a URL, lower-cased, for matching endpoints to member client URLs. */
export function hostPort(url: string): string {
  try {
    const u = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(url) ? url : `http://${url}`);
    const port = u.port || (u.protocol === 'https:' ? '443' : '80');
    return `${u.hostname.toLowerCase()}:${port}`;
  } catch {
    return url.toLowerCase();
  }
}

/** Alarms in a 3.4/3.5 Status `errors` list (`memberID:123 alarm:NOSPACE`). */
export function alarmsFromStatusErrors(errors: readonly string[]): AlarmInfo[] {
  const out: AlarmInfo[] = [];
  for (const e of errors) {
    const m = /memberID:\s*(\d+)\s+alarm:\s*([A-Z_]+)/.exec(e);
    const id = m ? toHexId(m[1]) : undefined;
    if (m && id !== undefined) out.push({ memberId: id, alarm: m[2]! });
  }
  return out;
}

function fmtBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(i === 0 ? 0 : 1)} ${units[i]}`;
}

function label(m: { name: string; id: string | null; endpoint: string | null }): string {
  const who = m.name || (m.id ? `member ${m.id}` : 'endpoint');
  const parts = [m.id && m.name ? m.id : undefined, m.endpoint ?? undefined].filter(Boolean);
  return parts.length > 0 ? `${who} (${parts.join(', ')})` : who;
}

/** The defrag-rule variables of a member. */
export function ruleVarsOf(m: { dbSize: number | null; dbSizeInUse: number | null; dbQuota: number }): RuleVars {
  const dbSize = m.dbSize ?? 0;
  const inUse = m.dbSizeInUse ?? dbSize;
  return {
    dbSize,
    dbSizeInUse: inUse,
    dbSizeFree: dbSize - inUse,
    dbQuota: m.dbQuota,
    dbQuotaUsage: m.dbQuota > 0 ? dbSize / m.dbQuota : 0,
  };
}

/**
 * Turn what every endpoint answered into the cluster report and its findings.
 * Pure: no I/O, same output for the same observations.
 */
export function analyzeCluster(observations: readonly EndpointObservation[], opts: AnalyzeOptions = {}): EtcdReport {
  const rule = opts.defragRule ?? compileRule(DEFAULT_DEFRAG_RULE);
  const quotaWarn = opts.quotaWarnRatio ?? 0.8;
  const maxLag = opts.maxAppliedIndexLag ?? 1000;
  const table = opts.knownBadVersions ?? KNOWN_BAD_VERSIONS;
  const findings: Finding[] = [];
  const add = (ruleId: string, severity: Severity, message: string, endpoint?: string | null): void => {
    const f: Finding = { ruleId, severity, category: 'control-plane', message };
    if (endpoint) f.source = { file: endpoint };
    findings.push(f);
  };

  // 1. Every member any endpoint reports, keyed by id.
  const entries = new Map<string, Entry>();
  for (const o of observations) {
    for (const mi of o.members ?? []) {
      const e = entries.get(mi.id);
      if (!e) entries.set(mi.id, { id: mi.id, info: mi });
      else if (e.info && !e.info.name && mi.name) e.info = mi; // a started view beats an unstarted one
    }
  }
  const haveLists = observations.some((o) => o.members !== undefined);

  // 2. Attach each endpoint to its member: by the id that answered, else by client URL.
  const unmatched: Entry[] = [];
  for (const o of observations) {
    if (!o.status) continue;
    let e = entries.get(o.status.id);
    if (!e) {
      e = { id: o.status.id };
      entries.set(o.status.id, e);
    }
    if (!e.obs || (!e.obs.reachable && o.reachable) || (o.requested && !e.obs.requested)) e.obs = o;
  }
  for (const o of observations) {
    if (o.status) continue;
    const hp = hostPort(o.endpoint);
    const e = [...entries.values()].find((x) => x.info?.clientURLs.some((u) => hostPort(u) === hp));
    if (e && !e.obs) e.obs = o;
    else if (!e) unmatched.push({ id: null, obs: o });
  }

  // 3. Alarms, from every view.
  const alarmKeys = new Set<string>();
  const alarms: AlarmInfo[] = [];
  for (const o of observations) {
    for (const a of [...(o.alarms ?? []), ...alarmsFromStatusErrors(o.status?.errors ?? [])]) {
      const k = `${a.memberId}/${a.alarm}`;
      if (!alarmKeys.has(k)) {
        alarmKeys.add(k);
        alarms.push(a);
      }
    }
  }

  // 4. Member reports.
  const reports: MemberReport[] = [];
  for (const e of [...entries.values(), ...unmatched]) {
    const o = e.obs;
    const s = o?.status;
    const info = e.info;
    const started = info ? info.name !== '' || info.clientURLs.length > 0 : true;
    const dbQuota = opts.quotaBytes ?? o?.metrics?.quotaBackendBytes ?? DEFAULT_QUOTA_BYTES;
    const r: MemberReport = {
      endpoint: o?.endpoint ?? (started ? (info?.clientURLs[0] ?? null) : null),
      id: e.id,
      name: info?.name ?? '',
      started,
      reachable: !!o?.reachable,
      healthy: !!o?.reachable && o.health?.ok === true,
      leader: false,
      // A learner never votes: any view that says so wins over one that does not (a status of etcd 3.4
      // has no isLearner, and an endpoint may not have applied a promotion or a learner's addition yet).
      learner: s?.isLearner === true || info?.isLearner === true,
      version: s?.version ?? null,
      dbSize: s?.dbSize ?? null,
      dbSizeInUse: s?.dbSizeInUse ?? null,
      dbQuota,
      raftTerm: s?.raftTerm ?? null,
      raftIndex: s?.raftIndex ?? null,
      raftAppliedIndex: s?.raftAppliedIndex ?? null,
      alarms: alarms.filter((a) => a.memberId === e.id).map((a) => a.alarm),
      peerURLs: info?.peerURLs ?? [],
      clientURLs: info?.clientURLs ?? [],
      sees: s?.leader ?? null,
      healthTookMs: o?.health?.tookMs ?? null,
      error: o ? (o.error ?? (o.health && !o.health.ok ? (o.health.error ?? 'read failed') : null)) : null,
      defragRecommended: false,
    };
    if (o?.metrics) r.metrics = o.metrics;
    if (s) r.defragRecommended = rule(ruleVarsOf(r));
    reports.push(r);
  }
  reports.sort((a, b) => (a.name || '~').localeCompare(b.name || '~') || (a.id ?? '').localeCompare(b.id ?? ''));
  const reachable = reports.filter((m) => m.reachable);

  // 5. Reachability and health.
  for (const m of reports) {
    if (!m.started && m.learner) {
      add(
        'etcd-member-not-started',
        'medium',
        `learner ${m.id} (peer ${m.peerURLs.join(', ') || 'unknown'}) was added but never started; learners do not vote, so it does not count toward quorum, but it holds a learner slot (etcd allows one by default) until it is started or removed`,
      );
    } else if (!m.started) {
      add(
        'etcd-member-not-started',
        'high',
        `member ${m.id} (peer ${m.peerURLs.join(', ') || 'unknown'}) was added but never started; it counts toward quorum without voting`,
      );
    } else if (!m.reachable) {
      const note = m.id === null ? ' (no member list names this endpoint)' : '';
      add(
        'etcd-member-unreachable',
        'high',
        `${label(m)} is unreachable${note}: ${m.error ?? 'not probed'}`,
        m.endpoint,
      );
    } else if (!m.healthy) {
      add(
        'etcd-member-unhealthy',
        'high',
        `${label(m)} failed a linearizable read: ${m.error ?? 'unknown'}`,
        m.endpoint,
      );
    }
  }
  for (const a of alarms) {
    const m = reports.find((x) => x.id === a.memberId);
    const who = m ? label(m) : `member ${a.memberId}`;
    if (a.alarm === 'NOSPACE')
      add(
        'etcd-alarm-nospace',
        'critical',
        `NOSPACE alarm on ${who}: the cluster accepts only reads and deletes until space is reclaimed (compact, defrag, disarm)`,
        m?.endpoint,
      );
    else if (a.alarm === 'CORRUPT')
      add('etcd-alarm-corrupt', 'critical', `CORRUPT alarm on ${who}: data inconsistency detected`, m?.endpoint);
    else add('etcd-alarm-active', 'critical', `${a.alarm} alarm on ${who}`, m?.endpoint);
  }

  // 6. Membership.
  const views = observations.filter((o) => o.members !== undefined);
  const signature = (ms: MemberInfo[]): string =>
    ms
      .map((x) => `${x.id}:${[...x.peerURLs].sort().join(',')}${x.isLearner ? ':learner' : ''}`)
      .sort()
      .join(' ');
  const sigs = new Map<string, string[]>();
  for (const o of views) {
    const k = signature(o.members!);
    sigs.set(k, [...(sigs.get(k) ?? []), o.endpoint]);
  }
  if (sigs.size > 1) {
    const detail = [...sigs.entries()]
      .map(([k, eps]) => `${eps.join(', ')} see [${k.replace(/:[^ ]*/g, '')}]`)
      .join('; ');
    add('etcd-member-list-mismatch', 'high', `endpoints disagree on the member list: ${detail}`);
  }
  for (const m of reports) {
    if (m.learner && m.id && m.started)
      add(
        'etcd-learner-present',
        'info',
        `${label(m)} is a learner (non-voting); promote it or remove it once it has caught up`,
        m.endpoint,
      );
  }
  const dupes = (key: (m: MemberReport) => string[], ruleId: string, what: string): void => {
    const seen = new Map<string, Set<string>>();
    for (const m of reports) {
      if (!m.id) continue;
      for (const k of key(m)) seen.set(k, (seen.get(k) ?? new Set()).add(m.id));
    }
    for (const [k, ids] of seen)
      if (ids.size > 1) add(ruleId, 'high', `${what} "${k}" is used by ${ids.size} member ids: ${[...ids].join(', ')}`);
  };
  dupes((m) => (m.name ? [m.name] : []), 'etcd-duplicate-member-name', 'member name');
  dupes((m) => m.peerURLs.map(hostPort), 'etcd-duplicate-peer-url', 'peer URL');

  // 7. Consensus.
  const believed = new Set(reachable.map((m) => m.sees).filter((x): x is string => x !== null));
  let leader: string | null = null;
  if (reachable.length > 0) {
    const without = reachable.filter((m) => m.sees === null || m.metrics?.hasLeader === false);
    for (const m of without) add('etcd-member-without-leader', 'high', `${label(m)} knows no leader`, m.endpoint);
    if (believed.size === 0) add('etcd-no-leader', 'critical', 'no reachable member knows a leader');
    else if (believed.size > 1) {
      const detail = reachable.map((m) => `${m.name || m.id} → ${m.sees ?? 'none'}`).join(', ');
      add('etcd-leader-disagreement', 'critical', `members disagree on the leader: ${detail}`);
    } else if (without.length === 0) {
      const only = [...believed][0]!;
      if (reports.some((m) => m.id === only)) leader = only;
      else add('etcd-leader-disagreement', 'critical', `the leader ${only} is not in the member list`);
    }
  }
  for (const m of reports) m.leader = leader !== null && m.id === leader;
  const terms = reachable.map((m) => m.raftTerm).filter((t): t is number => t !== null);
  if (terms.length > 1 && Math.max(...terms) - Math.min(...terms) > 0)
    add(
      'etcd-raft-term-spread',
      'medium',
      `raft terms differ between members (${Math.min(...terms)}..${Math.max(...terms)}): a member missed elections or is partitioned`,
    );
  const applied = reachable
    .map((m) => ({ m, i: m.raftAppliedIndex ?? m.raftIndex }))
    .filter((x): x is { m: MemberReport; i: number } => x.i !== null);
  if (applied.length > 1) {
    const max = Math.max(...applied.map((x) => x.i));
    for (const x of applied)
      if (max - x.i > maxLag)
        add(
          'etcd-applied-index-lag',
          'medium',
          `${label(x.m)} has applied ${max - x.i} entries fewer than the most advanced member (threshold ${maxLag})`,
          x.m.endpoint,
        );
  }

  // 8. Quorum.
  const voting = reports.filter((m) => !m.learner && (m.id !== null || !haveLists));
  const n = voting.length;
  const h = voting.filter((m) => m.healthy).length;
  const q = Math.floor(n / 2) + 1;
  const quorum: QuorumReport = {
    members: n,
    healthy: h,
    quorum: q,
    failuresTolerated: Math.max(0, h - q),
    lost: h < q,
    atRisk: h >= q && h - q === 0,
  };
  if (quorum.lost) add('etcd-quorum-lost', 'critical', `quorum lost: ${h} of ${n} voting members healthy, ${q} needed`);
  else if (quorum.atRisk)
    add(
      'etcd-quorum-at-risk',
      'high',
      `losing one more member loses quorum: ${h} of ${n} voting members healthy, ${q} needed`,
    );
  // Member counts are only known from a member list; a list of dead endpoints proves nothing.
  if (haveLists && n > 0 && n % 2 === 0)
    add(
      'etcd-even-member-count',
      'medium',
      `${n} voting members: an even count tolerates no more failures than ${n - 1} and makes split votes likelier`,
    );
  if (haveLists && n > 0 && n < 3)
    add('etcd-too-few-members', 'medium', `${n} voting member(s): fewer than three members tolerate no failure`);

  // 9. Space.
  for (const m of reachable) {
    if (m.dbSize === null) continue;
    const usage = m.dbSize / m.dbQuota;
    if (usage > quotaWarn)
      add(
        'etcd-db-near-quota',
        usage >= 1 ? 'critical' : 'high',
        `${label(m)} database is ${fmtBytes(m.dbSize)} of a ${fmtBytes(m.dbQuota)} quota (${Math.round(usage * 100)}%)`,
        m.endpoint,
      );
    if (m.defragRecommended) {
      const frag =
        m.dbSizeInUse !== null && m.dbSize > 0
          ? `, ${fmtBytes(m.dbSize - m.dbSizeInUse)} free pages (${Math.round(((m.dbSize - m.dbSizeInUse) / m.dbSize) * 100)}% fragmented)`
          : '';
      add(
        'etcd-defrag-recommended',
        'low',
        `${label(m)}: defragment (rule \`${rule.source}\`): ${fmtBytes(m.dbSize)} allocated${frag}`,
        m.endpoint,
      );
    }
  }

  // 10. Versions.
  const versions = reachable.filter((m) => m.version !== null);
  const minors = new Set(versions.map((m) => parseVersion(m.version!)).map((v) => (v ? minorOf(v) : '?')));
  const fulls = new Set(versions.map((m) => m.version));
  const listing = (): string => versions.map((m) => `${m.name || m.id}=${m.version}`).join(', ');
  if (minors.size > 1)
    add(
      'etcd-mixed-minor-versions',
      'medium',
      `members run different minor versions (${listing()}); finish the rolling upgrade`,
    );
  else if (fulls.size > 1) add('etcd-version-skew', 'low', `members run different patch versions (${listing()})`);
  for (const m of versions) {
    for (const bad of knownBadFor(m.version!, table)) {
      add(
        'etcd-known-bad-version',
        bad.severity,
        `${label(m)} runs ${m.version}, affected by ${bad.id} (${bad.affects}): ${bad.reason}; upgrade to ${bad.fixed} or later first (${bad.source})`,
        m.endpoint,
      );
    }
  }

  // 11. Metrics.
  const walMax = opts.walFsyncP99Seconds ?? 0.01;
  const commitMax = opts.backendCommitP99Seconds ?? 0.025;
  const changesMax = opts.maxLeaderChanges ?? 10;
  for (const m of reports) {
    const x = m.metrics;
    if (!x) continue;
    if (x.walFsyncP99Seconds !== undefined && x.walFsyncP99Seconds > walMax)
      add(
        'etcd-wal-fsync-slow',
        'medium',
        `${label(m)}: WAL fsync p99 ${(x.walFsyncP99Seconds * 1000).toFixed(1)} ms > ${walMax * 1000} ms; use faster disks`,
        m.endpoint,
      );
    if (x.backendCommitP99Seconds !== undefined && x.backendCommitP99Seconds > commitMax)
      add(
        'etcd-backend-commit-slow',
        'medium',
        `${label(m)}: backend commit p99 ${(x.backendCommitP99Seconds * 1000).toFixed(1)} ms > ${commitMax * 1000} ms`,
        m.endpoint,
      );
    if (x.leaderChanges !== undefined && x.leaderChanges > changesMax)
      add(
        'etcd-frequent-leader-changes',
        'low',
        `${label(m)} has seen ${x.leaderChanges} leader changes since it started (threshold ${changesMax})`,
        m.endpoint,
      );
  }

  // 12. Transport security (never part of `healthy`).
  for (const o of observations) {
    if (!o.requested && !o.reachable) continue;
    if (/^http:\/\//i.test(o.endpoint))
      add(
        'etcd-client-plaintext',
        'high',
        `${o.endpoint} serves clients over plain HTTP; serve TLS (--cert-file, --key-file)`,
        o.endpoint,
      );
    else if (o.clientCertRequired === false)
      add(
        'etcd-client-cert-auth-disabled',
        'high',
        `${o.endpoint} accepts clients without a certificate; set --client-cert-auth and --trusted-ca-file`,
        o.endpoint,
      );
  }

  const healthy =
    reports.length > 0 &&
    reports.every((m) => m.started && m.reachable && m.healthy && m.alarms.length === 0) &&
    alarms.length === 0 &&
    leader !== null;
  return { healthy, leader, quorum, members: reports, findings };
}
