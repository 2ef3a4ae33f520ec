/**
 * `kubeprint drift` reports: table (people), json (machines, documented in
 * docs/gitops.md), markdown (a PR or issue comment). Looked up by name.
 */
import { code, escapeMarkdown } from '../report/markdown.js';
import { VERSION } from '../version.js';
import { type DriftEntry, type DriftReport, describeObject } from './drift.js';

export type DriftFormat = 'table' | 'json' | 'markdown';

export const DRIFT_FORMATS: ReadonlyMap<DriftFormat, (r: DriftReport) => string> = new Map([
  ['table', driftTable],
  ['json', driftJson],
  ['markdown', driftMarkdown],
] as const);

/** The counts every format shows. */
export function driftSummary(r: DriftReport) {
  const changed = r.entries.filter((e) => e.type === 'changed');
  return {
    compared: r.compared,
    missing: r.entries.filter((e) => e.type === 'missing').length,
    changed: changed.length,
    changedObjects: new Set(changed.map((e) => describeObject(e.object))).size,
    extra: r.entries.filter((e) => e.type === 'extra').length,
    skipped: r.skipped.length,
    problems: r.problems.length,
    drift: r.entries.length > 0,
  };
}

function sentence(r: DriftReport): string {
  const s = driftSummary(r);
  const compared = `${s.compared} object${s.compared === 1 ? '' : 's'} compared with context ${r.context} (${r.server})`;
  if (!s.drift) return `No drift: ${compared}.`;
  const parts = [
    `${s.missing} missing`,
    `${s.changed} changed field${s.changed === 1 ? '' : 's'} in ${s.changedObjects} object${s.changedObjects === 1 ? '' : 's'}`,
    `${s.extra} extra`,
  ];
  return `Drift: ${parts.join(', ')}; ${compared}.`;
}

const MAX_VALUE = 48;

/** A value as JSON on one line, cut at MAX_VALUE characters. */
function valueText(v: unknown): string {
  const text = JSON.stringify(v) ?? String(v);
  return text.length > MAX_VALUE ? `${text.slice(0, MAX_VALUE - 1)}…` : text;
}

function cells(e: DriftEntry): { field: string; desired: string; live: string; source: string } {
  switch (e.type) {
    case 'missing':
      return {
        field: '-',
        desired: '(object)',
        live: '(none)',
        source: `${e.source ? `${e.source.file}:${e.source.line}` : '-'}${e.detail ? ` (${e.detail})` : ''}`,
      };
    case 'extra':
      return { field: '-', desired: '(none)', live: '(object)', source: `tracked by ${e.owner}` };
    case 'changed':
      return {
        field: e.field,
        desired: e.redacted ? '(secret)' : e.change === 'removed' ? '(none)' : valueText(e.desired),
        live: e.redacted ? '(secret)' : e.change === 'added' ? '(none)' : valueText(e.live),
        source: e.source ? `${e.source.file}:${e.source.line}` : '-',
      };
  }
}

function driftTable(r: DriftReport): string {
  const out: string[] = [];
  if (r.entries.length > 0) {
    const rows = r.entries.map((e) => {
      const c = cells(e);
      return [e.type, describeObject(e.object), c.field, c.desired, c.live, c.source];
    });
    out.push(columns(['DRIFT', 'OBJECT', 'FIELD', 'DESIRED', 'LIVE', 'SOURCE'], rows), '');
  }
  out.push(sentence(r));
  if (r.owners.length > 0) out.push(`Extra objects looked for by: ${r.owners.join('; ')}.`);
  for (const s of r.skipped)
    out.push(
      `Not compared: ${describeObject(s.object)}${s.source ? ` (${s.source.file}:${s.source.line})` : ''}: ${s.reason}`,
    );
  for (const n of r.notes) out.push(`Note: ${n}`);
  for (const p of r.problems) out.push(`Error: ${p.source ? `${p.source.file}:${p.source.line}: ` : ''}${p.message}`);
  return `${out.join('\n')}\n`;
}

function columns(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

function driftJson(r: DriftReport): string {
  return `${JSON.stringify(
    {
      tool: { name: 'kubeprint', version: VERSION },
      context: r.context,
      server: r.server,
      summary: driftSummary(r),
      owners: r.owners,
      drift: r.entries,
      skipped: r.skipped,
      problems: r.problems,
      notes: r.notes,
    },
    null,
    2,
  )}\n`;
}

/** Rows shown in markdown before the rest is counted (a PR comment has a size limit). */
const MAX_ROWS = 200;

function driftMarkdown(r: DriftReport): string {
  const cell = (s: string) => escapeMarkdown(s);
  const codeCell = (s: string) => code(s).replace(/\|/g, '\\|');
  const out: string[] = [`### kubeprint drift`, '', escapeMarkdown(sentence(r))];
  if (r.entries.length > 0) {
    out.push('', '| Drift | Object | Field | Desired | Live | Source |', '|---|---|---|---|---|---|');
    for (const e of r.entries.slice(0, MAX_ROWS)) {
      const c = cells(e);
      const value = (v: string) => (v.startsWith('(') ? cell(v) : codeCell(v));
      out.push(
        `| ${e.type} | ${cell(describeObject(e.object))} | ${c.field === '-' ? '-' : codeCell(c.field)} | ${value(c.desired)} | ${value(c.live)} | ${cell(c.source)} |`,
      );
    }
    if (r.entries.length > MAX_ROWS) out.push('', `…and ${r.entries.length - MAX_ROWS} more (see \`-o json\`).`);
  }
  if (r.owners.length > 0) out.push('', `Extra objects looked for by: ${r.owners.map(cell).join('; ')}.`);
  const list = (title: string, lines: string[]) => {
    if (lines.length > 0) out.push('', `**${title}**`, '', ...lines.map((l) => `- ${cell(l)}`));
  };
  list(
    'Errors',
    r.problems.map((p) => `${p.source ? `${p.source.file}:${p.source.line}: ` : ''}${p.message}`),
  );
  list(
    'Not compared',
    r.skipped.map((s) => `${describeObject(s.object)}: ${s.reason}`),
  );
  list('Notes', r.notes);
  return `${out.join('\n')}\n`;
}
