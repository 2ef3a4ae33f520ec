/**
 * `kubeprint scan --baseline REPORT.json | --baseline-ref REF`: the PR gate.
 * Argument checks and the glue between the scan, the git adapter
 * (src/gitops/worktree.ts) and the comparison (src/gitops/baseline.ts).
 */
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { LoadedConfig } from '../config/config.js';
import { KubeprintError } from '../errors.js';
import { compareWithBaseline, findingsFromReport } from '../gitops/baseline.js';
import type { BaselineResult } from '../model/baseline.js';
import type { Finding, ScanResult } from '../model/finding.js';
import type { ScanOptions, ScanOutput } from '../scan.js';
import type { CliIO } from './io.js';

export const BASELINE_OPTIONS = {
  baseline: { type: 'string' },
  'baseline-ref': { type: 'string' },
} as const;

export const BASELINE_HELP = `PR gate (docs/gitops.md#pr-gate-new-findings-only):
      --baseline FILE     report only findings absent from FILE, a previous
                          \`scan -o json\` report, and list those the change fixes;
                          the exit status counts only the new findings
      --baseline-ref REF  the same against REF of the git repository of PATH
                          (scanned from a temporary git worktree with the same
                          paths and options); -o markdown adds the netpol diff
                          when NetworkPolicies changed
`;

/** What the head is compared with. */
export type BaselineSource = { $case: 'report'; file: string } | { $case: 'ref'; ref: string };

/**
 * The baseline the flags ask for, undefined for none.
 * @throws KubeprintError USAGE for both flags, an empty value, or a ref with stdin or a live cluster.
 */
export function baselineSource(
  flags: { baseline?: string | undefined; 'baseline-ref'?: string | undefined },
  live: boolean,
  paths: readonly string[],
): BaselineSource | undefined {
  const file = flags.baseline;
  const ref = flags['baseline-ref'];
  if (file !== undefined && ref !== undefined)
    throw new KubeprintError('USAGE', '--baseline and --baseline-ref are two ways to give one baseline: pick one');
  if (file !== undefined) {
    if (file === '') throw new KubeprintError('USAGE', '--baseline needs a report file');
    return { $case: 'report', file };
  }
  if (ref === undefined) return undefined;
  if (ref === '') throw new KubeprintError('USAGE', '--baseline-ref needs a git revision');
  if (live)
    throw new KubeprintError(
      'USAGE',
      '--baseline-ref scans files of a git revision; compare a cluster with --baseline REPORT.json',
    );
  if (paths.includes('-')) throw new KubeprintError('USAGE', '--baseline-ref cannot scan stdin at another revision');
  return { $case: 'ref', ref };
}

/**
 * The head's result against its baseline: `findings` only the new ones,
 * `baseline` what was fixed, how many are unchanged, and with a ref what the
 * change does to NetworkPolicies.
 *
 * @throws KubeprintError USAGE / READ_FAILED (git, the report file),
 *   INPUT_INVALID (not a report), and whatever the base scan throws.
 */
export async function againstBaseline(
  source: BaselineSource,
  head: ScanOutput,
  ctx: { io: CliIO; paths: readonly string[]; options: ScanOptions | undefined; config: LoadedConfig },
): Promise<ScanResult> {
  const { objects: headObjects, ...result } = head;
  let base: Finding[];
  let against: string;
  let networkPolicies: BaselineResult['networkPolicies'];
  if (source.$case === 'report') {
    base = readReport(source.file, ctx.io.cwd);
    against = source.file;
  } else {
    if (!ctx.options) throw new KubeprintError('INTERNAL', '--baseline-ref without the options of a scan of paths');
    const scanned = await scanAtRef(source.ref, { ...ctx, options: ctx.options });
    base = scanned.findings;
    against = `${source.ref} (${scanned.commit.slice(0, 7)})`;
    const { networkPolicyChange } = await import('../gitops/netpol-change.js');
    networkPolicies = networkPolicyChange(scanned.objects, headObjects);
  }
  const enabled = base.filter((f) => isEnabled(f, ctx.config));
  const c = compareWithBaseline(result.findings, enabled, result.exempted);
  const baseline: BaselineResult = { against, fixed: c.fixed, unchanged: c.unchanged };
  if (networkPolicies) baseline.networkPolicies = networkPolicies;
  return { ...result, findings: c.added, baseline };
}

/**
 * Findings of rules the configuration switches off (by id or pillar) are not
 * "fixed" by the change: the head never judged them.
 */
function isEnabled(f: Finding, loaded: LoadedConfig): boolean {
  const c = loaded.config;
  return c.rules?.[f.ruleId]?.enabled !== false && c.categories?.[f.category]?.enabled !== false;
}

function readReport(file: string, cwd: string): Finding[] {
  let text: string;
  try {
    text = readFileSync(resolve(cwd, file), 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new KubeprintError(
      code === 'ENOENT' ? 'PATH_NOT_FOUND' : 'READ_FAILED',
      `--baseline ${file}: ${code === 'ENOENT' ? 'no such file' : 'cannot read it'}`,
      { cause: err },
    );
  }
  return findingsFromReport(text, file);
}

/**
 * The findings and objects of the same scan at REF: the same paths relative
 * to the repository root (a path the base lacks is left out: everything in it
 * is new), Helm values files of the repository at REF too, paths shown as the
 * head shows them.
 */
async function scanAtRef(
  ref: string,
  ctx: { io: CliIO; paths: readonly string[]; options: ScanOptions },
): Promise<{ findings: Finding[]; objects: ScanOutput['objects']; commit: string }> {
  const wt = await import('../gitops/worktree.js');
  const { scanPaths } = await import('../scan.js');
  const { io, paths, options } = ctx;
  const first = resolve(io.cwd, paths[0] ?? '.');
  const repoRoot = await wt.repositoryRoot(first, io.env);
  const say = (line: string) => io.stderr(`kubeprint: base ${ref}: ${line}\n`);
  return wt.withBaseCheckout(
    repoRoot,
    ref,
    io.env,
    async (checkout) => {
      const repoShown = shownRepository(repoRoot, io.cwd);
      // notices name the repository's files, not the temporary checkout's
      const notice = (line: string) => say(line.split(checkout.root).join(repoShown));
      const mapped = wt.pathsInCheckout(paths, io.cwd, checkout);
      const show = wt.showAsHead(mapped, io.cwd, checkout);
      const basePaths = mapped.flatMap((m) => (m.base === undefined ? [] : [m.base]));
      for (const m of mapped)
        if (m.base === undefined) say(`${m.given} does not exist there: all its findings are new`);
      if (basePaths.length === 0) return { findings: [], objects: [], commit: checkout.commit };
      const valuesFiles = (options.helm?.valuesFiles ?? []).map((v) => {
        // the base's copy of a values file in the repository; the head's when the base has none
        const inBase = wt.inCheckout(v, checkout);
        return inBase !== undefined && existsSync(inBase) ? inBase : v;
      });
      const out = await scanPaths(basePaths, {
        ...options,
        helm: { ...options.helm, valuesFiles },
        notice,
      });
      const findings = out.findings.map((f) => shownAsHead(f, show, checkout.root, repoShown));
      return { findings, objects: out.objects, commit: checkout.commit };
    },
    say,
  );
}

/** The repository's root for messages: relative to the working directory when near, else absolute. */
function shownRepository(repoRoot: string, cwd: string): string {
  const rel = relative(cwd, repoRoot);
  return rel === '' ? '.' : isAbsolute(rel) || rel.startsWith(`..${sep}..`) ? repoRoot : rel;
}

/**
 * A finding of the base scan with its paths as the head shows them: every
 * string in it (the source's file, the roots, where the GitOps objects that
 * deploy it are written) that is a path in the checkout, and checkout paths
 * quoted in messages.
 */
function shownAsHead(f: Finding, show: (path: string) => string, checkoutRoot: string, repoShown: string): Finding {
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') {
      if (v === checkoutRoot || v.startsWith(`${checkoutRoot}${sep}`)) return show(v);
      return v.includes(checkoutRoot) ? v.split(checkoutRoot).join(repoShown) : v;
    }
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(f) as Finding;
}
