/**
 * etcd member ids are uint64. Clients hand them over as decimal strings
 * (proto-loader `longs: String`), Long objects, bigints or, unsafely, numbers.
 * This turns any of them into the hex string etcdctl prints, without ever
 * going through a JS number for values above 2^53.
 */
export function toHexId(v: unknown): string | undefined {
  const big = toBigInt(v);
  if (big === undefined) return undefined;
  return big.toString(16);
}

/** Like toHexId, but `0` (etcd's "none") becomes undefined. */
export function toHexIdOrNone(v: unknown): string | undefined {
  const big = toBigInt(v);
  if (big === undefined || big === 0n) return undefined;
  return big.toString(16);
}

/** A uint64 value as a bigint; undefined when the value is not one. */
export function toBigInt(v: unknown): bigint | undefined {
  if (typeof v === 'bigint') return BigInt.asUintN(64, v);
  if (typeof v === 'number') return Number.isInteger(v) && v >= 0 ? BigInt(v) : undefined;
  if (typeof v === 'string') {
    const s = v.trim();
    if (/^\d+$/.test(s)) return BigInt.asUintN(64, BigInt(s));
    if (/^0x[0-9a-f]+$/i.test(s)) return BigInt.asUintN(64, BigInt(s));
    return undefined;
  }
  if (v && typeof v === 'object') {
    // Long from long.js / protobufjs: {low, high, unsigned}
    const o = v as { low?: unknown; high?: unknown };
    if (typeof o.low === 'number' && typeof o.high === 'number') {
      return (BigInt(o.high >>> 0) << 32n) | BigInt(o.low >>> 0);
    }
  }
  return undefined;
}

/** A hex id as the decimal string the gRPC API accepts. */
export function hexToDecimal(hex: string): string {
  return BigInt(`0x${hex}`).toString(10);
}

/** A uint64 counter (sizes, indexes) as a number; these stay far below 2^53. */
export function toCount(v: unknown): number | undefined {
  const big = toBigInt(v);
  return big === undefined ? undefined : Number(big);
}
