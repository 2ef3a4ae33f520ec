import type { Intervals } from './intervals.js';
import * as iv from './intervals.js';

export const PROTOCOLS = ['SCTP', 'TCP', 'UDP'] as const;
export type Protocol = (typeof PROTOCOLS)[number];

export const MIN_PORT = 1;
export const MAX_PORT = 65535;
const ALL_PORTS: Intervals = [MIN_PORT, MAX_PORT];

/** A set of (protocol, port) pairs: the connections allowed between two endpoints. Immutable. */
export class ConnSet {
  private constructor(readonly ports: Readonly<Record<Protocol, Intervals>>) {}

  static readonly NONE = new ConnSet({ SCTP: iv.EMPTY, TCP: iv.EMPTY, UDP: iv.EMPTY });
  static readonly ALL = new ConnSet({ SCTP: ALL_PORTS, TCP: ALL_PORTS, UDP: ALL_PORTS });

  static of(protocol: Protocol, ports: Intervals): ConnSet {
    const p = { SCTP: iv.EMPTY, TCP: iv.EMPTY, UDP: iv.EMPTY };
    p[protocol] = iv.intersect(ports, ALL_PORTS);
    return new ConnSet(p);
  }

  static allOf(protocol: Protocol): ConnSet {
    return ConnSet.of(protocol, ALL_PORTS);
  }

  private map(other: ConnSet, f: (a: Intervals, b: Intervals) => Intervals): ConnSet {
    return new ConnSet({
      SCTP: f(this.ports.SCTP, other.ports.SCTP),
      TCP: f(this.ports.TCP, other.ports.TCP),
      UDP: f(this.ports.UDP, other.ports.UDP),
    });
  }

  union(o: ConnSet): ConnSet {
    if (o.isEmpty() || this.isAll()) return this;
    if (this.isEmpty() || o.isAll()) return o;
    return this.map(o, iv.union);
  }
  intersect(o: ConnSet): ConnSet {
    if (this.isAll() || o.isEmpty()) return o;
    if (o.isAll() || this.isEmpty()) return this;
    return this.map(o, iv.intersect);
  }
  subtract(o: ConnSet): ConnSet {
    if (o.isEmpty() || this.isEmpty()) return this;
    return this.map(o, iv.subtract);
  }
  isEmpty(): boolean {
    return this.ports.SCTP.length === 0 && this.ports.TCP.length === 0 && this.ports.UDP.length === 0;
  }
  isAll(): boolean {
    return PROTOCOLS.every((p) => iv.equals(this.ports[p], ALL_PORTS));
  }
  equals(o: ConnSet): boolean {
    return PROTOCOLS.every((p) => iv.equals(this.ports[p], o.ports[p]));
  }
  has(protocol: Protocol, port: number): boolean {
    return iv.contains(this.ports[protocol], port);
  }

  /** np-guard's wording: `All Connections`, `No Connections`, or `TCP 80,8080-8090,UDP 53`. */
  toString(): string {
    if (this.isAll()) return 'All Connections';
    if (this.isEmpty()) return 'No Connections';
    const parts: string[] = [];
    for (const p of PROTOCOLS) {
      const r = this.ports[p];
      if (r.length === 0) continue;
      const items: string[] = [];
      for (let i = 0; i < r.length; i += 2) items.push(r[i] === r[i + 1] ? `${r[i]}` : `${r[i]}-${r[i + 1]}`);
      parts.push(`${p} ${items.join(',')}`);
    }
    return parts.join(',');
  }
}

export function isProtocol(v: unknown): v is Protocol {
  return v === 'TCP' || v === 'UDP' || v === 'SCTP';
}
