import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EtcdReport } from '../../src/engines/etcd/index.js';
import { connectionArgs, type EtcdCluster, etcdMissing, runCli, startEtcdCluster } from '../helpers/etcd-cluster.js';

const missing = etcdMissing();
if (missing) console.warn(`skipping etcd check tests: ${missing}`);

async function check(c: EtcdCluster, extra: string[] = []): Promise<{ code: number; report: EtcdReport }> {
  const r = await runCli(['etcd', 'check', ...connectionArgs(c), '-o', 'json', ...extra]);
  expect(r.stderr).not.toMatch(/kubeprint etcd:/);
  return { code: r.code, report: JSON.parse(r.stdout) as EtcdReport };
}

describe.skipIf(!!missing)('kubeprint etcd check on a real 3-member TLS cluster', () => {
  let cluster: EtcdCluster;
  beforeAll(async () => {
    cluster = await startEtcdCluster({ size: 3, tls: true });
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  it('reports a healthy cluster with one failure tolerated, ids as etcdctl prints them', async () => {
    const { code, report } = await check(cluster);
    expect(report.healthy).toBe(true);
    expect(report.quorum).toMatchObject({ members: 3, healthy: 3, failuresTolerated: 1 });
    expect(report.members).toHaveLength(3);
    const ctlIds = (await cluster.etcdctl(['member', 'list']))
      .trim()
      .split('\n')
      .map((l) => l.split(',')[0]!.trim())
      .sort();
    expect(report.members.map((m) => m.id).sort()).toEqual(ctlIds);
    expect(report.members.filter((m) => m.leader)).toHaveLength(1);
    for (const m of report.members) {
      expect(m).toMatchObject({ started: true, reachable: true, healthy: true, alarms: [] });
      expect(m.version).toMatch(/^3\.\d+\.\d+/);
      expect(m.dbSize).toBeGreaterThan(0);
      expect(cluster.endpoints).toContain(m.endpoint);
    }
    // Client-certificate auth is on: no transport finding.
    expect(report.findings.map((f) => f.ruleId)).not.toContain('etcd-client-cert-auth-disabled');
    expect(report.findings.map((f) => f.ruleId)).not.toContain('etcd-client-plaintext');
    expect(code).toBe(0);
  });

  it('prints a table by default', async () => {
    const r = await runCli(['etcd', 'check', ...connectionArgs(cluster)]);
    expect(r.stdout).toMatch(/cluster: healthy; quorum 3\/3 healthy/);
    for (const m of cluster.members) expect(r.stdout).toContain(m.clientURL);
  });

  /** Index of a member that is not the leader: killing the leader would time the check into an election. */
  const follower = async (skip: number[] = []): Promise<number> => {
    const { report } = await check(cluster);
    const i = cluster.members.findIndex(
      (m, idx) => !skip.includes(idx) && !report.members.find((r) => r.endpoint === m.clientURL)?.leader,
    );
    expect(i).toBeGreaterThanOrEqual(0);
    return i;
  };
  let firstKilled = -1;

  it('one member killed: not healthy, that member unreachable, no failure tolerated', async () => {
    firstKilled = await follower();
    await cluster.kill(firstKilled);
    const dead = cluster.members[firstKilled]!;
    const { code, report } = await check(cluster, ['--timeout', '2s']);
    expect(code).toBe(1);
    expect(report.healthy).toBe(false);
    expect(report.quorum).toMatchObject({ members: 3, healthy: 2, failuresTolerated: 0 });
    const m = report.members.find((x) => x.endpoint === dead.clientURL);
    expect(m).toMatchObject({ name: dead.name, reachable: false, healthy: false, started: true });
    const unreachable = report.findings.filter((f) => f.ruleId === 'etcd-member-unreachable');
    expect(unreachable).toHaveLength(1);
    expect(unreachable[0]!.source?.file).toBe(dead.clientURL);
    expect(unreachable[0]!.message).toContain(dead.name);
    expect(report.findings.map((f) => f.ruleId)).toContain('etcd-quorum-at-risk');
  });

  it('two members killed: quorum lost is reported, within the timeout', async () => {
    const second = cluster.members.findIndex((_, i) => i !== firstKilled);
    await cluster.kill(second);
    const dead = [cluster.members[firstKilled]!.name, cluster.members[second]!.name].sort();
    const { code, report } = await check(cluster, ['--timeout', '2s']);
    expect(code).toBe(1);
    expect(report.healthy).toBe(false);
    expect(report.quorum.failuresTolerated).toBe(0);
    expect(report.quorum.healthy).toBeLessThan(2);
    expect(report.findings.find((f) => f.ruleId === 'etcd-quorum-lost')?.severity).toBe('critical');
    expect(
      report.members
        .filter((m) => !m.reachable)
        .map((m) => m.name)
        .sort(),
    ).toEqual(dead);
  }, 20_000);

  it('no endpoint reachable exits 1', async () => {
    await Promise.all(cluster.members.map((_, i) => cluster.kill(i)));
    const { code, report } = await check(cluster, ['--timeout', '1s']);
    expect(code).toBe(1);
    expect(report.healthy).toBe(false);
    expect(report.quorum.failuresTolerated).toBe(0);
    expect(report.members.every((m) => !m.reachable)).toBe(true);
  }, 20_000);

  it('usage errors exit 2', async () => {
    expect((await runCli(['etcd', 'check'])).code).toBe(2);
    expect((await runCli(['etcd', 'check', '--endpoints', 'http://x:1', '-o', 'yaml'])).code).toBe(2);
    expect((await runCli(['etcd', 'check', '--endpoints', 'http://x:1', '--defrag-rule', 'dbSize >'])).code).toBe(2);
    expect((await runCli(['etcd', 'frobnicate'])).code).toBe(2);
  });
});

describe('kubeprint etcd check against a member that never answers', () => {
  it('ends within its timeout and reports the endpoint unreachable', async () => {
    const { createServer } = await import('node:net');
    const sockets: import('node:net').Socket[] = [];
    // Accepts TCP connections and never says a word: a hung or black-holed member.
    const srv = createServer((s) => sockets.push(s));
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    const addr = srv.address();
    const port = typeof addr === 'object' && addr ? addr.port : 0;
    try {
      const r = await runCli([
        'etcd',
        'check',
        '--endpoints',
        `http://127.0.0.1:${port}`,
        '--timeout',
        '1s',
        '-o',
        'json',
      ]);
      expect(r.code).toBe(1);
      const report = JSON.parse(r.stdout) as EtcdReport;
      expect(report.healthy).toBe(false);
      expect(report.members).toMatchObject([{ endpoint: `http://127.0.0.1:${port}`, id: null, reachable: false }]);
      expect(report.findings.map((f) => f.ruleId)).toContain('etcd-member-unreachable');
    } finally {
      for (const s of sockets) s.destroy();
      srv.close();
    }
  }, 10_000);
});
