import type { EtcdReport, MemberReport } from '../engines/etcd/index.js';
import { KubeprintError } from '../errors.js';
import { atLeast, SEVERITIES, severityRank } from '../model/severity.js';
import { choice, parseCommandArgs } from './args.js';
import type { CliIO } from './io.js';

export const summary = 'etcd doctor: health, quorum, membership, space and upgrade safety; safe defrag';

const USAGE = `Usage:
  kubeprint etcd check  --endpoints URL,... [--cacert F --cert F --key F] [-o table|json]
                        [--fail-on SEVERITY] [--timeout 5s] [--metrics] [--quota 2GiB]
                        [--defrag-rule EXPR] [--max-lag N]
  kubeprint etcd defrag --endpoints URL,... [--cacert F --cert F --key F] [--rule EXPR]
                        [--compact] [--yes] [--quota 2GiB] [--timeout 5s]

check exits 0 when the cluster is healthy and no finding is at or above --fail-on
(default high), 1 otherwise, 2 on usage errors. defrag is a dry run unless --yes.
`;

const CONNECTION_OPTIONS = {
  endpoints: { type: 'string' },
  cacert: { type: 'string' },
  cert: { type: 'string' },
  key: { type: 'string' },
  timeout: { type: 'string' },
  quota: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** `5s`, `500ms`, `2m` or plain milliseconds. */
export function parseDuration(v: string | undefined, flag: string, dflt: number): number {
  if (v === undefined) return dflt;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(v.trim());
  if (!m) throw new KubeprintError('USAGE', `${flag} must be a duration such as 5s or 500ms (got "${v}")`);
  const n = Number(m[1]) * (m[2] === 's' ? 1000 : m[2] === 'm' ? 60_000 : 1);
  if (n <= 0) throw new KubeprintError('USAGE', `${flag} must be positive`);
  return n;
}

let warningFiltered = false;
/**
 * gRPC hands IP hosts to TLS as the server name, and Node then prints a
 * DEP0123 deprecation warning on stderr; etcd endpoints are usually IPs and
 * stderr is for one-line errors. Drop that one warning, keep all others.
 */
function dropIpServernameWarning(): void {
  if (warningFiltered) return;
  warningFiltered = true;
  const original = process.emitWarning.bind(process);
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    const opt = rest[0];
    const code = typeof opt === 'object' && opt !== null ? (opt as { code?: unknown }).code : rest[1];
    if (code === 'DEP0123') return;
    (original as (w: string | Error, ...r: unknown[]) => void)(warning, ...rest);
  }) as typeof process.emitWarning;
}

export async function run(args: string[], io: CliIO): Promise<number> {
  dropIpServernameWarning();
  const [sub, ...rest] = args;
  if (sub === undefined || sub === '--help' || sub === '-h' || sub === 'help') {
    io.stdout(USAGE);
    return sub === undefined ? 2 : 0;
  }
  if (sub === 'check') return check(rest, io);
  if (sub === 'defrag') return defrag(rest, io);
  throw new KubeprintError('USAGE', `unknown subcommand "${sub}" (check, defrag)`);
}

async function check(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    ...CONNECTION_OPTIONS,
    output: { type: 'string', short: 'o' },
    'fail-on': { type: 'string' },
    metrics: { type: 'boolean' },
    'defrag-rule': { type: 'string' },
    'max-lag': { type: 'string' },
  });
  if (values.help) {
    io.stdout(USAGE);
    return 0;
  }
  if (positionals.length > 0) throw new KubeprintError('USAGE', `unexpected argument "${positionals[0]}"`);
  const format = choice('-o', values.output, ['table', 'json'] as const, 'table');
  const failOn = choice('--fail-on', values['fail-on'], SEVERITIES, 'high');
  const timeoutMs = parseDuration(values.timeout, '--timeout', 5000);
  const etcd = await import('../engines/etcd/index.js');
  const defragRule = etcd.compileRule(values['defrag-rule'] ?? etcd.DEFAULT_DEFRAG_RULE);
  let maxLag: number | undefined;
  if (values['max-lag'] !== undefined) {
    maxLag = Number(values['max-lag']);
    if (!Number.isInteger(maxLag) || maxLag < 0)
      throw new KubeprintError('USAGE', `--max-lag must be a whole number (got "${values['max-lag']}")`);
  }
  const quotaBytes = values.quota === undefined ? undefined : etcd.parseBytes(values.quota, '--quota');
  const tls = await etcd.loadTls(values);
  const endpoints = etcd.parseEndpoints(values.endpoints, tls);

  const observations = await etcd.gatherCluster(endpoints, { tls, timeoutMs, metrics: !!values.metrics });
  const report = etcd.analyzeCluster(observations, {
    defragRule,
    ...(quotaBytes !== undefined ? { quotaBytes } : {}),
    ...(maxLag !== undefined ? { maxAppliedIndexLag: maxLag } : {}),
  });
  report.findings.sort((a, b) => severityRank(b.severity) - severityRank(a.severity));
  if (format === 'json') io.stdout(`${JSON.stringify(report, null, 2)}\n`);
  else io.stdout(renderTable(report));
  const failing = report.findings.some((f) => atLeast(f.severity, failOn));
  return report.healthy && !failing ? 0 : 1;
}

function cell(m: MemberReport): string[] {
  const state = !m.started
    ? 'not started'
    : !m.reachable
      ? 'unreachable'
      : m.healthy
        ? m.alarms.length > 0
          ? `alarm ${m.alarms.join(',')}`
          : 'healthy'
        : 'unhealthy';
  const size = (n: number | null): string =>
    n === null ? '-' : n >= 1024 ** 2 ? `${(n / 1024 ** 2).toFixed(1)}M` : `${Math.ceil(n / 1024)}K`;
  return [
    m.name || '-',
    m.id ?? '-',
    m.endpoint ?? '-',
    state,
    m.leader ? 'yes' : m.learner ? 'learner' : '',
    m.version ?? '-',
    size(m.dbSize),
    size(m.dbSizeInUse),
    m.raftTerm === null ? '-' : String(m.raftTerm),
    m.raftAppliedIndex === null ? (m.raftIndex === null ? '-' : String(m.raftIndex)) : String(m.raftAppliedIndex),
  ];
}

function renderTable(r: EtcdReport): string {
  const head = ['NAME', 'ID', 'ENDPOINT', 'STATE', 'LEADER', 'VERSION', 'DB', 'IN USE', 'TERM', 'APPLIED'];
  const rows = [head, ...r.members.map(cell)];
  const widths = head.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  const lines = rows.map((row) =>
    row
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd(),
  );
  const q = r.quorum;
  lines.push(
    '',
    `cluster: ${r.healthy ? 'healthy' : 'NOT healthy'}; quorum ${q.healthy}/${q.members} healthy, ${q.quorum} needed, ` +
      `${q.failuresTolerated} failure(s) tolerated${q.lost ? ' — QUORUM LOST' : q.atRisk ? ' — one more failure loses quorum' : ''}`,
  );
  if (r.findings.length > 0) lines.push('');
  for (const f of r.findings) lines.push(`${f.severity.toUpperCase().padEnd(8)}  ${f.ruleId}  ${f.message}`);
  lines.push('', `${r.findings.length} finding(s)`);
  return `${lines.join('\n')}\n`;
}

async function defrag(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    ...CONNECTION_OPTIONS,
    rule: { type: 'string' },
    compact: { type: 'boolean' },
    yes: { type: 'boolean', short: 'y' },
  });
  if (values.help) {
    io.stdout(USAGE);
    return 0;
  }
  if (positionals.length > 0) throw new KubeprintError('USAGE', `unexpected argument "${positionals[0]}"`);
  const etcd = await import('../engines/etcd/index.js');
  const timeoutMs = parseDuration(values.timeout, '--timeout', 5000);
  const rule = values.rule === undefined ? undefined : etcd.compileRule(values.rule);
  const quotaBytes = values.quota === undefined ? undefined : etcd.parseBytes(values.quota, '--quota');
  const tls = await etcd.loadTls(values);
  const endpoints = etcd.parseEndpoints(values.endpoints, tls);
  const dryRun = !values.yes;
  if (dryRun) io.stdout('dry run (pass --yes to act):\n');
  await etcd.defragCluster(
    endpoints,
    { tls, timeoutMs },
    {
      compact: !!values.compact,
      dryRun,
      ...(rule ? { rule } : {}),
      ...(quotaBytes !== undefined ? { quotaBytes } : {}),
    },
    (line) => io.stdout(`${line}\n`),
  );
  return 0;
}
