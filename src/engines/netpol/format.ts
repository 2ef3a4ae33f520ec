import { type Connection, type Endpoint, endpointName } from './analyze.js';
import { formatDot } from './dot.js';

export const CONNLIST_FORMATS = ['txt', 'json', 'csv', 'md', 'dot'] as const;
export type ConnlistFormat = (typeof CONNLIST_FORMATS)[number];

export interface ConnLine {
  src: string;
  dst: string;
  conn: string;
}

/** Connections as sorted name triples, np-guard's order (by src, then dst). */
export function connLines(conns: readonly Connection[]): ConnLine[] {
  return conns
    .map((c) => ({ src: endpointName(c.src), dst: endpointName(c.dst), conn: c.conn.toString() }))
    .sort((a, b) => (a.src < b.src ? -1 : a.src > b.src ? 1 : a.dst < b.dst ? -1 : a.dst > b.dst ? 1 : 0));
}

export function csvField(s: string): string {
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * Render a connectivity list in one of np-guard's formats. `peers` matter to `dot` only:
 * workloads drawn even without an edge (np-guard draws every workload of the input).
 */
export function formatConnlist(
  conns: readonly Connection[],
  format: ConnlistFormat,
  peers: readonly Endpoint[] = [],
): string {
  const lines = connLines(conns);
  switch (format) {
    case 'txt':
      return lines.map((l) => `${l.src} => ${l.dst} : ${l.conn}`).join('\n');
    case 'json':
      return JSON.stringify(lines, null, 2);
    case 'csv':
      return ['src,dst,conn', ...lines.map((l) => [l.src, l.dst, l.conn].map(csvField).join(','))].join('\n');
    case 'md':
      return [
        '| src | dst | conn |',
        '|-----|-----|------|',
        ...lines.map((l) => `| ${l.src} | ${l.dst} | ${l.conn} |`),
      ].join('\n');
    case 'dot':
      return formatDot(conns, peers);
  }
}

/** np-guard's listing for one focus connection: a heading, then `src => dst` lines. */
export function formatFocusedOnConnection(conns: readonly Connection[], conn: string): string {
  return [`Permitted connections on ${conn}:`, ...connLines(conns).map((l) => `${l.src} => ${l.dst}`)].join('\n');
}
