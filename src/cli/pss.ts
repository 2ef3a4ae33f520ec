import { KubeprintError } from '../errors.js';
import type { KubeObject } from '../model/kube-object.js';
import { labelsOf } from '../model/kube-object.js';
import { workloadOf } from '../model/workload.js';
import { choice, parseCommandArgs } from './args.js';
import type { CliIO } from './io.js';
import { LIVE_OPTIONS, loadFrom, PSS_KINDS } from './live-source.js';

export const summary = 'Evaluate pods against the Pod Security Standards (any level, any version)';

const USAGE = `Usage: kubeprint pss PATH... [--level baseline|restricted] [--version v1.X|latest] [-o table|json]
       kubeprint pss PATH... --what-if baseline|restricted -n NAMESPACE [--version v1.X|latest] [-o table|json]
       (instead of PATH...: --cluster [--context C] [--kubeconfig F] evaluates the workloads of a live
       cluster: every namespace, or the one -n names)

Evaluates the pod template of every Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet,
ReplicationController, Job, CronJob and Argo Rollout exactly as the Pod Security Admission
controller would, at the given level (default restricted) and policy version (default latest).
--what-if lists what would break if NAMESPACE were raised to that level.
Exit code: 0 all allowed, 1 any denied, 2 usage or input error.
PATHs that hold no Kubernetes object are exit status 2 (nothing was judged) unless --allow-empty.
`;

/** One evaluated document in `-o json`. */
export interface PssEntry {
  source: { file: string; line: number } | null;
  kind: string;
  namespace: string | null;
  name: string;
  level: string;
  version: string;
  allowed: boolean;
  violations: Array<{ check: string; reason: string; detail: string; path: string; line: number | null }>;
}

function normaliseVersion(v: string | undefined): string {
  if (v === undefined) return 'latest';
  // Accept `1.25` as shorthand for `v1.25`.
  return /^1\.\d+$/.test(v) ? `v${v}` : v;
}

export async function run(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    level: { type: 'string' },
    version: { type: 'string' },
    output: { type: 'string', short: 'o' },
    'what-if': { type: 'string' },
    namespace: { type: 'string', short: 'n' },
    ...LIVE_OPTIONS,
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    io.stdout(USAGE);
    return 0;
  }
  const format = choice('-o', values.output, ['table', 'json'] as const, 'table');
  const whatIf = values['what-if'];
  if (whatIf !== undefined && values.level !== undefined) {
    throw new KubeprintError('USAGE', '--what-if gives the level; do not also pass --level');
  }
  if (whatIf !== undefined && values.namespace === undefined) {
    throw new KubeprintError('USAGE', '--what-if needs -n NAMESPACE');
  }
  const level = whatIf
    ? choice('--what-if', whatIf, ['baseline', 'restricted'] as const, 'restricted')
    : choice('--level', values.level, ['baseline', 'restricted'] as const, 'restricted');
  const version = normaliseVersion(values.version);
  const pss = await import('../engines/pss/index.js');
  if (!pss.isPolicyVersion(version)) {
    throw new KubeprintError('USAGE', `--version must be latest or v1.<minor> (got "${values.version}")`);
  }
  const loaded = await loadFrom('pss', positionals, values, PSS_KINDS, io);
  const ns = values.namespace;
  const entries: PssEntry[] = [];
  for (const obj of loaded.objects) {
    const w = workloadOf(obj);
    if (!w) continue;
    if (ns !== undefined && (obj.namespace ?? 'default') !== ns) continue;
    const r = pss.evaluateWorkload(w, level, version);
    entries.push({
      source: obj.source ? { file: obj.source.file, line: obj.source.line } : null,
      kind: obj.kind,
      namespace: obj.namespace ?? null,
      name: obj.name,
      level,
      version,
      allowed: r.allowed,
      violations: r.violations.map((v) => ({
        check: v.check,
        reason: v.reason,
        detail: v.detail,
        path: v.path,
        line: obj.source ? obj.source.positionOf(v.path).line : null,
      })),
    });
  }
  if (format === 'json') io.stdout(`${JSON.stringify(entries, null, 2)}\n`);
  else io.stdout(renderTable(entries, { level, version, whatIf: ns, current: currentEnforce(loaded.objects, ns) }));
  const denied = entries.some((e) => !e.allowed);
  return denied ? 1 : 0; // incomplete input makes it 2 (main.ts, inputWasIncomplete)
}

/** The enforce label of the namespace in question, when its Namespace object is among the inputs. */
function currentEnforce(objects: readonly KubeObject[], ns: string | undefined): string | undefined {
  if (ns === undefined) return undefined;
  const obj = objects.find((o) => o.kind === 'Namespace' && o.name === ns);
  if (!obj) return undefined;
  const labels = labelsOf(obj.raw);
  const level = labels['pod-security.kubernetes.io/enforce'];
  if (level === undefined) return 'unlabelled (privileged)';
  return `${level}:${labels['pod-security.kubernetes.io/enforce-version'] ?? 'latest'}`;
}

function where(e: PssEntry): string {
  return e.source ? `${e.source.file}:${e.source.line}` : '-';
}

function renderTable(
  entries: readonly PssEntry[],
  opts: { level: string; version: string; whatIf: string | undefined; current: string | undefined },
): string {
  const lines: string[] = [];
  const policy = `${opts.level}:${opts.version}`;
  const shown = opts.whatIf !== undefined ? entries.filter((e) => !e.allowed) : entries;
  if (opts.whatIf !== undefined) {
    lines.push(
      `What would break if namespace "${opts.whatIf}" enforced ${policy}${opts.current ? ` (now ${opts.current})` : ''}:`,
    );
  }
  for (const e of shown) {
    const id = `${e.kind} ${e.namespace ? `${e.namespace}/` : ''}${e.name}`;
    lines.push(`${where(e)}  ${id}  ${e.allowed ? 'allowed' : 'DENIED'}`);
    for (const v of e.violations) {
      const at = e.source && v.line !== null ? `${e.source.file}:${v.line}` : v.path;
      lines.push(`  ${at}  ${v.check}  ${v.reason}${v.detail ? ` (${v.detail})` : ''}  ${v.path}`);
    }
  }
  const denied = entries.filter((e) => !e.allowed).length;
  if (lines.length > 0) lines.push('');
  lines.push(
    opts.whatIf !== undefined
      ? `${denied} of ${entries.length} pod-bearing objects in "${opts.whatIf}" would be denied at ${policy}`
      : `${entries.length} pod-bearing objects: ${entries.length - denied} allowed, ${denied} denied at ${policy}`,
  );
  return `${lines.join('\n')}\n`;
}
