import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EtcdReport } from '../../src/engines/etcd/index.js';
import {
  connectionArgs,
  type EtcdCluster,
  etcdMissing,
  freePort,
  runCli,
  startEtcdCluster,
} from '../helpers/etcd-cluster.js';

const missing = etcdMissing();
if (missing) console.warn(`skipping etcd membership tests: ${missing}`);

describe.skipIf(!!missing)('kubeprint etcd check: membership on a real 3-member plain-HTTP cluster', () => {
  let cluster: EtcdCluster;
  beforeAll(async () => {
    cluster = await startEtcdCluster({ size: 3 });
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  // etcd refuses reconfiguration ("unhealthy cluster") until the leader has seen every member active for 5 s.
  const retryReconfig = async (f: () => Promise<string>): Promise<string> => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await f();
      } catch (err) {
        if (attempt >= 20 || !/unhealthy cluster/.test(String(err))) throw err;
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  };

  const check = async (): Promise<{ code: number; report: EtcdReport }> => {
    const r = await runCli(['etcd', 'check', ...connectionArgs(cluster), '-o', 'json']);
    return { code: r.code, report: JSON.parse(r.stdout) as EtcdReport };
  };

  it('plain-HTTP client traffic is a finding, not ill health', async () => {
    const { code, report } = await check();
    expect(report.healthy).toBe(true);
    const plain = report.findings.filter((f) => f.ruleId === 'etcd-client-plaintext');
    expect(plain.map((f) => f.source?.file).sort()).toEqual([...cluster.endpoints].sort());
    expect(code).toBe(1); // a high finding at the default --fail-on high
    const lenient = await runCli(['etcd', 'check', ...connectionArgs(cluster), '--fail-on', 'critical']);
    expect(lenient.code).toBe(0);
  });

  it('a learner added but never started is reported, and does not count toward quorum', {
    timeout: 40_000,
  }, async () => {
    const peer = `http://127.0.0.1:${await freePort()}`;
    const out = await retryReconfig(() => cluster.etcdctl(['member', 'add', 'l3', '--learner', `--peer-urls=${peer}`]));
    const addedId = /Member\s+([0-9a-f]+)\s+added/.exec(out)?.[1];
    expect(addedId).toBeDefined();
    try {
      const { report } = await check();
      expect(report.members).toHaveLength(4);
      expect(report.members.find((m) => m.id === addedId)).toMatchObject({ started: false, learner: true });
      const f = report.findings.filter((x) => x.ruleId === 'etcd-member-not-started');
      expect(f).toHaveLength(1);
      expect(f[0]!.message).toContain('does not count toward quorum');
      expect(report.quorum).toMatchObject({ members: 3, healthy: 3, quorum: 2, failuresTolerated: 1, atRisk: false });
      const ids = report.findings.map((x) => x.ruleId);
      expect(ids).not.toContain('etcd-even-member-count');
      expect(ids).not.toContain('etcd-quorum-at-risk');
    } finally {
      await retryReconfig(() => cluster.etcdctl(['member', 'remove', addedId!]));
    }
  });

  it('a member added but never started is reported, and counts toward quorum', { timeout: 40_000 }, async () => {
    const peer = `http://127.0.0.1:${await freePort()}`;
    const out = await retryReconfig(() => cluster.etcdctl(['member', 'add', 'm3', `--peer-urls=${peer}`]));
    // etcdctl prints `Member %16x added`: ids with leading zero nibbles are padded with spaces.
    const addedId = /Member\s+([0-9a-f]+)\s+added/.exec(out)?.[1];
    expect(addedId).toBeDefined();
    const { code, report } = await check();
    expect(code).toBe(1);
    expect(report.healthy).toBe(false);
    expect(report.members).toHaveLength(4);
    const unstarted = report.members.find((m) => m.id === addedId);
    expect(unstarted).toMatchObject({ started: false, reachable: false, name: '', endpoint: null, peerURLs: [peer] });
    const f = report.findings.filter((x) => x.ruleId === 'etcd-member-not-started');
    expect(f).toHaveLength(1);
    expect(f[0]!.message).toContain(addedId!);
    expect(report.quorum).toMatchObject({ members: 4, healthy: 3, failuresTolerated: 0 });
    const ids = report.findings.map((x) => x.ruleId);
    expect(ids).toContain('etcd-even-member-count');
    expect(ids).toContain('etcd-quorum-at-risk');
    expect(ids).not.toContain('etcd-member-unreachable');
  });
});
