import { type Connection, type Endpoint, endpointName } from './analyze.js';
import type { ConnSet, Protocol } from './conn.js';
import { ConnSet as CS, isProtocol } from './conn.js';
import { INGRESS_CONTROLLER_NAME } from './model.js';

export interface FocusOptions {
  /** Workload names (`name` or `ns/name`); `ingress-controller` names `{ingress-controller}`. */
  workloads?: readonly string[];
  /** With `workloads`: only pairs whose other side is one of these. */
  peers?: readonly string[];
  /** With `workloads`: only connections leaving (`egress`) or entering (`ingress`) them. */
  direction?: 'ingress' | 'egress';
}

function matchesName(e: Endpoint, names: readonly string[]): boolean {
  if (e.type === 'ip') return false;
  const p = e.pod;
  if (p.synthetic) return names.includes(INGRESS_CONTROLLER_NAME) || names.includes(endpointName(e));
  return names.includes(p.name) || names.includes(`${p.namespace}/${p.name}`);
}

/** Which focus names match nothing in `conns`' universe (for warnings). */
export function unknownFocusNames(names: readonly string[], endpoints: readonly Endpoint[]): string[] {
  return names.filter((n) => !endpoints.some((e) => matchesName(e, [n])));
}

/** Keep the connections that involve the focus workloads, as np-guard's --focusworkload does. */
export function focusConnections(conns: readonly Connection[], opts: FocusOptions): Connection[] {
  const ws = opts.workloads ?? [];
  if (ws.length === 0) return [...conns];
  const peers = opts.peers ?? [];
  return conns.filter((c) => {
    const srcF = matchesName(c.src, ws);
    const dstF = matchesName(c.dst, ws);
    const asSrc = srcF && opts.direction !== 'ingress' && (peers.length === 0 || matchesName(c.dst, peers));
    const asDst = dstF && opts.direction !== 'egress' && (peers.length === 0 || matchesName(c.src, peers));
    return asSrc || asDst;
  });
}

/** Parse `tcp-8080` / `udp-53` into a single connection. */
export function parseFocusConn(s: string): { protocol: Protocol; port: number; conn: ConnSet } | undefined {
  const m = /^([a-zA-Z]+)-(\d{1,5})$/.exec(s);
  if (!m) return undefined;
  const protocol = (m[1] as string).toUpperCase();
  const port = Number(m[2]);
  if (!isProtocol(protocol) || port < 1 || port > 65535) return undefined;
  return { protocol, port, conn: CS.of(protocol, [port, port]) };
}

/** Keep the connections that allow one protocol/port; np-guard prints them under a heading, without the port. */
export function focusOnConnection(conns: readonly Connection[], protocol: Protocol, port: number): Connection[] {
  return conns.filter((c) => c.conn.has(protocol, port));
}
