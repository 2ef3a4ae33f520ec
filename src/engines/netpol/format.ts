import { type Connection, type Endpoint, endpointName } from './analyze.js';

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

/** Render a connectivity list in one of np-guard's formats. */
export function formatConnlist(conns: readonly Connection[], format: ConnlistFormat): string {
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
      return formatDot(conns, lines);
  }
}

function formatDot(conns: readonly Connection[], lines: ConnLine[]): string {
  const nodes = new Map<string, Endpoint>();
  for (const c of conns) {
    nodes.set(endpointName(c.src), c.src);
    nodes.set(endpointName(c.dst), c.dst);
  }
  const byNs = new Map<string, string[]>();
  const others: string[] = [];
  for (const [name, e] of [...nodes].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    if (e.type === 'pod' && !e.pod.synthetic) {
      let l = byNs.get(e.pod.namespace);
      if (!l) byNs.set(e.pod.namespace, (l = []));
      l.push(`\t\t"${name}" [label="${e.pod.name}[${e.pod.kind}]" color="blue" fontcolor="blue"]`);
    } else if (e.type === 'ip') others.push(`\t"${name}" [label="${name}" color="red2" fontcolor="red2"]`);
    else others.push(`\t"${name}" [label="${name}" color="blue" fontcolor="blue"]`);
  }
  const out = ['digraph {'];
  for (const ns of [...byNs.keys()].sort()) {
    out.push(`\tsubgraph "cluster_${ns}[namespace]" {`, '\t\tcolor="black"', '\t\tfontcolor="black"');
    out.push(...(byNs.get(ns) ?? []));
    out.push(`\t\tlabel="${ns}[namespace]"`, '\t}');
  }
  out.push(...others);
  for (const l of lines) out.push(`\t"${l.src}" -> "${l.dst}" [label="${l.conn}" color="gold2" fontcolor="darkgreen"]`);
  out.push('}');
  return out.join('\n');
}

/** np-guard's listing for one focus connection: a heading, then `src => dst` lines. */
export function formatFocusedOnConnection(conns: readonly Connection[], conn: string): string {
  return [`Permitted connections on ${conn}:`, ...connLines(conns).map((l) => `${l.src} => ${l.dst}`)].join('\n');
}
