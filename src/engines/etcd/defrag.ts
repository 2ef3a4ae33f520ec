import { KubeprintError } from '../../errors.js';
import { type AnalyzeOptions, analyzeCluster, type EtcdReport, type MemberReport, ruleVarsOf } from './analyze.js';
import { type GatherOptions, gatherCluster, MemberConnection } from './client.js';
import type { CompiledRule } from './rule-expr.js';

export interface DefragOptions {
  /** Only members for which the rule holds are defragmented; all when absent. */
  rule?: CompiledRule;
  /** Compact the keyspace to the current revision first. */
  compact: boolean;
  /** Print what would be done, change nothing. */
  dryRun: boolean;
  /** Quota in bytes; otherwise each member's metric, else 2 GiB. */
  quotaBytes?: number;
  /** dbSize / quota under which a NOSPACE alarm is disarmed (default 0.8). */
  disarmBelowRatio?: number;
  /** Deadline of compaction and of each defragmentation, ms (default 120 s). */
  operationTimeoutMs?: number;
}

export interface DefragPlan {
  /** Why nothing may be done; undefined when it is safe to go on. */
  refusal?: string;
  /** Members to consider, non-leaders first, the leader last. */
  order: MemberReport[];
}

/**
 * Decide whether a defragmentation is safe and in what order: only when every
 * member is started, reachable and healthy with one agreed leader (a NOSPACE
 * alarm is what defrag repairs, so it does not block), one member at a time,
 * the leader last. Pure.
 */
export function planDefrag(report: EtcdReport): DefragPlan {
  const problems: string[] = [];
  for (const m of report.members) {
    const who = m.name || m.id || m.endpoint || 'member';
    if (!m.started) problems.push(`${who} was added but never started`);
    else if (!m.reachable) problems.push(`${who} (${m.endpoint}) is unreachable`);
    else if (!m.healthy) problems.push(`${who} (${m.endpoint}) is unhealthy`);
    const other = m.alarms.filter((a) => a !== 'NOSPACE');
    if (other.length > 0) problems.push(`${who} has alarm ${other.join(', ')}`);
  }
  if (problems.length === 0 && report.leader === null) problems.push('the members do not agree on one leader');
  const order = [...report.members].sort((a, b) => Number(a.leader) - Number(b.leader));
  if (problems.length > 0) return { refusal: `refusing to defragment: ${problems.join('; ')}`, order };
  return { order };
}

export interface DefragResult {
  dryRun: boolean;
  /** Revision compacted to (or that would be). */
  compactedTo?: string;
  /** Hex ids defragmented (or that would be), in order. */
  defragmented: string[];
  /** `memberId/ALARM` pairs disarmed (or that would be). */
  disarmed: string[];
  /** One line per action, as printed. */
  log: string[];
}

function mib(n: number | null): string {
  return n === null ? '?' : `${(n / 1024 ** 2).toFixed(1)} MiB`;
}

/**
 * Compact (optionally), defragment one member at a time with the leader last,
 * and disarm NOSPACE once space is back under the threshold.
 * @throws KubeprintError CONNECTION_FAILED when the cluster is not safe to defragment.
 */
export async function defragCluster(
  endpoints: readonly string[],
  gather: GatherOptions,
  opts: DefragOptions,
  print: (line: string) => void = () => {},
): Promise<DefragResult> {
  const analyzeOpts: AnalyzeOptions = {};
  if (opts.quotaBytes !== undefined) analyzeOpts.quotaBytes = opts.quotaBytes;
  const survey = async (): Promise<EtcdReport> =>
    analyzeCluster(await gatherCluster(endpoints, { ...gather, metrics: true }), analyzeOpts);
  const result: DefragResult = { dryRun: opts.dryRun, defragmented: [], disarmed: [], log: [] };
  const say = (line: string): void => {
    result.log.push(line);
    print(line);
  };
  const verb = (done: string, would: string): string => (opts.dryRun ? would : done);
  const opTimeout = opts.operationTimeoutMs ?? 120_000;
  const threshold = opts.disarmBelowRatio ?? 0.8;

  let report = await survey();
  const plan = planDefrag(report);
  if (plan.refusal) throw new KubeprintError('CONNECTION_FAILED', plan.refusal);
  const leader = plan.order.at(-1)!;

  const connect = (m: MemberReport): Promise<MemberConnection> => MemberConnection.open(m.endpoint!, gather);
  const using = async <T>(m: MemberReport, f: (c: MemberConnection) => Promise<T>): Promise<T> => {
    const c = await connect(m);
    try {
      return await f(c);
    } finally {
      c.close();
    }
  };

  if (opts.compact) {
    const rev = await using(leader, (c) => c.revision());
    result.compactedTo = rev;
    if (!opts.dryRun) await using(leader, (c) => c.compact(rev, opTimeout));
    say(`${verb('compacted', 'would compact')} the keyspace to revision ${rev}`);
    if (!opts.dryRun) report = await survey();
  }

  const byId = new Map(report.members.map((m) => [m.id, m]));
  for (const planned of plan.order) {
    const m = byId.get(planned.id) ?? planned;
    const who = `${m.name || m.id} (${m.endpoint}${m.id === leader.id ? ', leader' : ''})`;
    if (opts.rule && !opts.rule(ruleVarsOf(m))) {
      say(
        `skip ${who}: rule \`${opts.rule.source}\` does not hold (db ${mib(m.dbSize)}, in use ${mib(m.dbSizeInUse)})`,
      );
      continue;
    }
    result.defragmented.push(m.id!);
    if (opts.dryRun) {
      say(`would defragment ${who}: db ${mib(m.dbSize)}, in use ${mib(m.dbSizeInUse)}`);
      continue;
    }
    const after = await using(m, async (c) => {
      await c.defragment(opTimeout);
      return c.status();
    });
    say(`defragmented ${who}: db ${mib(m.dbSize)} → ${mib(after.dbSize)}`);
  }

  const nospace = report.members.filter((m) => m.alarms.includes('NOSPACE'));
  if (nospace.length > 0) {
    const now = opts.dryRun ? report : await survey();
    const full = now.members.filter((m) => m.dbSize !== null && m.dbSize / m.dbQuota >= threshold);
    if (full.length > 0 && !opts.dryRun) {
      say(
        `NOSPACE alarm kept: ${full.map((m) => `${m.name || m.id} at ${Math.round((m.dbSize! / m.dbQuota) * 100)}% of quota`).join(', ')} (threshold ${Math.round(threshold * 100)}%)`,
      );
    } else {
      const target = now.members.find((m) => m.leader) ?? leader;
      for (const m of nospace) {
        if (!opts.dryRun) await using(target, (c) => c.disarm(m.id!, 'NOSPACE'));
        result.disarmed.push(`${m.id}/NOSPACE`);
        say(
          `${verb('disarmed', 'would disarm, if space is back under the threshold,')} the NOSPACE alarm of ${m.name || m.id}`,
        );
      }
    }
  }
  if (result.log.length === 0) say('nothing to do');
  return result;
}
