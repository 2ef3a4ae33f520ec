/**
 * Flux's post-build variable substitution (`spec.postBuild` of a
 * Kustomization), as kustomize-controller runs it on each rendered object's
 * YAML: fluxcd/pkg/envsubst, a fork of drone/envsubst that expands only the
 * braced form. `${var}` is the value (empty when unset); `$${var}` is a
 * literal `${var}` (`$$` is one `$`); `$var` without braces is left alone.
 * Operators: `${var:-default}` and every other default form (`-`, `=`, `:=`,
 * `+`, `:+`, `?`, `:?`) give the default when the value is empty, as the fork
 * does; `${#var}` length; `${var:pos}`, `${var:pos:len}`; `${var,}`,
 * `${var,,}`, `${var^}`, `${var^^}`; `${var/a/b}`, `${var//a/b}`,
 * `${var/#a/b}`, `${var/%a/b}`; `${var#p}`, `${var##p}`, `${var%p}`,
 * `${var%%p}` (p a `path.Match` pattern).
 */

export type SubstitutionResult = { ok: true; text: string } | { ok: false; error: string };

/** Names Flux accepts for variables (`^[_[:alpha:]][_[:alpha:][:digit:]]*$`). */
export const VAR_NAME = /^[_A-Za-z][_A-Za-z0-9]*$/;

/** Expand `${...}` in `text` with `vars` (unset reads as empty). */
export function substitute(text: string, vars: ReadonlyMap<string, string>): SubstitutionResult {
  try {
    const p = new Parser(text, vars);
    return { ok: true, text: p.any(false) };
  } catch (err) {
    return { ok: false, error: (err as Error).message };
  }
}

class Parser {
  private i = 0;

  constructor(
    private readonly s: string,
    private readonly vars: ReadonlyMap<string, string>,
  ) {}

  /** Text and expansions up to the end, or (inside an argument) up to the `}` that closes it. */
  any(inArg: boolean, stop?: (c: string) => boolean): string {
    let out = '';
    while (this.i < this.s.length) {
      const c = this.s[this.i] as string;
      if (inArg && (c === '}' || stop?.(c))) return out;
      if (c === '$' && this.s[this.i + 1] === '$') {
        out += '$';
        this.i += 2;
        // the character after an escaped `$` is plain text, `{` included
        if (this.i < this.s.length && !(inArg && (this.s[this.i] === '}' || stop?.(this.s[this.i] as string)))) {
          out += this.s[this.i];
          this.i++;
        }
        continue;
      }
      if (c === '$' && this.s[this.i + 1] === '{') {
        this.i += 2;
        out += this.expansion();
        continue;
      }
      out += c;
      this.i++;
    }
    if (inArg) throw new Error('bad substitution: missing closing brace');
    return out;
  }

  private expansion(): string {
    if (this.s[this.i] === '#') {
      this.i++;
      const name = this.name();
      this.close();
      return String(utf8Length(this.value(name)));
    }
    const name = this.name();
    const v = this.value(name);
    const c = this.s[this.i];
    if (c === '}') {
      this.i++;
      return v;
    }
    if (c === ':' && /[-=?+]/.test(this.s[this.i + 1] ?? '')) {
      this.i += 2;
      const def = this.any(true);
      this.close();
      return v === '' ? def : v;
    }
    if (c === '-' || c === '=' || c === '?' || c === '+') {
      this.i++;
      const def = this.any(true);
      this.close();
      return v === '' ? def : v;
    }
    if (c === ':') {
      this.i++;
      const pos = this.any(true, (ch) => ch === ':');
      let len: string | undefined;
      if (this.s[this.i] === ':') {
        this.i++;
        len = this.any(true);
      }
      this.close();
      return substr(v, pos, len);
    }
    if (c === ',' || c === '^') {
      const op = this.s.slice(this.i, this.s[this.i + 1] === c ? this.i + 2 : this.i + 1);
      this.i += op.length;
      this.close();
      if (v === '') return v;
      if (op === ',,') return v.toLowerCase();
      if (op === '^^') return v.toUpperCase();
      const first = String.fromCodePoint(v.codePointAt(0) as number);
      return (op === ',' ? first.toLowerCase() : first.toUpperCase()) + v.slice(first.length);
    }
    if (c === '/') {
      this.i++;
      let mode = '/';
      const m = this.s[this.i];
      if (m === '/' || m === '#' || m === '%') {
        mode += m;
        this.i++;
      }
      const pattern = this.any(true, (ch) => ch === '/');
      let replacement: string | undefined;
      if (this.s[this.i] === '/') {
        this.i++;
        replacement = this.any(true);
      }
      this.close();
      return replace(v, mode, pattern, replacement ?? '');
    }
    if (c === '#' || c === '%') {
      const op = this.s[this.i + 1] === c ? c + c : c;
      this.i += op.length;
      const pattern = this.any(true);
      this.close();
      return trim(v, op, pattern);
    }
    throw new Error(`bad substitution at \${${name}`);
  }

  private name(): string {
    const m = /^[\p{L}\p{N}_]+/u.exec(this.s.slice(this.i));
    if (!m) throw new Error('bad substitution: unable to parse variable name');
    this.i += m[0].length;
    return m[0];
  }

  private close(): void {
    if (this.s[this.i] !== '}') throw new Error('bad substitution: missing closing brace');
    this.i++;
  }

  private value(name: string): string {
    return this.vars.get(name) ?? '';
  }
}

function utf8Length(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

function substr(s: string, posText: string, lenText: string | undefined): string {
  const pos0 = Number.parseInt(posText.trim(), 10);
  if (!/^\s*-?\d+\s*$/.test(posText)) return s;
  let pos = pos0 < 0 ? Math.max(0, s.length + pos0) : pos0;
  if (lenText === undefined) return pos < s.length ? s.slice(pos) : '';
  if (!/^\s*-?\d+\s*$/.test(lenText)) return s;
  const len = Number.parseInt(lenText.trim(), 10);
  if (len < 0) {
    const end = s.length + len;
    return end < pos ? '' : s.slice(pos, end);
  }
  if (pos >= s.length) return '';
  pos = Math.max(0, pos);
  return s.slice(pos, pos + len);
}

function replace(s: string, mode: string, pattern: string, replacement: string): string {
  if (mode === '/#') return s.startsWith(pattern) ? replacement + s.slice(pattern.length) : s;
  if (mode === '/%') return s.endsWith(pattern) ? s.slice(0, s.length - pattern.length) + replacement : s;
  if (mode === '//') return pattern === '' ? s : s.split(pattern).join(replacement);
  return s.replace(pattern, replacement);
}

/** `#`, `##`, `%`, `%%` with Go's path.Match patterns. */
function trim(s: string, op: string, pattern: string): string {
  const re = pathMatchRegExp(pattern);
  if (!re) return s;
  const prefixes = Array.from({ length: s.length + 1 }, (_, i) => s.slice(0, i));
  if (op === '#' || op === '##') {
    const matching = prefixes.filter((p) => re.test(p));
    // Flux's loop never tries the empty prefix
    const nonEmpty = matching.filter((p) => p !== '');
    if (nonEmpty.length === 0) return s;
    const chosen = op === '#' ? nonEmpty[0] : nonEmpty[nonEmpty.length - 1];
    return s.slice((chosen as string).length);
  }
  const suffixes = Array.from({ length: s.length + 1 }, (_, i) => s.slice(s.length - i)).filter(
    (x) => x !== '' && re.test(x),
  );
  if (suffixes.length === 0) return s;
  const chosen = op === '%' ? suffixes[0] : suffixes[suffixes.length - 1];
  return s.slice(0, s.length - (chosen as string).length);
}

function pathMatchRegExp(pattern: string): RegExp | undefined {
  let out = '^';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i] as string;
    if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else if (c === '\\') {
      const n = pattern[++i];
      if (n === undefined) return undefined;
      out += n.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
    } else if (c === '[') {
      const end = pattern.indexOf(']', i + 1);
      if (end < 0) return undefined;
      let cls = pattern.slice(i + 1, end);
      if (cls.startsWith('^')) cls = `^${cls.slice(1)}`;
      out += `[${cls}]`;
      i = end;
    } else out += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  try {
    return new RegExp(`${out}$`, 's');
  } catch {
    return undefined;
  }
}
