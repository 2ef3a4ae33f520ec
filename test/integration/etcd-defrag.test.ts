import { Etcd3 } from 'etcd3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defragCluster, type EtcdReport, loadTls } from '../../src/engines/etcd/index.js';
import { KubeprintError } from '../../src/errors.js';
import { connectionArgs, type EtcdCluster, etcdMissing, runCli, startEtcdCluster } from '../helpers/etcd-cluster.js';

const missing = etcdMissing();
if (missing) console.warn(`skipping etcd defrag tests: ${missing}`);

const QUOTA = 8 * 1024 * 1024;

/** Overwrite a few keys with large values until etcd refuses: "database space exceeded". */
async function fillUntilNoSpace(endpoint: string): Promise<number> {
  const client = new Etcd3({ hosts: [endpoint] });
  const value = Buffer.alloc(256 * 1024, 'x');
  try {
    for (let i = 0; i < 400; i++) {
      try {
        await client.put(`fill/${i % 4}`).value(value);
      } catch (err) {
        if (/space exceeded/i.test(String(err))) return i;
        throw err;
      }
    }
    throw new Error('quota never reached');
  } finally {
    client.close();
  }
}

describe.skipIf(!!missing)('kubeprint etcd defrag on a real 3-member cluster with a small quota', () => {
  let cluster: EtcdCluster;
  beforeAll(async () => {
    cluster = await startEtcdCluster({ size: 3, quotaBackendBytes: QUOTA });
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  const check = async (): Promise<EtcdReport> => {
    const r = await runCli(['etcd', 'check', ...connectionArgs(cluster), '-o', 'json', '--metrics']);
    return JSON.parse(r.stdout) as EtcdReport;
  };

  it('a filled cluster raises NOSPACE, which check reports as critical', async () => {
    const puts = await fillUntilNoSpace(cluster.endpoints[0]!);
    expect(puts).toBeGreaterThan(0);
    const report = await check();
    expect(report.healthy).toBe(false);
    const f = report.findings.filter((x) => x.ruleId === 'etcd-alarm-nospace');
    expect(f.length).toBeGreaterThan(0);
    expect(f.every((x) => x.severity === 'critical')).toBe(true);
    expect(report.members.some((m) => m.alarms.includes('NOSPACE'))).toBe(true);
    // The quota is read from etcd's own metric when --quota is not given.
    expect(report.members.every((m) => m.dbQuota === QUOTA)).toBe(true);
    expect(report.findings.map((x) => x.ruleId)).toContain('etcd-defrag-recommended');
  }, 60_000);

  it('a dry run changes nothing', async () => {
    const r = await runCli(['etcd', 'defrag', ...connectionArgs(cluster), '--compact']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/dry run/);
    expect(r.stdout).toMatch(/would compact/);
    expect(r.stdout).toMatch(/would defragment/);
    expect((await check()).findings.map((x) => x.ruleId)).toContain('etcd-alarm-nospace');
  });

  it('defrag --compact --yes reclaims the space, leader last, and disarms the alarm', async () => {
    const before = await check();
    const leader = before.members.find((m) => m.leader)!;
    const r = await runCli(['etcd', 'defrag', ...connectionArgs(cluster), '--compact', '--yes']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toMatch(/^compacted the keyspace to revision \d+/);
    const defragLines = lines.filter((l) => l.startsWith('defragmented '));
    expect(defragLines).toHaveLength(3);
    expect(defragLines[2]).toContain(leader.name);
    expect(r.stdout).toMatch(/disarmed the NOSPACE alarm/);

    // Disarming is a raft proposal that every member applies on its own; on a loaded
    // machine a member may report the old alarm list for a moment.
    let after = await check();
    for (let i = 0; i < 20 && after.findings.some((x) => x.ruleId === 'etcd-alarm-nospace'); i++) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      after = await check();
    }
    expect(after.findings.map((x) => x.ruleId)).not.toContain('etcd-alarm-nospace');
    expect(after.healthy).toBe(true);
    for (const m of after.members) expect(m.dbSize!).toBeLessThan(QUOTA * 0.8);
    // Writes are accepted again.
    const client = new Etcd3({ hosts: cluster.endpoints });
    try {
      await client.put('after-defrag').value('ok');
    } finally {
      client.close();
    }
  }, 60_000);

  it('refuses while a member is down', async () => {
    await cluster.kill(1);
    const r = await runCli(['etcd', 'defrag', ...connectionArgs(cluster), '--yes', '--timeout', '2s']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/refusing to defragment/);
    expect(r.stderr).toContain(cluster.members[1]!.clientURL);
    const err = await defragCluster(
      cluster.endpoints,
      { tls: await loadTls({}), timeoutMs: 2000 },
      { compact: false, dryRun: false },
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KubeprintError);
    expect((err as KubeprintError).code).toBe('CONNECTION_FAILED');
  }, 30_000);
});
