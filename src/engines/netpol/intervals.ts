/**
 * Sets of non-negative integers as sorted, disjoint, non-adjacent inclusive
 * intervals, stored flat: [lo0, hi0, lo1, hi1, ...]. Used for ports and IPv4.
 */
export type Intervals = readonly number[];

export const EMPTY: Intervals = [];

export function range(lo: number, hi: number): Intervals {
  return lo <= hi ? [lo, hi] : EMPTY;
}

export function isEmpty(a: Intervals): boolean {
  return a.length === 0;
}

export function equals(a: Intervals, b: Intervals): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Normalise a list of possibly overlapping [lo, hi] pairs. */
export function fromPairs(pairs: Array<[number, number]>): Intervals {
  const sorted = pairs.filter(([lo, hi]) => lo <= hi).sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  const out: number[] = [];
  for (const [lo, hi] of sorted) {
    const n = out.length;
    if (n > 0 && lo <= (out[n - 1] as number) + 1) {
      if (hi > (out[n - 1] as number)) out[n - 1] = hi;
    } else out.push(lo, hi);
  }
  return out;
}

export function union(a: Intervals, b: Intervals): Intervals {
  if (a.length === 0) return b;
  if (b.length === 0) return a;
  const pairs: Array<[number, number]> = [];
  for (let i = 0; i < a.length; i += 2) pairs.push([a[i] as number, a[i + 1] as number]);
  for (let i = 0; i < b.length; i += 2) pairs.push([b[i] as number, b[i + 1] as number]);
  return fromPairs(pairs);
}

export function intersect(a: Intervals, b: Intervals): Intervals {
  const out: number[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const lo = Math.max(a[i] as number, b[j] as number);
    const hi = Math.min(a[i + 1] as number, b[j + 1] as number);
    if (lo <= hi) out.push(lo, hi);
    if ((a[i + 1] as number) < (b[j + 1] as number)) i += 2;
    else j += 2;
  }
  return out;
}

export function subtract(a: Intervals, b: Intervals): Intervals {
  if (a.length === 0 || b.length === 0) return a;
  const out: number[] = [];
  let j = 0;
  for (let i = 0; i < a.length; i += 2) {
    let lo = a[i] as number;
    const hi = a[i + 1] as number;
    while (j < b.length && (b[j + 1] as number) < lo) j += 2;
    let k = j;
    while (k < b.length && (b[k] as number) <= hi && lo <= hi) {
      const blo = b[k] as number;
      const bhi = b[k + 1] as number;
      if (blo > lo) out.push(lo, blo - 1);
      lo = Math.max(lo, bhi + 1);
      k += 2;
    }
    if (lo <= hi) out.push(lo, hi);
  }
  return out;
}

export function contains(a: Intervals, v: number): boolean {
  for (let i = 0; i < a.length; i += 2) {
    if (v < (a[i] as number)) return false;
    if (v <= (a[i + 1] as number)) return true;
  }
  return false;
}

/** True when every element of `sub` is in `sup`. */
export function isSubset(sub: Intervals, sup: Intervals): boolean {
  return subtract(sub, sup).length === 0;
}
