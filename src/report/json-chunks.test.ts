import { describe, expect, it } from 'vitest';
import { JsonArray, jsonChunks, mapped } from './json-chunks.js';

/** The value with every JsonArray read into a plain array: what JSON.stringify would be given. */
function plain(v: unknown): unknown {
  if (v instanceof JsonArray) return [...v.items];
  if (Array.isArray(v)) return v.map(plain);
  if (v && typeof v === 'object')
    return Object.fromEntries(Object.entries(v as Record<string, unknown>).map(([k, x]) => [k, plain(x)]));
  return v;
}

const text = (v: unknown) => [...jsonChunks(v)].join('');

describe('jsonChunks', () => {
  const item = (i: number) => ({
    id: i,
    message: `line "${i}"\nwith a newline, a tab\t, <markup> & \u001b[31m escapes \u2028 and ünïcödé`,
    nested: { list: [1, 'two', null, { deep: [] }], empty: {}, none: null, skipped: undefined },
  });

  it('writes what JSON.stringify(value, null, 2) writes, byte for byte', () => {
    const cases: Array<() => unknown> = [
      () => new JsonArray([]),
      () => new JsonArray([1, 'a', null, { b: [] }]),
      () => ({ findings: new JsonArray([]), summary: { total: 0 } }),
      () => ({ findings: new JsonArray(mapped([1, 2, 3], item)), summary: { total: 3, by: { a: 1 } }, extra: [] }),
      () => ({
        skipped: undefined,
        fn: () => 1,
        runs: [{ tool: { name: 'x', rules: [] }, results: new JsonArray(mapped([0, 1], item)) }, 'second'],
        after: { a: [{}] },
      }),
      () => [new JsonArray([undefined, () => 1, 'kept']), undefined, { only: new JsonArray([{}]) }],
      () => ({ a: { b: { c: new JsonArray(mapped([7], item)) } } }),
    ];
    for (const make of cases) expect(text(make())).toBe(JSON.stringify(plain(make()), null, 2));
  });

  it('makes items only as they are written, in chunks of bounded size', () => {
    let made = 0;
    const items = mapped(
      Array.from({ length: 5000 }, (_, i) => i),
      (i) => {
        made++;
        return item(i);
      },
    );
    const chunks = jsonChunks({ findings: new JsonArray(items), total: 5000 });
    const first = chunks.next();
    expect(first.done).toBe(false);
    expect(made).toBe(0);
    const second = chunks.next();
    expect(second.done).toBe(false);
    // one chunk's worth of items made, not all of them
    expect(made).toBeGreaterThan(0);
    expect(made).toBeLessThan(1000);
    let sizes = 0;
    let count = 2;
    let joined = `${first.value}${second.value}`;
    for (const c of chunks) {
      joined += c;
      sizes = Math.max(sizes, c.length);
      count++;
    }
    expect(made).toBe(5000);
    expect(count).toBeGreaterThan(10);
    expect(sizes).toBeLessThan(128 * 1024);
    expect(joined).toBe(
      JSON.stringify({ findings: Array.from({ length: 5000 }, (_, i) => item(i)), total: 5000 }, null, 2),
    );
  });
});
