import type { KubeObject } from '../model/kube-object.js';

/** `file:line` of an object, or `-`. */
export function whereOf(o: KubeObject | undefined, pointer = ''): string {
  if (!o) return '-'; // a bootstrap role or binding kubeprint added
  if (!o.source) return '(cluster)';
  const line = pointer ? o.source.positionOf(pointer).line : o.source.line;
  return `${o.source.file}:${line}`;
}

/** Render rows as aligned columns. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return `${[line(header), ...rows.map(line)].join('\n')}\n`;
}
