/**
 * Scalars as kubectl and Helm read them. Both decode manifests with
 * sigs.k8s.io/yaml, which is go-yaml v2 underneath: a YAML 1.1 resolver in
 * which the plain scalars `yes`, `no`, `on`, `off`, `y`, `n` (and their
 * capitalised forms) are booleans, `0755` is octal, `1_000` is 1000 and
 * `0b101` binary. This file is that resolver (go-yaml v2.4 `resolve.go`, with
 * Go's `strconv.ParseInt`/`ParseUint`/`ParseFloat` semantics), so that
 * `privileged: yes` is read as the `true` the API server stores.
 *
 * Decoding into `interface{}` (what kubectl does) keeps timestamps as strings,
 * and sigs.k8s.io/yaml refuses values JSON cannot carry (`.inf`, `.nan`).
 */
import jsYaml from 'js-yaml';

export type GoTag = 'str' | 'bool' | 'int' | 'float' | 'null' | 'merge' | 'timestamp' | 'binary';

export interface GoScalar {
  tag: GoTag;
  /** The decoded value: string, boolean, number, or null. Ints beyond int64 (uint64 in Go) are numbers too. */
  value: unknown;
  /** Set for ints outside int64, which Go holds as uint64 (a map key of that type is refused). */
  uint64?: boolean;
  /** An int's exact decimal digits (a map key keeps them all; a JavaScript number may not). */
  digits?: string;
}

const LONG = 'tag:yaml.org,2002:';

/** Go's resolve table: which first bytes can start a non-string plain scalar. */
const HINT = new Uint8Array(128);
for (const c of '+-') HINT[c.charCodeAt(0)] = 83; // S
for (const c of '0123456789') HINT[c.charCodeAt(0)] = 68; // D
for (const c of 'yYnNtTfFoO~') HINT[c.charCodeAt(0)] = 77; // M
HINT['.'.charCodeAt(0)] = 46; // .

const MAP = new Map<string, GoScalar>();
for (const [tag, value, spellings] of [
  ['bool', true, ['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON']],
  ['bool', false, ['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF']],
  ['null', null, ['', '~', 'null', 'Null', 'NULL']],
  ['float', Number.NaN, ['.nan', '.NaN', '.NAN']],
  ['float', Number.POSITIVE_INFINITY, ['.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF']],
  ['float', Number.NEGATIVE_INFINITY, ['-.inf', '-.Inf', '-.INF']],
  ['merge', '<<', ['<<']],
] as const) {
  for (const s of spellings) MAP.set(s, { tag, value });
}

const STR = (s: string): GoScalar => ({ tag: 'str', value: s });
const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const INT64_MAX = (1n << 63n) - 1n;
const UINT64_MAX = (1n << 64n) - 1n;

/**
 * The value go-yaml v2 gives a plain (unquoted, untagged) scalar when
 * decoding into `interface{}`: what kubectl sends to the API server.
 */
export function resolvePlain(s: string): GoScalar {
  return resolveNonString(s) ?? STR(s);
}

/** resolvePlain, or undefined for a string (the common case, without allocating). */
function resolveNonString(s: string): GoScalar | undefined {
  const c = s.charCodeAt(0);
  const hint = s === '' ? 77 : c < 128 ? (HINT[c] as number) : 0;
  if (hint === 0) return undefined;
  const m = MAP.get(s);
  if (m) return m;
  if (hint === 77) return undefined;
  if (hint === 46) {
    const f = parseGoFloat(s);
    return f === undefined ? undefined : { tag: 'float', value: f };
  }
  // D and S: int, float or timestamp (timestamps stay strings in interface{})
  const small = smallDecimal(s);
  if (small !== undefined) return { tag: 'int', value: small, digits: String(small) };
  if (s.length >= 8 && s.charCodeAt(4) === 45 && isTimestamp(s)) return { tag: 'timestamp', value: s };
  const plain = s.includes('_') ? s.replaceAll('_', '') : s;
  const i = parseGoInt(plain, true);
  if (i !== undefined) return intScalar(i);
  const u = parseGoInt(plain, false);
  if (u !== undefined) return intScalar(u);
  if (YAML_STYLE_FLOAT.test(plain)) {
    const f = Number(plain);
    if (Number.isFinite(f)) return { tag: 'float', value: f };
  }
  if (plain.startsWith('0b')) {
    const b = parseGoIntBase(plain.slice(2), 2, true) ?? parseGoIntBase(plain.slice(2), 2, false);
    if (b !== undefined) return intScalar(b);
  } else if (plain.startsWith('-0b')) {
    const b = parseGoIntBase(`-${plain.slice(3)}`, 2, true);
    if (b !== undefined) return intScalar(b);
  }
  return undefined;
}

/** A decimal int Go and JavaScript read alike (ports, replicas): no sign but `-`, no leading zero, at most 15 digits. */
function smallDecimal(s: string): number | undefined {
  let i = s.charCodeAt(0) === 45 ? 1 : 0;
  const first = s.charCodeAt(i);
  if (s.length - i > 15 || s.length === i || first < 49 || first > 57) return s === '0' ? 0 : undefined;
  for (i++; i < s.length; i++) {
    const d = s.charCodeAt(i);
    if (d < 48 || d > 57) return undefined;
  }
  return Number(s);
}

function intScalar(v: bigint): GoScalar {
  // Number(-0n) is 0: Go's int zero has no sign
  const r: GoScalar = { tag: 'int', value: Number(v), digits: v.toString() };
  if (v > INT64_MAX) r.uint64 = true;
  return r;
}

/**
 * A scalar with an explicit tag (`!!int "12"`, `!!str yes`), as go-yaml
 * resolves it; `tag` is the long form (`tag:yaml.org,2002:int`) or a local
 * tag (`!foo`). Throws the decoder's message when the value does not fit.
 */
export function resolveTagged(tag: string, s: string): GoScalar {
  const short = tag.startsWith(LONG) ? tag.slice(LONG.length) : undefined;
  switch (short) {
    case 'str':
      return STR(s);
    case 'binary':
      return { tag: 'binary', value: decodeBinary(s) };
    case 'bool':
    case 'int':
    case 'float':
    case 'null':
    case 'timestamp': {
      const r = short === 'timestamp' && isTimestamp(s) ? { tag: 'timestamp' as const, value: s } : resolveAny(s);
      if (r.tag === short) return r;
      if (short === 'float' && r.tag === 'int') return { tag: 'float', value: r.value };
      throw new Error(`cannot decode !!${r.tag === 'timestamp' ? 'str' : r.tag} \`${s}\` as a !!${short}`);
    }
    default:
      // any other tag (`!foo`, `!`, `!!set`): go-yaml keeps the text as it is
      return STR(s);
  }
}

/** resolve() for a scalar that is not plain: the same table, `<<` and timestamps included. */
function resolveAny(s: string): GoScalar {
  return resolvePlain(s);
}

function decodeBinary(s: string): string {
  const clean = s.replace(/[\s]/g, '');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(clean) || clean.length % 4 !== 0)
    throw new Error('!!binary value contains invalid base64 data');
  return Buffer.from(clean, 'base64').toString('utf8');
}

/** go-yaml's timestamp formats start with four digits and a dash; the rest is time.Parse's business. */
function isTimestamp(s: string): boolean {
  return /^[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?)?$/.test(
    s,
  );
}

/** strconv.ParseInt(s, 0, 64) (`signed`) or ParseUint(s, 0, 64); undefined where Go gives an error. */
function parseGoInt(s: string, signed: boolean): bigint | undefined {
  let neg = false;
  let body = s;
  if (signed && (body[0] === '+' || body[0] === '-')) {
    neg = body[0] === '-';
    body = body.slice(1);
  }
  if (body === '') return undefined;
  let base = 10;
  if (body[0] === '0') {
    const p = body[1]?.toLowerCase();
    if (body.length >= 3 && p === 'b') {
      base = 2;
      body = body.slice(2);
    } else if (body.length >= 3 && p === 'o') {
      base = 8;
      body = body.slice(2);
    } else if (body.length >= 3 && p === 'x') {
      base = 16;
      body = body.slice(2);
    } else {
      base = 8;
      body = body.slice(1);
    }
  }
  const n = digits(body, base);
  if (n === undefined || n > UINT64_MAX) return undefined;
  if (!signed) return n;
  if (neg ? n > INT64_MAX + 1n : n > INT64_MAX) return undefined;
  return neg ? -n : n;
}

/** strconv.ParseInt(s, base, 64) / ParseUint for an explicit base (no prefix). */
function parseGoIntBase(s: string, base: number, signed: boolean): bigint | undefined {
  let neg = false;
  let body = s;
  if (signed && (body[0] === '+' || body[0] === '-')) {
    neg = body[0] === '-';
    body = body.slice(1);
  }
  if (body === '') return undefined;
  const n = digits(body, base);
  if (n === undefined || n > UINT64_MAX) return undefined;
  if (!signed) return n;
  if (neg ? n > INT64_MAX + 1n : n > INT64_MAX) return undefined;
  return neg ? -n : n;
}

const DIGIT_RE: Record<number, RegExp> = { 2: /^[01]*$/, 8: /^[0-7]*$/, 10: /^[0-9]*$/, 16: /^[0-9a-fA-F]*$/ };
const PREFIX: Record<number, string> = { 2: '0b', 8: '0o', 10: '', 16: '0x' };

function digits(body: string, base: number): bigint | undefined {
  if (!(DIGIT_RE[base] as RegExp).test(body)) return undefined;
  if (body === '') return 0n;
  return BigInt(`${PREFIX[base]}${body}`);
}

/**
 * strconv.ParseFloat(s, 64) for a string that starts with `.` (go-yaml's `.`
 * hint): decimal only, underscores only between digits; out of range is an
 * error (the scalar then stays a string).
 */
function parseGoFloat(s: string): number | undefined {
  if (!/^\.[0-9_]+(?:[eE][-+]?[0-9_]+)?$/.test(s) || !underscoresOk(s)) return undefined;
  const f = Number(s.replaceAll('_', ''));
  return Number.isFinite(f) ? f : undefined;
}

/** Go's underscoreOK: an underscore only between digits. */
function underscoresOk(s: string): boolean {
  let saw = '^';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i] as string;
    if (ch >= '0' && ch <= '9') {
      saw = '0';
      continue;
    }
    if (ch === '_') {
      if (saw !== '0') return false;
      saw = '_';
      continue;
    }
    if (saw === '_') return false;
    saw = '!';
  }
  return saw !== '_';
}

/** How sigs.k8s.io/yaml turns a non-string map key into a JSON object key; throws where it refuses. */
export function goKeyString(k: GoScalar | { tag: 'collection' }): string {
  switch (k.tag) {
    case 'str':
    case 'timestamp':
    case 'binary':
    case 'merge':
      return k.value as string;
    case 'bool':
      return k.value ? 'true' : 'false';
    case 'int':
      if (k.uint64) throw new Error(`unsupported map key of type: uint64, key: ${k.digits ?? String(k.value)}`);
      return k.digits ?? String(k.value);
    case 'float':
      return formatFloat32(k.value as number);
    case 'null':
      return (() => {
        throw new Error('unsupported map key of type: <nil>');
      })();
    default:
      throw new Error('invalid map key: a mapping or sequence');
  }
}

/** strconv.FormatFloat(f, 'g', -1, 32) with go-yaml's spellings of the specials. */
export function formatFloat32(f: number): string {
  if (Number.isNaN(f)) return '.nan';
  if (f === Number.POSITIVE_INFINITY) return '.inf';
  if (f === Number.NEGATIVE_INFINITY) return '-.inf';
  const v = Math.fround(f);
  if (!Number.isFinite(v)) return v > 0 ? '.inf' : '-.inf';
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  // shortest digits that give the same float32
  let e = '';
  for (let p = 1; p <= 9; p++) {
    e = v.toExponential(p - 1);
    if (Math.fround(Number(e)) === v) break;
  }
  const [mant, expText] = e.split('e') as [string, string];
  const exp = Number(expText);
  const neg = mant.startsWith('-');
  const digitsOnly = mant.replace('-', '').replace('.', '');
  if (exp < -4 || exp >= 21 || exp >= 6) {
    const m = digitsOnly.length > 1 ? `${digitsOnly[0]}.${digitsOnly.slice(1)}` : digitsOnly;
    const ex = `${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
    return `${neg ? '-' : ''}${m}e${ex}`;
  }
  let out: string;
  if (exp >= 0) {
    const intPart = digitsOnly.slice(0, exp + 1).padEnd(exp + 1, '0');
    const frac = digitsOnly.slice(exp + 1);
    out = frac ? `${intPart}.${frac}` : intPart;
  } else {
    out = `0.${'0'.repeat(-exp - 1)}${digitsOnly}`;
  }
  return `${neg ? '-' : ''}${out}`;
}

// --- the js-yaml schema of the fast path ------------------------------------

/** js-yaml calls every implicit type's resolve with the same text in turn: resolve it once. */
let lastText: string | undefined;
let lastScalar: GoScalar | undefined;
function cached(s: string): GoScalar | undefined {
  if (s !== lastText) {
    lastScalar = resolveNonString(s);
    lastText = s;
  }
  return lastScalar;
}

/**
 * What a js-yaml parse met that the caller must look at: floats, nulls and
 * ints beyond 2^53 (js-yaml spells such map keys otherwise than Go), values
 * JSON cannot carry (`.inf`, `.nan`).
 */
export const parseFlags = { keysMayDiffer: false, notJson: undefined as string | undefined };

/** @param keysMayDiffer already known (a collection inside a flow collection may be a key) */
export function resetParseFlags(keysMayDiffer = false): void {
  parseFlags.keysMayDiffer = keysMayDiffer;
  parseFlags.notJson = undefined;
}

function scalarType(tag: 'null' | 'bool' | 'int' | 'float'): jsYaml.Type {
  return new jsYaml.Type(`${LONG}${tag}`, {
    kind: 'scalar',
    resolve: (data: string | null) => {
      if (data === null) return tag === 'null';
      const r = cached(data);
      return r !== undefined && (r.tag === tag || (tag === 'float' && r.tag === 'int'));
    },
    construct: (data: string | null) => {
      if (data === null) return null;
      const r = cached(data) as GoScalar;
      if (tag === 'null' || tag === 'float' || (r.tag === 'int' && !Number.isSafeInteger(r.value)))
        parseFlags.keysMayDiffer = true;
      if (typeof r.value === 'number' && !Number.isFinite(r.value)) parseFlags.notJson ??= data;
      return r.value;
    },
  });
}

/**
 * js-yaml with go-yaml v2's resolver: failsafe collections and strings, and
 * null, bool, int and float exactly as kubectl reads them. No merge type and
 * no timestamps: documents with `<<` keys go through the exact composer, and
 * timestamps stay strings as they do in kubectl.
 */
export const GO_YAML_SCHEMA = jsYaml.FAILSAFE_SCHEMA.extend({
  implicit: [scalarType('null'), scalarType('bool'), scalarType('int'), scalarType('float')],
});
