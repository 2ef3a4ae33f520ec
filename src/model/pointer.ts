/** RFC 6901 JSON pointers. */

export function escapeSegment(s: string | number): string {
  if (typeof s === 'number') return String(s);
  // nearly every segment needs no escaping: skip the two regex passes then
  if (s.indexOf('~') < 0 && s.indexOf('/') < 0) return s;
  return s.replace(/~/g, '~0').replace(/\//g, '~1');
}

export function unescapeSegment(s: string): string {
  if (s.indexOf('~') < 0) return s;
  return s.replace(/~1/g, '/').replace(/~0/g, '~');
}

/** Join segments into a pointer: `pointer('spec', 'containers', 0)` → `/spec/containers/0`. */
export function pointer(...segments: Array<string | number>): string {
  let out = '';
  for (const seg of segments) out += `/${escapeSegment(seg)}`;
  return out;
}

/** Append segments to an existing pointer. */
export function join(base: string, ...segments: Array<string | number>): string {
  return base + pointer(...segments);
}

export function parsePointer(p: string): string[] {
  if (p === '' || p === '/') return p === '/' ? [''] : [];
  if (!p.startsWith('/')) throw new Error(`invalid JSON pointer: ${p}`);
  const segs = p.slice(1).split('/');
  if (p.indexOf('~') < 0) return segs;
  return segs.map(unescapeSegment);
}

/** The value at a pointer, or undefined. */
export function getAt(root: unknown, p: string): unknown {
  let cur: unknown = root;
  for (const seg of parsePointer(p)) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[seg];
  }
  return cur;
}
