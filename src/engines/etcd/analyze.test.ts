import { describe, expect, it } from 'vitest';
import { KubeprintError } from '../../errors.js';
import { alarmsFromStatusErrors, analyzeCluster } from './analyze.js';
import { planDefrag } from './defrag.js';
import { toHexId, toHexIdOrNone } from './ids.js';
import { histogramQuantile, memberMetricsFrom } from './metrics.js';
import { compileRule, DEFAULT_DEFRAG_RULE, parseBytes } from './rule-expr.js';
import type { EndpointObservation, MemberInfo } from './types.js';
import { type KnownBadVersionRange, knownBadFor } from './versions.js';

const MiB = 1024 ** 2;
const IDS = ['8e9e05c52164694d', '91bc3c398fb3c146', 'fd422379fda50e48'];
const member = (i: number, extra: Partial<MemberInfo> = {}): MemberInfo => ({
  id: IDS[i]!,
  name: `m${i}`,
  peerURLs: [`https://10.0.0.${i}:2380`],
  clientURLs: [`https://10.0.0.${i}:2379`],
  isLearner: false,
  ...extra,
});
const LIST = [member(0), member(1), member(2)];

/** An endpoint that answered everything, as etcd 3.5 does. */
function ok(
  i: number,
  over: Partial<EndpointObservation> = {},
  status: Record<string, unknown> = {},
): EndpointObservation {
  return {
    endpoint: `https://10.0.0.${i}:2379`,
    requested: true,
    reachable: true,
    status: {
      id: IDS[i]!,
      version: '3.5.26',
      dbSize: 20 * MiB,
      dbSizeInUse: 15 * MiB,
      leader: IDS[0]!,
      raftTerm: 4,
      raftIndex: 1000,
      raftAppliedIndex: 1000,
      isLearner: false,
      errors: [],
      ...status,
    },
    health: { ok: true, tookMs: 3 },
    members: LIST,
    alarms: [],
    clientCertRequired: true,
    ...over,
  };
}
const down = (i: number): EndpointObservation => ({
  endpoint: `https://10.0.0.${i}:2379`,
  requested: true,
  reachable: false,
  error: '14 UNAVAILABLE: connect ECONNREFUSED',
  health: { ok: false, tookMs: 1, error: 'unavailable' },
});
const ruleIds = (obs: EndpointObservation[], opts = {}) => analyzeCluster(obs, opts).findings.map((f) => f.ruleId);

describe('analyzeCluster', () => {
  it('a healthy 3.5 cluster: healthy, one failure tolerated, no findings', () => {
    const r = analyzeCluster([ok(0), ok(1), ok(2)]);
    expect(r.healthy).toBe(true);
    expect(r.quorum).toEqual({ members: 3, healthy: 3, quorum: 2, failuresTolerated: 1, lost: false, atRisk: false });
    expect(r.leader).toBe(IDS[0]);
    expect(r.members.map((m) => m.leader)).toEqual([true, false, false]);
    expect(r.findings).toEqual([]);
  });

  it('handles 3.4 status without dbSizeInUse, learner or applied index', () => {
    const strip = (o: EndpointObservation): EndpointObservation => {
      const { dbSizeInUse: _a, raftAppliedIndex: _b, isLearner: _c, ...rest } = o.status!;
      return { ...o, status: { ...rest, version: '3.4.23' } };
    };
    const r = analyzeCluster([strip(ok(0)), strip(ok(1)), strip(ok(2))]);
    expect(r.healthy).toBe(true);
    expect(r.members[0]).toMatchObject({
      dbSizeInUse: null,
      raftAppliedIndex: null,
      learner: false,
      version: '3.4.23',
    });
    expect(r.findings).toEqual([]);
  });

  it('one member down: unreachable, matched by client URL, quorum at risk', () => {
    const r = analyzeCluster([ok(0), ok(1), down(2)]);
    expect(r.healthy).toBe(false);
    expect(r.quorum).toMatchObject({ members: 3, healthy: 2, failuresTolerated: 0, atRisk: true });
    const m2 = r.members.find((m) => m.name === 'm2')!;
    expect(m2).toMatchObject({ id: IDS[2], reachable: false, started: true });
    const f = r.findings.find((x) => x.ruleId === 'etcd-member-unreachable')!;
    expect(f.source?.file).toBe('https://10.0.0.2:2379');
    expect(r.findings.map((x) => x.ruleId)).toContain('etcd-quorum-at-risk');
  });

  it('quorum lost; failuresTolerated never below 0', () => {
    const unhealthy = ok(0, { health: { ok: false, tookMs: 2000, error: 'deadline' } });
    const r = analyzeCluster([unhealthy, down(1), down(2)]);
    expect(r.quorum).toMatchObject({ healthy: 0, failuresTolerated: 0, lost: true });
    expect(r.findings.find((f) => f.ruleId === 'etcd-quorum-lost')?.severity).toBe('critical');
  });

  it('nothing reachable: not healthy, endpoints listed', () => {
    const r = analyzeCluster([down(0), down(1)]);
    expect(r.healthy).toBe(false);
    expect(r.members).toHaveLength(2);
    expect(r.quorum.failuresTolerated).toBe(0);
  });

  it('an unstarted member counts toward quorum and is reported', () => {
    const unstarted = { id: 'abc', name: '', peerURLs: ['https://10.0.0.9:2380'], clientURLs: [], isLearner: false };
    const list = [...LIST, unstarted];
    const r = analyzeCluster([0, 1, 2].map((i) => ok(i, { members: list })));
    expect(r.healthy).toBe(false);
    expect(r.members.find((m) => m.id === 'abc')).toMatchObject({ started: false, endpoint: null });
    expect(r.quorum).toMatchObject({ members: 4, healthy: 3, failuresTolerated: 0 });
    const ids = r.findings.map((f) => f.ruleId);
    expect(ids).toEqual(expect.arrayContaining(['etcd-member-not-started', 'etcd-even-member-count']));
    expect(ids).not.toContain('etcd-member-unreachable');
  });

  it('a learner added but never started is reported, and never counts toward quorum', () => {
    const learner = { id: 'abc', name: '', peerURLs: ['https://10.0.0.9:2380'], clientURLs: [], isLearner: true };
    const list = [...LIST, learner];
    const r = analyzeCluster([0, 1, 2].map((i) => ok(i, { members: list })));
    expect(r.members.find((m) => m.id === 'abc')).toMatchObject({ started: false, learner: true, endpoint: null });
    expect(r.quorum).toEqual({ members: 3, healthy: 3, quorum: 2, failuresTolerated: 1, lost: false, atRisk: false });
    const ids = r.findings.map((f) => f.ruleId);
    expect(ids).not.toContain('etcd-even-member-count');
    expect(ids).not.toContain('etcd-quorum-at-risk');
    const f = r.findings.filter((x) => x.ruleId === 'etcd-member-not-started');
    expect(f).toHaveLength(1);
    expect(f[0]!.message).toContain('learner');
    expect(f[0]!.message).toContain('does not count toward quorum');
    expect(f[0]!.message).not.toContain('counts toward quorum without voting');
    expect(f[0]!.severity).toBe('medium');
    // one finding for it, not also "a learner is present"
    expect(ids).not.toContain('etcd-learner-present');
  });

  it('a learner never counts toward quorum, even when a status without isLearner answers for it', () => {
    // etcd 3.4 status has no isLearner; the member list says it is a learner
    const list = [member(0), member(1), member(2, { isLearner: true })];
    const r = analyzeCluster([
      ok(0, { members: list }),
      ok(1, { members: list }),
      ok(2, { members: list }, { isLearner: undefined }),
      down(2),
    ]);
    expect(r.members.find((m) => m.id === IDS[2])!.learner).toBe(true);
    expect(r.quorum).toMatchObject({ members: 2, healthy: 2 });
    // a status that says false cannot make a learner of the member list vote
    const r2 = analyzeCluster([
      ok(0, { members: list }),
      ok(1, { members: list }),
      ok(2, { members: list }, { isLearner: false }),
    ]);
    expect(r2.quorum).toMatchObject({ members: 2, healthy: 2 });
  });

  it('member lists that disagree, duplicate names and peer URLs', () => {
    const dupe = member(2, { id: 'aaaa', name: 'm0', peerURLs: ['https://10.0.0.0:2380'], clientURLs: [] });
    const ids = ruleIds([ok(0), ok(1, { members: [member(0), member(1), member(2), dupe] }), ok(2)]);
    expect(ids).toEqual(
      expect.arrayContaining(['etcd-member-list-mismatch', 'etcd-duplicate-member-name', 'etcd-duplicate-peer-url']),
    );
  });

  it('a learner is reported and does not count toward quorum', () => {
    const list = [member(0), member(1), member(2, { isLearner: true })];
    const r = analyzeCluster([
      ok(0, { members: list }),
      ok(1, { members: list }),
      ok(2, { members: list }, { isLearner: true }),
    ]);
    expect(r.findings.map((f) => f.ruleId)).toEqual(expect.arrayContaining(['etcd-learner-present']));
    expect(r.quorum).toMatchObject({ members: 2, healthy: 2, failuresTolerated: 0 });
    expect(r.members.find((m) => m.id === IDS[2])!.learner).toBe(true);
  });

  it('leader disagreement, no leader, term spread, applied-index lag', () => {
    expect(ruleIds([ok(0), ok(1, {}, { leader: IDS[1] }), ok(2)])).toContain('etcd-leader-disagreement');
    const none = [0, 1, 2].map((i) => ok(i, {}, { leader: undefined }));
    const r = analyzeCluster(none);
    expect(r.healthy).toBe(false);
    expect(r.findings.map((f) => f.ruleId)).toContain('etcd-no-leader');
    expect(ruleIds([ok(0), ok(1), ok(2, {}, { raftTerm: 9 })])).toContain('etcd-raft-term-spread');
    const lag = ruleIds([ok(0), ok(1), ok(2, {}, { raftAppliedIndex: 10 })], { maxAppliedIndexLag: 500 });
    expect(lag).toContain('etcd-applied-index-lag');
    expect(ruleIds([ok(0), ok(1), ok(2, {}, { raftAppliedIndex: 900 })], { maxAppliedIndexLag: 500 })).not.toContain(
      'etcd-applied-index-lag',
    );
  });

  it('alarms from the alarm list and from 3.4 status errors are critical and break health', () => {
    const dec = BigInt(`0x${IDS[1]}`).toString(10);
    expect(alarmsFromStatusErrors([`memberID:${dec} alarm:NOSPACE `])).toEqual([
      { memberId: IDS[1], alarm: 'NOSPACE' },
    ]);
    const r = analyzeCluster([
      ok(0, { alarms: [{ memberId: IDS[2]!, alarm: 'CORRUPT' }] }),
      ok(1, {}, { errors: [`memberID:${dec} alarm:NOSPACE `] }),
      ok(2),
    ]);
    expect(r.healthy).toBe(false);
    const crit = r.findings.filter((f) => f.severity === 'critical').map((f) => f.ruleId);
    expect(crit).toEqual(expect.arrayContaining(['etcd-alarm-nospace', 'etcd-alarm-corrupt']));
    expect(r.members.find((m) => m.id === IDS[1])!.alarms).toEqual(['NOSPACE']);
  });

  it('space: quota usage and the defrag rule', () => {
    const full = ok(0, {}, { dbSize: 1.8 * 1024 ** 3, dbSizeInUse: 1.7 * 1024 ** 3 });
    const frag = ok(1, {}, { dbSize: 600 * MiB, dbSizeInUse: 300 * MiB });
    const r = analyzeCluster([full, frag, ok(2)]);
    expect(r.findings.filter((f) => f.ruleId === 'etcd-db-near-quota').map((f) => f.source?.file)).toEqual([
      full.endpoint,
    ]);
    expect(
      r.findings
        .filter((f) => f.ruleId === 'etcd-defrag-recommended')
        .map((f) => f.source?.file)
        .sort(),
    ).toEqual([full.endpoint, frag.endpoint].sort());
    // A larger quota flag makes the first member fine.
    const big = analyzeCluster([full, ok(1), ok(2)], { quotaBytes: 8 * 1024 ** 3 });
    expect(big.findings.map((f) => f.ruleId)).not.toContain('etcd-db-near-quota');
  });

  it('versions: mixed minors, patch skew, known-bad ranges', () => {
    expect(ruleIds([ok(0), ok(1), ok(2, {}, { version: '3.4.23' })])).toContain('etcd-mixed-minor-versions');
    expect(ruleIds([ok(0), ok(1), ok(2, {}, { version: '3.5.27' })])).toContain('etcd-version-skew');
    const r = analyzeCluster([0, 1, 2].map((i) => ok(i, {}, { version: '3.5.19' })));
    const bad = r.findings.filter((f) => f.ruleId === 'etcd-known-bad-version');
    expect(bad).toHaveLength(9); // three entries apply to 3.5.19, on three members
    expect(bad[0]!.message).toMatch(/3\.5\.20|3\.5\.24|3\.5\.26/);
  });

  it('metrics: slow fsync and commit, no leader', () => {
    const metrics = { walFsyncP99Seconds: 0.05, backendCommitP99Seconds: 0.1, leaderChanges: 50, hasLeader: false };
    const ids = ruleIds([ok(0, { metrics }), ok(1), ok(2)]);
    expect(ids).toEqual(
      expect.arrayContaining([
        'etcd-wal-fsync-slow',
        'etcd-backend-commit-slow',
        'etcd-frequent-leader-changes',
        'etcd-member-without-leader',
      ]),
    );
  });

  it('transport: plain HTTP and missing client-cert auth are findings, not ill health', () => {
    const plain = [0, 1, 2].map((i) => {
      const o = ok(i, { clientCertRequired: undefined });
      return { ...o, endpoint: o.endpoint.replace('https', 'http') };
    });
    const r = analyzeCluster(plain);
    expect(r.healthy).toBe(true);
    expect(r.findings.filter((f) => f.ruleId === 'etcd-client-plaintext')).toHaveLength(3);
    const noCert = analyzeCluster([ok(0, { clientCertRequired: false }), ok(1), ok(2)]);
    expect(noCert.healthy).toBe(true);
    expect(noCert.findings.map((f) => f.ruleId)).toEqual(['etcd-client-cert-auth-disabled']);
  });
});

describe('member ids', () => {
  it('turns decimal strings, Longs and bigints into etcdctl hex, above 2^53 exactly', () => {
    expect(toHexId('10276657743932975437')).toBe('8e9e05c52164694d');
    expect(toHexId({ low: 0x2164694d, high: 0x8e9e05c5, unsigned: true })).toBe('8e9e05c52164694d');
    expect(toHexId(0x8e9e05c52164694dn)).toBe('8e9e05c52164694d');
    expect(toHexIdOrNone('0')).toBeUndefined();
    expect(toHexId('garbage')).toBeUndefined();
  });
});

describe('defrag rule expressions', () => {
  const vars = {
    dbSize: 500 * MiB,
    dbSizeInUse: 250 * MiB,
    dbSizeFree: 250 * MiB,
    dbQuota: 2048 * MiB,
    dbQuotaUsage: 0.24,
  };
  it('evaluates the default rule', () => {
    const rule = compileRule(DEFAULT_DEFRAG_RULE);
    expect(rule(vars)).toBe(true);
    expect(rule({ ...vars, dbSizeInUse: 450 * MiB })).toBe(false);
    expect(rule({ ...vars, dbSizeInUse: 450 * MiB, dbQuotaUsage: 0.9 })).toBe(true);
  });
  it('supports precedence, parentheses, negation and units', () => {
    expect(compileRule('1 + 2 * 3 == 7')(vars)).toBe(true);
    expect(compileRule('(1 + 2) * 3 == 9 && !(dbSize < 1GiB == 0)')(vars)).toBe(true);
    expect(compileRule('dbSize >= 500MiB && dbSize < 0.5GB')(vars)).toBe(false);
  });
  it('rejects bad rules with a USAGE error', () => {
    for (const bad of ['', 'dbSize >', 'foo > 1', '1 > 2MiBs', 'dbSize; rm']) {
      const err = (() => {
        try {
          compileRule(bad);
        } catch (e) {
          return e;
        }
      })();
      expect(err).toBeInstanceOf(KubeprintError);
      expect((err as KubeprintError).code).toBe('USAGE');
    }
  });
  it('parses sizes', () => {
    expect(parseBytes('2GiB', '--quota')).toBe(2 * 1024 ** 3);
    expect(parseBytes('8589934592', '--quota')).toBe(8589934592);
    expect(() => parseBytes('lots', '--quota')).toThrow(KubeprintError);
  });
});

describe('metrics', () => {
  it('takes p99 from cumulative histogram buckets like histogram_quantile', () => {
    expect(histogramQuantile(0.99, [])).toBeUndefined();
    const b = [
      { le: 0.001, count: 50 },
      { le: 0.002, count: 90 },
      { le: 0.004, count: 100 },
      { le: Number.POSITIVE_INFINITY, count: 100 },
    ];
    expect(histogramQuantile(0.99, b)).toBeCloseTo(0.0038, 6);
    expect(histogramQuantile(0.5, b)).toBeCloseTo(0.001, 6);
  });
  it('reads the figures etcd exposes', () => {
    const text = [
      '# HELP etcd_disk_wal_fsync_duration_seconds x',
      'etcd_disk_wal_fsync_duration_seconds_bucket{le="0.008"} 0',
      'etcd_disk_wal_fsync_duration_seconds_bucket{le="0.016"} 100',
      'etcd_disk_wal_fsync_duration_seconds_bucket{le="+Inf"} 100',
      'etcd_server_leader_changes_seen_total 3',
      'etcd_server_has_leader 1',
      'etcd_server_quota_backend_bytes 8.388608e+06',
    ].join('\n');
    const m = memberMetricsFrom(text);
    expect(m.walFsyncP99Seconds).toBeGreaterThan(0.008);
    expect(m).toMatchObject({ leaderChanges: 3, hasLeader: true, quotaBackendBytes: 8388608 });
    expect(m.backendCommitP99Seconds).toBeUndefined();
  });
});

describe('known-bad versions', () => {
  it('matches half-open ranges', () => {
    expect(knownBadFor('3.5.1').map((e) => e.id)).toContain('v35-learner-promotion-lost');
    expect(knownBadFor('3.5.20').map((e) => e.id)).not.toContain('v35-learner-promotion-lost');
    expect(knownBadFor('3.5.26')).toEqual([]);
    expect(knownBadFor('3.4.23')).toEqual([]);
    expect(knownBadFor('3.6.0')).toEqual([]);
  });
  it('takes an extended table', () => {
    const extra: KnownBadVersionRange = {
      id: 'x',
      introduced: '3.4.0',
      fixed: '3.4.24',
      affects: 'test',
      severity: 'medium',
      reason: 'r',
      source: 's',
    };
    expect(knownBadFor('v3.4.23', [extra]).map((e) => e.id)).toEqual(['x']);
  });
});

describe('planDefrag', () => {
  it('puts the leader last and refuses unless every member is healthy (NOSPACE aside)', () => {
    const r = analyzeCluster([ok(0, { alarms: [{ memberId: IDS[0]!, alarm: 'NOSPACE' }] }), ok(1), ok(2)]);
    const plan = planDefrag(r);
    expect(plan.refusal).toBeUndefined();
    expect(plan.order.at(-1)!.id).toBe(IDS[0]);
    expect(planDefrag(analyzeCluster([ok(0), ok(1), down(2)])).refusal).toMatch(/m2 .* unreachable/);
    const corrupt = analyzeCluster([ok(0, { alarms: [{ memberId: IDS[1]!, alarm: 'CORRUPT' }] }), ok(1), ok(2)]);
    expect(planDefrag(corrupt).refusal).toMatch(/CORRUPT/);
  });
});
