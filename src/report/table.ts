import type { Finding, ScanResult } from '../model/finding.js';
import { CATEGORIES, SEVERITIES, type Severity } from '../model/severity.js';
import { type Cause, causesOf } from './causes.js';
import type { ReportContext, Reporter } from './reporter.js';
import {
  deployedByText,
  firstFew,
  groupByObject,
  locationText,
  objectsLabel,
  plural,
  rootLabels,
  rootsToShow,
  summarize,
  visible,
} from './summary.js';

/** Lines are wrapped to this width; paths and ids longer than a line are left whole. */
const WIDTH = 100;
/** Column where a finding's message and location start (2 indent + severity 8 + 2). */
const INDENT = 12;

const SGR = {
  reset: '\u001b[0m',
  bold: '\u001b[1m',
  dim: '\u001b[2m',
  red: '\u001b[31m',
  green: '\u001b[32m',
  yellow: '\u001b[33m',
  cyan: '\u001b[36m',
  gray: '\u001b[90m',
} as const;

const SEVERITY_STYLE: Record<Severity, string> = {
  critical: SGR.bold + SGR.red,
  high: SGR.red,
  medium: SGR.yellow,
  low: SGR.cyan,
  info: SGR.gray,
};

type Paint = (style: string, text: string) => string;

/**
 * The human table. Findings are grouped by object; within an object, each
 * cause takes one entry of two lines: severity, rule id and message on the
 * first; `file:line:column` and the JSON path on the second. One line would
 * not fit 100 columns once a message and a deep path meet, and a location on
 * its own line stays clickable in terminals and editors. Findings of rules
 * that judge one fact (src/report/causes.ts) are one entry: the worst
 * severity, what they share, and their rule ids (`-o json` keeps every
 * finding's own message). A base that overlays share is one block naming
 * the overlays once: `(base/web.yaml:3; staging, production)`.
 */
export const tableReporter: Reporter = {
  name: 'table',
  render(result: ScanResult, ctx: ReportContext): string {
    return [...tableChunks(result, ctx)].join('');
  },
  chunks: tableChunks,
};

/** The table, one object's entry at a time; every line ends in a newline. */
function* tableChunks(result: ScanResult, ctx: ReportContext): Generator<string> {
  const paint: Paint = ctx.color ? (style, text) => `${style}${text}${SGR.reset}` : (_style, text) => text;

  const roots = rootLabels([...result.findings, ...result.exempted].flatMap((f) => f.roots ?? []));
  if (result.findings.length === 0) yield result.baseline ? 'No new findings.\n' : 'No findings.\n';
  else yield* renderGroups(result.findings, paint, roots, true);
  const fixed = result.baseline?.fixed ?? [];
  if (fixed.length > 0) {
    yield `\n${paint(SGR.bold, `Fixed by this change (${fixed.length})`)}\n\n`;
    yield* renderGroups(fixed, paint, rootLabels(fixed.flatMap((f) => f.roots ?? [])), true);
  }

  if (ctx.showExempted && result.exempted.length > 0) {
    yield `\n${paint(SGR.bold, `Exempted findings (${result.exempted.length})`)}\n\n`;
    // each with its own exemption
    yield* renderGroups(result.exempted, paint, roots, false);
  }

  yield `\n${renderSummary(result, ctx, paint).join('\n')}\n`;
}

/** Each group's lines, a blank line between groups. */
function* renderGroups(
  findings: readonly Finding[],
  paint: Paint,
  rootNames: ReadonlyMap<string, string>,
  joinCauses: boolean,
): Generator<string> {
  let first = true;
  for (const group of groupByObject(findings)) {
    const out: string[] = first ? [] : [''];
    first = false;
    // The model carries no document start; the group's topmost finding is where to start reading.
    const lines = group.findings.flatMap((f) => (f.source?.line !== undefined ? [f.source.line] : []));
    const at = group.file && lines.length > 0 ? `${group.file}:${lines.reduce((a, b) => Math.min(a, b))}` : group.file;
    const roots = rootsToShow(group).map((r) => rootNames.get(r) ?? r);
    const where = [at, roots.join(', ')].filter((x) => x).join('; ');
    if (group.object) {
      const label = paint(SGR.bold, visible(objectsLabel(group.object, group.otherObjects)));
      out.push(where ? `${label}  ${paint(SGR.dim, `(${visible(where)})`)}` : label);
    } else {
      out.push(paint(SGR.bold, visible(group.file ?? '(no source)')));
    }
    const by = deployedByText(group.findings);
    if (by) for (const l of wrap(visible(by), WIDTH - 2)) out.push(`  ${paint(SGR.dim, l)}`);
    if (joinCauses) for (const cause of causesOf(group.findings)) out.push(...renderCause(cause, paint));
    else for (const f of group.findings) out.push(...renderFinding(f, paint));
    yield `${out.join('\n')}\n`;
  }
}

/** A cause of several findings: the worst severity, what they share, the rule ids (lower severities marked). */
function renderCause(cause: Cause, paint: Paint): string[] {
  if (!cause.group) return renderFinding(cause.first, paint);
  const sev = paint(SEVERITY_STYLE[cause.severity], cause.severity.toUpperCase().padEnd(8));
  const ids = cause.findings.map((f) => (f.severity === cause.severity ? f.ruleId : `${f.ruleId} (${f.severity})`));
  const [firstLine = '', ...rest] = wrap(`${cause.group.title}: ${ids.join(', ')}`, WIDTH - INDENT);
  const pad = ' '.repeat(INDENT);
  const out = [`  ${sev}  ${firstLine}`, ...rest.map((l) => pad + l)];
  const where = [locationText(cause.first), cause.path].filter((s): s is string => !!s).map(visible);
  if (where.length > 0) out.push(pad + paint(SGR.dim, where.join('  ')));
  return out;
}

function renderFinding(f: Finding, paint: Paint): string[] {
  const sev = paint(SEVERITY_STYLE[f.severity], f.severity.toUpperCase().padEnd(8));
  const head = `${visible(f.ruleId)}  ${visible(f.message)}`;
  const [firstLine = '', ...rest] = wrap(head, WIDTH - INDENT);
  const pad = ' '.repeat(INDENT);
  const lines = [`  ${sev}  ${firstLine}`, ...rest.map((l) => pad + l)];
  const where = [locationText(f), f.path].filter((s): s is string => !!s).map(visible);
  if (where.length > 0) lines.push(pad + paint(SGR.dim, where.join('  ')));
  if (f.exemption) {
    const e = f.exemption;
    const parts = [`exempted via ${e.via}: ${e.reason}`];
    if (e.owner) parts.push(`owner ${e.owner}`);
    if (e.expires) parts.push(`expires ${e.expires}`);
    for (const l of wrap(visible(parts.join('; ')), WIDTH - INDENT)) lines.push(pad + paint(SGR.green, l));
  }
  return lines;
}

function renderSummary(result: ScanResult, ctx: ReportContext, paint: Paint): string[] {
  const s = summarize(result, ctx.failOn);
  const groups = groupByObject(result.findings);
  const objects = groups.filter((g) => g.object).length;
  const causes = groups.reduce((n, g) => n + causesOf(g.findings).length, 0);
  const head = [plural(s.total, result.baseline ? 'new finding' : 'finding')];
  if (causes < s.total) head.push(`(${plural(causes, 'cause')})`);
  if (objects > 0) head.push(`in ${plural(objects, 'object')}`);
  const out = [paint(SGR.bold, `Summary: ${head.join(' ')}`)];
  const b = result.baseline;
  if (b) {
    out.push(
      ...wrap(
        `${visible(b.against)}: ${s.total} new, ${b.fixed.length} fixed, ${b.unchanged} unchanged (only new findings are listed and counted)`,
        WIDTH - 15,
      ).map((l, i) => (i === 0 ? '  baseline     ' : ' '.repeat(15)) + l),
    );
    const np = b.networkPolicies;
    if (np)
      out.push(
        `  netpol       policies changed: ${np.changed.length}; connectivity diff: ${plural(np.connectivity.length, 'line')} (-o markdown or json lists them)`,
      );
  }

  const bySeverity = SEVERITIES.map((sev) => {
    const text = `${sev} ${s.bySeverity[sev]}`;
    return s.bySeverity[sev] > 0 ? paint(SEVERITY_STYLE[sev], text) : text;
  });
  out.push(`  by severity  ${bySeverity.join('  ')}`);
  const pillars = CATEGORIES.filter((c) => s.byCategory[c] > 0).map((c) => `${c} ${s.byCategory[c]}`);
  if (pillars.length > 0)
    out.push(...wrapItems(pillars, WIDTH - 15).map((l, i) => (i === 0 ? '  by pillar    ' : ' '.repeat(15)) + l));

  const st = result.stats;
  const skipped: string[] = [];
  if (st.skippedDocuments > 0)
    skipped.push(`${plural(st.skippedDocuments, 'document')} without apiVersion/kind skipped`);
  if (st.skippedFiles > 0) skipped.push(`${plural(st.skippedFiles, 'file')} skipped`);
  out.push(
    `  scanned      ${plural(st.files, 'file')}, ${plural(st.objects, 'object')}` +
      (skipped.length > 0 ? ` (${skipped.join(', ')})` : ''),
  );
  const hidden = st.notIncluded ?? [];
  if (hidden.length > 0)
    out.push(
      ...wrap(
        `${plural(hidden.length, 'file')} with Kubernetes objects that no kustomization includes: ${firstFew(hidden.map(visible))} (--raw scans every file)`,
        WIDTH - 15,
      ).map((l, i) => (i === 0 ? '  not scanned  ' : ' '.repeat(15)) + l),
    );
  if (s.exempted > 0)
    out.push(`  exempted     ${s.exempted}${ctx.showExempted ? ' (listed above)' : ' (--show-exempted lists them)'}`);

  out.push(
    s.failed
      ? paint(
          SGR.bold + SGR.red,
          `FAIL: ${plural(s.failing, result.baseline ? 'new finding' : 'finding')} at or above ${ctx.failOn} (--fail-on ${ctx.failOn})`,
        )
      : ctx.failOn === 'none'
        ? paint(SGR.bold + SGR.green, 'PASS: --fail-on none (findings never fail the run)')
        : paint(
            SGR.bold + SGR.green,
            `PASS: no ${result.baseline ? 'new ' : ''}findings at or above ${ctx.failOn} (--fail-on ${ctx.failOn})`,
          ),
  );
  return out;
}

/** Items (`gitops 5`) two spaces apart, wrapped between items, never inside one. */
export function wrapItems(items: readonly string[], width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const item of items) {
    if (line === '') line = item;
    else if (line.length + 2 + item.length <= width) line += `  ${item}`;
    else {
      lines.push(line);
      line = item;
    }
  }
  lines.push(line);
  return lines;
}

/** Greedy word wrap; a word longer than the width stays whole on its own line. */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line === '') line = word;
    else if (line.length + 1 + word.length <= width) line += ` ${word}`;
    else {
      lines.push(line);
      line = word;
    }
  }
  lines.push(line);
  return lines;
}
