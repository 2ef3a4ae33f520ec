/**
 * What the rules' robustness tests share: every path into a parsed object, and
 * a setter, so that each field can be replaced by a value of the wrong type.
 */

/** Every path to a value inside `v` (objects and arrays included), as key lists. */
export function paths(v: unknown, prefix: Array<string | number> = []): Array<Array<string | number>> {
  const out: Array<Array<string | number>> = [];
  const entries: Array<[string | number, unknown]> = Array.isArray(v)
    ? v.map((x, i) => [i, x])
    : v && typeof v === 'object'
      ? Object.entries(v)
      : [];
  for (const [k, x] of entries) out.push([...prefix, k], ...paths(x, [...prefix, k]));
  return out;
}

/** Set the value at `path` (whose parents exist) inside `root`. */
export function setAt(root: Record<string, unknown>, path: Array<string | number>, value: unknown): void {
  let cur: unknown = root;
  for (const seg of path.slice(0, -1)) cur = (cur as Record<string | number, unknown>)[seg];
  (cur as Record<string | number, unknown>)[path[path.length - 1] as string | number] = value;
}
