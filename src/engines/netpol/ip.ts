import type { Intervals } from './intervals.js';
import * as iv from './intervals.js';

export const IPV4_MAX = 0xffffffff;
export const ALL_IPV4: Intervals = [0, IPV4_MAX];

export function parseIPv4(s: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s.trim());
  if (!m) return undefined;
  let v = 0;
  for (let i = 1; i <= 4; i++) {
    const o = Number(m[i]);
    if (o > 255) return undefined;
    v = v * 256 + o;
  }
  return v;
}

export function formatIPv4(v: number): string {
  return `${Math.floor(v / 16777216) % 256}.${Math.floor(v / 65536) % 256}.${Math.floor(v / 256) % 256}.${v % 256}`;
}

export type CidrParse =
  | { ok: true; value: Intervals; ipv6?: false }
  | { ok: true; value: Intervals; ipv6: true }
  | { ok: false; error: string };

/** A CIDR as an interval. IPv6 CIDRs parse as empty with `ipv6: true` (IPv4 analysis only). */
export function parseCidr(s: unknown): CidrParse {
  if (typeof s !== 'string') return { ok: false, error: 'CIDR is not a string' };
  if (s.includes(':')) {
    return /^[0-9a-fA-F:.]+\/\d{1,3}$/.test(s)
      ? { ok: true, value: iv.EMPTY, ipv6: true }
      : { ok: false, error: `invalid CIDR address: ${s}` };
  }
  const m = /^([^/]+)\/(\d{1,2})$/.exec(s.trim());
  const ip = m ? parseIPv4(m[1] as string) : undefined;
  const bits = m ? Number(m[2]) : Number.NaN;
  if (!m || ip === undefined || bits > 32) return { ok: false, error: `invalid CIDR address: ${s}` };
  const size = 2 ** (32 - bits);
  const start = Math.floor(ip / size) * size;
  return { ok: true, value: [start, start + size - 1] };
}

export function formatRange(lo: number, hi: number): string {
  return `${formatIPv4(lo)}-${formatIPv4(hi)}`;
}

/**
 * Split the IPv4 space into contiguous pieces at every boundary of the given
 * sets, so that each piece lies wholly inside or wholly outside each set.
 */
export function disjointRanges(sets: readonly Intervals[]): Array<[number, number]> {
  const cuts = new Set<number>([0]);
  for (const s of sets) {
    for (let i = 0; i < s.length; i += 2) {
      cuts.add(s[i] as number);
      const after = (s[i + 1] as number) + 1;
      if (after <= IPV4_MAX) cuts.add(after);
    }
  }
  const starts = [...cuts].sort((a, b) => a - b);
  return starts.map((lo, i) => [lo, i + 1 < starts.length ? (starts[i + 1] as number) - 1 : IPV4_MAX]);
}
