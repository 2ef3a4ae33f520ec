import type { BaselineResult, NetworkPolicyChange } from '../model/baseline.js';
import type { Finding, ScanResult } from '../model/finding.js';
import { failsAt, SEVERITIES, type Severity } from '../model/severity.js';
import { type Cause, causesOf } from './causes.js';
import type { ReportContext, Reporter } from './reporter.js';
import {
  deployedByText,
  FIRST_FEW,
  groupByObject,
  locationText,
  objectsLabel,
  plural,
  rootLabels,
  rootsToShow,
  summarize,
  visible,
} from './summary.js';

/** At most this many findings are listed; the rest are counted. */
export const MAX_FINDINGS = 200;
/** GitHub rejects comments over 65,536 characters; stop listing well before that. */
export const MAX_CHARS = 60_000;
/** A severity group longer than this is folded into a <details> element. */
const FOLD_AFTER = 10;

const MARK: Record<Severity, string> = { critical: '🔴', high: '🟠', medium: '🟡', low: '🔵', info: '⚪' };

/**
 * A pull-request comment: the verdict at --fail-on first, a table of counts
 * by severity, then findings grouped by severity, worst first, one item per
 * cause: findings of rules that judge one fact on one object (src/report/causes.ts)
 * are one item under their worst severity, their rule ids listed. A finding
 * that overlays share names them once: `(production, staging)`.
 */
export const markdownReporter: Reporter = {
  name: 'markdown',
  // A comment is at most MAX_CHARS long: one piece is enough.
  chunks(result: ScanResult, ctx: ReportContext): string[] {
    return [markdownReporter.render(result, ctx)];
  },
  render(result: ScanResult, ctx: ReportContext): string {
    const s = summarize(result, ctx.failOn);
    const out: string[] = [];
    out.push(
      s.failed ? `## ❌ kubeprint: fails at \`${ctx.failOn}\`` : `## ✅ kubeprint: passes at \`${ctx.failOn}\``,
      '',
    );
    // against a baseline, every count is of new findings
    const word = result.baseline ? 'new finding' : 'finding';
    const sentence = s.failed
      ? `**${plural(s.failing, word)}** at or above \`${ctx.failOn}\``
      : `No ${word}s at or above \`${ctx.failOn}\``;
    const extra = [`${plural(s.total, word)} in total`];
    if (s.exempted > 0) extra.push(`${s.exempted} exempted`);
    extra.push(`${plural(result.stats.objects, 'object')} in ${plural(result.stats.files, 'file')} scanned`);
    out.push(`${sentence} (${extra.join(', ')}).`, '');
    if (result.baseline) out.push(baselineLine(result.baseline, s.total), '');
    const hidden = result.stats.notIncluded ?? [];
    if (hidden.length > 0) {
      const names = hidden.slice(0, FIRST_FEW).map(code).join(', ');
      const more = hidden.length > FIRST_FEW ? ` and ${hidden.length - FIRST_FEW} more` : '';
      out.push(
        `${plural(hidden.length, 'file')} with Kubernetes objects that no kustomization includes ${hidden.length === 1 ? 'was' : 'were'} not scanned: ${names}${more} (\`--raw\` scans every file).`,
        '',
      );
    }

    out.push('| Severity | Findings |', '| --- | ---: |');
    for (const sev of SEVERITIES) out.push(`| ${MARK[sev]} ${sev} | ${s.bySeverity[sev]} |`);
    out.push('');

    const budget = { findings: MAX_FINDINGS, chars: MAX_CHARS - out.join('\n').length };
    const roots = rootLabels(
      [...result.findings, ...result.exempted, ...(result.baseline?.fixed ?? [])].flatMap((f) => f.roots ?? []),
    );
    const causes = groupByObject(result.findings).flatMap((g) =>
      causesOf(g.findings).map((c) => ({ cause: c, roots: rootsToShow(g).map((r) => roots.get(r) ?? r) })),
    );
    let omitted = 0;
    for (const sev of SEVERITIES) {
      const group = causes.filter((c) => c.cause.severity === sev);
      if (group.length === 0) continue;
      const findings = group.reduce((n, c) => n + c.cause.findings.length, 0);
      const title = `${capitalize(sev)} (${findings === group.length ? findings : `${plural(findings, 'finding')}, ${plural(group.length, 'cause')}`})`;
      const { lines, shown } = listCauses(group, budget);
      omitted += findings - shown;
      if (shown === 0) continue;
      if (group.length > FOLD_AFTER) {
        // Groups that decide the verdict stay open; the rest fold away.
        const open = s.failed && failsAt(sev, ctx.failOn) ? ' open' : '';
        out.push(`<details${open}><summary><strong>${title}</strong></summary>`, '', ...lines, '', '</details>', '');
      } else out.push(`### ${title}`, '', ...lines, '');
    }
    if (omitted > 0)
      out.push(`…and ${plural(omitted, 'more finding')} not listed here; the JSON or SARIF output has them all.`, '');

    const np = result.baseline?.networkPolicies;
    if (np) out.push(...networkPolicySection(np, budget));
    const fixed = result.baseline?.fixed ?? [];
    if (fixed.length > 0) {
      const { lines, shown } = listCauses(
        fixed.map((f) => ({
          cause: causesOf([f])[0] as Cause,
          roots: rootsToShow(groupOf(f)).map((r) => roots.get(r) ?? r),
        })),
        budget,
      );
      if (fixed.length > shown) lines.push('', `…and ${fixed.length - shown} more fixed.`);
      const title = `Fixed by this change (${fixed.length})`;
      if (fixed.length > FOLD_AFTER)
        out.push(`<details><summary><strong>${title}</strong></summary>`, '', ...lines, '', '</details>', '');
      else out.push(`### ${title}`, '', ...lines, '');
    }

    if (ctx.showExempted && result.exempted.length > 0) {
      // one by one: each has its own exemption
      const { lines, shown } = listCauses(
        result.exempted.map((f) => ({
          cause: causesOf([f])[0] as Cause,
          roots: rootsToShow(groupOf(f)).map((r) => roots.get(r) ?? r),
        })),
        budget,
      );
      const rest = result.exempted.length - shown;
      if (rest > 0) lines.push('', `…and ${rest} more exempted.`);
      out.push(`<details><summary>Exempted (${result.exempted.length})</summary>`, '', ...lines, '', '</details>', '');
    }
    return `${out.join('\n').trimEnd()}\n`;
  },
};

/** `Against `main (3f2a1bc)`: **1 new**, 2 fixed, 14 unchanged (only new findings are listed and counted).` */
function baselineLine(b: BaselineResult, added: number): string {
  return `Against ${code(b.against)}: **${added} new**, ${b.fixed.length} fixed, ${b.unchanged} unchanged (only new findings are listed and counted).`;
}

/** At most this many lines of a connectivity diff, and policy names, are listed. */
const MAX_DIFF_ROWS = 100;
const MAX_POLICY_NAMES = 20;

/**
 * The NetworkPolicies a change touches and the connections that differ, as
 * `kubeprint netpol diff BASE HEAD -o md` prints them (np-guard's columns).
 */
function networkPolicySection(np: NetworkPolicyChange, budget: { chars: number }): string[] {
  const out = ['### NetworkPolicy changes', ''];
  const names = np.changed.slice(0, MAX_POLICY_NAMES).map((c) => {
    const [verb = '', ...rest] = c.split(' ');
    return `${verb} ${code(rest.join(' '))}`;
  });
  const more = np.changed.length > MAX_POLICY_NAMES ? ` and ${np.changed.length - MAX_POLICY_NAMES} more` : '';
  out.push(`${names.join(', ')}${more}.`, '');
  if (np.connectivity.length === 0)
    out.push(
      'The allowed connections between the workloads of the input are the same before and after (pods an operator creates from a custom resource are not among them).',
      '',
    );
  else {
    const rows = np.connectivity.map(
      (d) => `| ${[d.type, d.source, d.destination, d.before, d.after, d.workloads].map(escapeMarkdown).join(' | ')} |`,
    );
    const table = [
      `Connectivity diff (\`kubeprint netpol diff\` base → head, ${plural(rows.length, 'line')}):`,
      '',
      '| diff-type | source | destination | ref1 | ref2 | workloads-diff-info |',
      '|-----------|--------|-------------|------|------|---------------------|',
    ];
    let shown = 0;
    let size = table.join('\n').length;
    for (const r of rows) {
      if (shown >= MAX_DIFF_ROWS || size + r.length + 1 > budget.chars) break;
      table.push(r);
      size += r.length + 1;
      shown += 1;
    }
    if (shown < rows.length)
      table.push('', `…and ${plural(rows.length - shown, 'more line')}: run \`kubeprint netpol diff\`.`);
    out.push(...table, '');
  }
  if (np.problems.length > 0) {
    const first = np.problems.slice(0, FIRST_FEW).map((p) => `- ${escapeMarkdown(p)}`);
    if (np.problems.length > FIRST_FEW) first.push(`- …and ${np.problems.length - FIRST_FEW} more`);
    out.push('The reachability analysis said:', '', ...first, '');
  }
  budget.chars -= out.join('\n').length;
  return out;
}

/** Items for causes while the budget lasts; `shown` counts the findings they hold. */
function listCauses(
  causes: ReadonlyArray<{ cause: Cause; roots: readonly string[] }>,
  budget: { findings: number; chars: number },
): { lines: string[]; shown: number } {
  const lines: string[] = [];
  let shown = 0;
  for (const { cause, roots } of causes) {
    const item = causeItem(cause, roots);
    if (budget.findings <= 0 || item.length + 1 > budget.chars) break;
    budget.findings -= 1;
    budget.chars -= item.length + 1;
    lines.push(item);
    shown += cause.findings.length;
  }
  return { lines, shown };
}

/** The group (object, other objects, roots, file) a finding alone belongs to. */
function groupOf(f: Finding) {
  return groupByObject([f])[0] ?? { roots: [], file: undefined };
}

/**
 * `- `rule-id` message — `file:line` · Deployment prod/web` (+ the exemption,
 * if any); for a joined cause, `- `id-a`, `id-b` (low) what they share — ...`.
 */
function causeItem(cause: Cause, roots: readonly string[]): string {
  const f = cause.first;
  const where: string[] = [];
  const loc = f.source?.line !== undefined ? `${f.source.file}:${f.source.line}` : locationText(f);
  if (loc) where.push(code(loc));
  if (f.object) {
    const label = escapeMarkdown(objectsLabel(f.object, f.otherObjects));
    where.push(roots.length > 0 ? `${label} (${escapeMarkdown(roots.join(', '))})` : label);
  }
  const head = cause.group
    ? `${cause.findings.map((x) => (x.severity === cause.severity ? code(x.ruleId) : `${code(x.ruleId)} (${x.severity})`)).join(', ')} ${escapeMarkdown(cause.group.title)}`
    : `${code(f.ruleId)} ${escapeMarkdown(f.message)}`;
  const by = deployedByText(cause.findings);
  if (by) where.push(escapeMarkdown(by));
  let item = `- ${head}`;
  if (where.length > 0) item += ` — ${where.join(' · ')}`;
  const e = f.exemption;
  if (e) {
    const parts = [`exempted via ${e.via}: ${e.reason}`];
    if (e.owner) parts.push(`owner ${e.owner}`);
    if (e.expires) parts.push(`expires ${e.expires}`);
    item += `<br>_${escapeMarkdown(parts.join('; '))}_`;
  }
  return item;
}

/**
 * Makes untrusted text render as itself inside a line: the characters that
 * mean something mid-line are backslash-escaped (table cells, links and
 * images, emphasis, strikethrough, HTML, code), `&` becomes an entity,
 * control characters become visible, and an `@` that would start a mention
 * gets a word joiner so that a manifest cannot ping people. Characters that
 * matter only at the start of a line (`#`, `-`, `+`, `1.`) are left alone:
 * escaped text never starts one.
 */
export function escapeMarkdown(s: string): string {
  return visible(s)
    .replace(/[\\`*_[\]|<>~]/g, '\\$&')
    .replace(/&/g, '&amp;')
    .replace(/(^|[^A-Za-z0-9_])@/g, '$1@\u2060');
}

/** An inline code span that survives backticks in its content. */
export function code(s: string): string {
  const text = visible(s);
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((r) => r.length));
  const fence = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
