/**
 * Graphviz output in np-guard's dot layout: workloads grouped in one subgraph per
 * namespace, IP ranges, the ingress controller and `entire-cluster` at top level,
 * then every edge. All line groups are sorted, so the text is stable.
 */
import { type Connection, type Endpoint, endpointName } from './analyze.js';
import type { ConnSet } from './conn.js';
import { INGRESS_CONTROLLER_NAME, type WorkloadPod } from './model.js';

/** An exposure edge between a workload in the input and a peer beyond it. */
export interface DotExposureEdge {
  /** The workload in the input. */
  workload: Endpoint;
  /** True when the peer may reach the workload (ingress), false for egress. */
  ingress: boolean;
  /** `entire-cluster`, or a representative peer: the pods `pod` in the namespaces `ns` (np-guard's unbracketed words). */
  peer: { type: 'entire-cluster' } | { type: 'representative'; ns: string; pod: string };
  conn: string;
}

const ENTIRE_CLUSTER = 'entire-cluster';

/**
 * The workloads np-guard draws even without an edge: every workload of the input, or,
 * with a workload focus (`name`, `ns/name`, `ingress-controller`), the focus workloads.
 */
export function dotPeers(pods: readonly WorkloadPod[], focus: readonly string[] = []): Endpoint[] {
  const inFocus = (p: WorkloadPod) =>
    p.synthetic
      ? focus.includes(INGRESS_CONTROLLER_NAME)
      : focus.includes(p.name) || focus.includes(`${p.namespace}/${p.name}`);
  return pods
    .filter((p) => (focus.length === 0 ? !p.synthetic : inFocus(p)))
    .map((pod) => ({ type: 'pod' as const, pod }));
}

/** Go's %q for the strings that occur here: backslash, quote and control characters escaped. */
function quote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '"' || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

function nodeLine(id: string, label: string, color: string, extra = ''): string {
  return `\t${quote(id)} [label=${quote(label)} color=${quote(color)} fontcolor=${quote(color)}${extra}]`;
}

/** A connectivity edge: weight 0.5 when the source name sorts first (or equal), 1 otherwise, as np-guard lays them out. */
function connEdge(src: string, dst: string, conn: string): string {
  const weight = src <= dst ? '0.5' : '1';
  return `\t${quote(src)} -> ${quote(dst)} [label=${quote(conn)} color="gold2" fontcolor="darkgreen" weight=${weight}]`;
}

function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function addToGroup(groups: Map<string, string[]>, ns: string, line: string): void {
  let l = groups.get(ns);
  if (!l) groups.set(ns, (l = []));
  l.push(`\t${line}`);
}

function nsGroups(groups: Map<string, string[]>, color: string): string[] {
  const out: string[] = [];
  for (const ns of [...groups.keys()].sort(byCodeUnits)) {
    const label = `${ns}[namespace]`;
    out.push(
      `\tsubgraph ${quote(`cluster_${label.replace(/-/g, '_')}`)} {`,
      `\t\tcolor=${quote(color)}`,
      `\t\tfontcolor=${quote(color)}`,
      ...(groups.get(ns) ?? []).sort(byCodeUnits),
      `\t\tlabel=${quote(label)}`,
      '\t}',
    );
  }
  return out;
}

/** With a connection focus, np-guard's graph labels each edge with that connection only. */
export function narrowConnections(conns: readonly Connection[], focus: ConnSet): Connection[] {
  return conns.map((c) => ({ ...c, conn: c.conn.intersect(focus) }));
}

/**
 * np-guard's dot graph of a connectivity list. `peers` are workloads drawn even
 * without an edge (np-guard draws every workload of the input, or the focus
 * workloads); `exposure` adds the exposure analysis: `entire-cluster` and the
 * representative peers (in red namespace subgraphs), with dashed edges.
 */
export function formatDot(
  conns: readonly Connection[],
  peers: readonly Endpoint[] = [],
  exposure: readonly DotExposureEdge[] = [],
): string {
  const nsPeers = new Map<string, string[]>();
  const repPeers = new Map<string, string[]>();
  const external: string[] = [];
  const edges: string[] = [];
  const visited = new Set<string>();
  const visit = (e: Endpoint) => {
    const name = endpointName(e);
    if (visited.has(name)) return;
    visited.add(name);
    if (e.type === 'ip') external.push(nodeLine(name, name, 'red2'));
    else if (e.pod.synthetic) external.push(nodeLine(name, name, 'blue'));
    else addToGroup(nsPeers, e.pod.namespace, nodeLine(name, `${e.pod.name}[${e.pod.kind}]`, 'blue'));
  };
  for (const c of conns) {
    edges.push(connEdge(endpointName(c.src), endpointName(c.dst), c.conn.toString()));
    visit(c.src);
    visit(c.dst);
  }
  for (const p of peers) if (p.type !== 'ip') visit(p);
  const repVisited = new Set<string>();
  for (const x of exposure) {
    visit(x.workload);
    const workload = endpointName(x.workload);
    let peer: string;
    if (x.peer.type === 'entire-cluster') {
      peer = ENTIRE_CLUSTER;
      if (!repVisited.has(peer)) {
        repVisited.add(peer);
        external.push(nodeLine(peer, peer, 'red2', ' shape=diamond'));
      }
    } else {
      peer = `${x.peer.pod}_in_${x.peer.ns}`;
      if (!repVisited.has(peer)) {
        repVisited.add(peer);
        addToGroup(repPeers, x.peer.ns, nodeLine(peer, x.peer.pod, 'red2'));
      }
    }
    const [from, to, color, weight] = x.ingress
      ? [peer, workload, 'darkorange2', '1']
      : [workload, peer, 'darkorange4', '0.5'];
    edges.push(
      `\t${quote(from)} -> ${quote(to)} [label=${quote(x.conn)} color="${color}" fontcolor="darkgreen" weight=${weight} style=dashed]`,
    );
  }
  return [
    'digraph {',
    ...nsGroups(nsPeers, 'black'),
    ...nsGroups(repPeers, 'red2'),
    ...external.sort(byCodeUnits),
    ...edges.sort(byCodeUnits),
    '}',
  ].join('\n');
}
