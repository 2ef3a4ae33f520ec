import { type Connection, endpointName, type Reachability } from './analyze.js';
import { ConnSet } from './conn.js';
import { csvField } from './format.js';
import { formatRange, parseIPv4 } from './ip.js';

export type DiffType = 'added' | 'removed' | 'changed';

export interface ConnDiff {
  type: DiffType;
  src: string;
  dst: string;
  /** Connections in the first (reference) input; `No Connections` when none. */
  ref1: ConnSet;
  ref2: ConnSet;
  /** Workloads that exist in only one of the inputs. */
  workloadsAdded: string[];
  workloadsRemoved: string[];
}

/**
 * What changes between two analyses (ref1 → ref2). IP ranges in both are
 * split at the union of both inputs' ipBlock boundaries so that lines compare.
 */
export function connectivityDiff(ref1: Reachability, ref2: Reachability): ConnDiff[] {
  const cuts = [...ref1.referencedIpBlocks(), ...ref2.referencedIpBlocks()];
  const index = (conns: Connection[]) => {
    const m = new Map<string, { src: string; dst: string; conn: ConnSet }>();
    for (const c of conns) {
      const src = endpointName(c.src);
      const dst = endpointName(c.dst);
      m.set(`${src}\u0000${dst}`, { src, dst, conn: c.conn });
    }
    return m;
  };
  const names = (r: Reachability) =>
    new Set(r.pods.filter((p) => !p.synthetic).map((p) => endpointName({ type: 'pod', pod: p })));
  const a = index(ref1.connections(cuts));
  const b = index(ref2.connections(cuts));
  const wa = names(ref1);
  const wb = names(ref2);
  const isWorkload = (n: string) => !n.endsWith('[External]') && !n.startsWith('{');
  const out: ConnDiff[] = [];
  for (const key of new Set([...a.keys(), ...b.keys()])) {
    const x = a.get(key);
    const y = b.get(key);
    const c1 = x?.conn ?? ConnSet.NONE;
    const c2 = y?.conn ?? ConnSet.NONE;
    if (c1.equals(c2)) continue;
    const { src, dst } = (x ?? y) as { src: string; dst: string };
    const ends = [src, dst].filter(isWorkload);
    out.push({
      type: c1.isEmpty() ? 'added' : c2.isEmpty() ? 'removed' : 'changed',
      src,
      dst,
      ref1: c1,
      ref2: c2,
      workloadsAdded: ends.filter((n) => !wa.has(n) && wb.has(n)),
      workloadsRemoved: ends.filter((n) => wa.has(n) && !wb.has(n)),
    });
  }
  const merged = mergeIpRanges(out);
  const rank: Record<DiffType, number> = { changed: 0, added: 1, removed: 2 };
  return merged.sort(
    (p, q) => rank[p.type] - rank[q.type] || (p.src < q.src ? -1 : p.src > q.src ? 1 : p.dst < q.dst ? -1 : 1),
  );
}

function info(d: ConnDiff): string {
  const part = (list: string[], what: string) => (list.length > 0 ? `workload ${list.join(' and ')} ${what}` : '');
  return [part(d.workloadsAdded, 'added'), part(d.workloadsRemoved, 'removed')].filter(Boolean).join(', ');
}

/** np-guard's text form of a diff. */
export function formatDiffTxt(diffs: readonly ConnDiff[]): string {
  const lines = diffs.map((d) => {
    const wi = info(d);
    return `diff-type: ${d.type}, source: ${d.src}, destination: ${d.dst}, ref1: ${d.ref1}, ref2: ${d.ref2}${wi ? `, workloads-diff-info: ${wi}` : ''}`;
  });
  return lines.length === 0 ? '' : ['Connectivity diff:', ...lines].join('\n');
}

/** Diff as CSV, markdown or JSON. */
export function formatDiff(diffs: readonly ConnDiff[], format: 'txt' | 'csv' | 'md' | 'json'): string {
  if (format === 'txt') return formatDiffTxt(diffs);
  const rows = diffs.map((d) => [d.type, d.src, d.dst, d.ref1.toString(), d.ref2.toString(), info(d)]);
  if (format === 'json')
    return JSON.stringify(
      rows.map(([diffType, source, destination, r1, r2, wi]) => ({
        'diff-type': diffType,
        source,
        destination,
        ref1: r1,
        ref2: r2,
        'workloads-diff-info': wi,
      })),
      null,
      2,
    );
  if (format === 'csv')
    return [
      'diff-type,source,destination,ref1,ref2,workloads-diff-info',
      ...rows.map((r) => r.map(csvField).join(',')),
    ].join('\n');
  return [
    '| diff-type | source | destination | ref1 | ref2 | workloads-diff-info |',
    '|-----------|--------|-------------|------|------|---------------------|',
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ].join('\n');
}

const IP_RE = /^(\d+\.\d+\.\d+\.\d+)-(\d+\.\d+\.\d+\.\d+)\[External\]$/;

/** Adjacent IP ranges whose change is the same (same other end, same before and after) read as one range. */
function mergeIpRanges(diffs: ConnDiff[]): ConnDiff[] {
  const groups = new Map<string, Array<{ d: ConnDiff; lo: number; hi: number; srcSide: boolean }>>();
  const out: ConnDiff[] = [];
  for (const d of diffs) {
    const ms = IP_RE.exec(d.src);
    const md = IP_RE.exec(d.dst);
    const m = ms ?? md;
    if (!m) {
      out.push(d);
      continue;
    }
    const lo = parseIPv4(m[1] as string) ?? 0;
    const hi = parseIPv4(m[2] as string) ?? 0;
    const key = [ms ? 'src' : 'dst', ms ? d.dst : d.src, d.type, d.ref1.toString(), d.ref2.toString(), info(d)].join(
      '\u0000',
    );
    let g = groups.get(key);
    if (!g) groups.set(key, (g = []));
    g.push({ d, lo, hi, srcSide: !!ms });
  }
  for (const g of groups.values()) {
    g.sort((a, b) => a.lo - b.lo);
    let cur = g[0];
    const flush = (c: NonNullable<typeof cur>) => {
      const name = `${formatRange(c.lo, c.hi)}[External]`;
      out.push(c.srcSide ? { ...c.d, src: name } : { ...c.d, dst: name });
    };
    for (const x of g.slice(1)) {
      if (cur && x.lo === cur.hi + 1) cur = { ...cur, hi: x.hi };
      else {
        if (cur) flush(cur);
        cur = x;
      }
    }
    if (cur) flush(cur);
  }
  return out;
}
