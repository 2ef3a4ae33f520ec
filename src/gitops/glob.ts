/**
 * The glob dialect of Argo CD's directory `include`/`exclude` (gobwas/glob
 * compiled without separators, as Argo CD's util/glob calls it): `*` and `**`
 * match any run of characters, `/` included; `?` one character; `[abc]`,
 * `[a-z]`, `[!a-z]` a class; `{a,b}` alternatives (which may hold globs);
 * `\` escapes. A malformed pattern matches nothing, as in Argo CD (which logs
 * it and moves on).
 */

const cache = new Map<string, RegExp | null>();

/** Whether `text` (a path relative to the application's directory) matches an Argo CD glob. */
export function argoGlobMatches(pattern: string, text: string): boolean {
  let re = cache.get(pattern);
  if (re === undefined) {
    re = compile(pattern);
    if (cache.size > 500) cache.clear();
    cache.set(pattern, re);
  }
  return re?.test(text) ?? false;
}

function compile(pattern: string): RegExp | null {
  const state = { i: 0 };
  const body = alternatives(pattern, state, false);
  if (body === null || state.i !== pattern.length) return null;
  return new RegExp(`^${body}$`, 's');
}

/** A sequence up to the end (or, inside braces, up to `,` or `}`). */
function alternatives(p: string, s: { i: number }, inBraces: boolean): string | null {
  let out = '';
  while (s.i < p.length) {
    const c = p[s.i] as string;
    if (inBraces && (c === ',' || c === '}')) return out;
    s.i++;
    if (c === '*') {
      while (p[s.i] === '*') s.i++;
      out += '.*';
    } else if (c === '?') out += '.';
    else if (c === '\\') {
      const next = p[s.i++];
      if (next === undefined) return null;
      out += escapeRe(next);
    } else if (c === '[') {
      const end = p.indexOf(']', s.i + 1);
      if (end < 0) return null;
      let cls = p.slice(s.i, end);
      s.i = end + 1;
      const negate = cls.startsWith('!');
      if (negate) cls = cls.slice(1);
      if (cls === '') return null;
      out += `[${negate ? '^' : ''}${cls.replace(/[\\\]^]/g, '\\$&')}]`;
    } else if (c === '{') {
      const alts: string[] = [];
      for (;;) {
        const alt = alternatives(p, s, true);
        if (alt === null) return null;
        alts.push(alt);
        const sep = p[s.i++];
        if (sep === '}') break;
        if (sep !== ',') return null;
      }
      out += `(?:${alts.join('|')})`;
    } else out += escapeRe(c);
  }
  return inBraces ? null : out;
}

function escapeRe(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
