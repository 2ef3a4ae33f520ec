import { KubeprintError } from '../../errors.js';

/**
 * A tiny, safe expression language for defrag rules, e.g.
 * `dbQuotaUsage > 0.8 || dbSize - dbSizeInUse > 200MiB`.
 * Numbers take byte units (KB, MB, GB, KiB, MiB, GiB); operators are
 * `|| && ! == != < <= > >= + - * /` and parentheses. Nothing is `eval`ed.
 */
export type RuleVars = Readonly<Record<string, number>>;
export type CompiledRule = ((vars: RuleVars) => boolean) & { readonly source: string };

/** The variables a defrag rule may use. */
export const RULE_VARIABLES = ['dbSize', 'dbSizeInUse', 'dbSizeFree', 'dbQuota', 'dbQuotaUsage'] as const;

export const DEFAULT_DEFRAG_RULE = 'dbQuotaUsage > 0.8 || dbSize - dbSizeInUse > 200MiB';

const UNITS: Record<string, number> = {
  B: 1,
  KB: 1e3,
  MB: 1e6,
  GB: 1e9,
  KIB: 1024,
  MIB: 1024 ** 2,
  GIB: 1024 ** 3,
};

type Token = { t: 'num'; v: number } | { t: 'id'; v: string } | { t: 'op'; v: string };
type Node = (vars: RuleVars) => number | boolean;

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const num = /^(\d+(?:\.\d+)?|\.\d+)([a-zA-Z]+)?/.exec(src.slice(i));
    if (num) {
      let v = Number(num[1]);
      if (num[2] !== undefined) {
        const unit = UNITS[num[2].toUpperCase()];
        if (unit === undefined) throw new KubeprintError('USAGE', `rule "${src}": unknown unit "${num[2]}"`);
        v *= unit;
      }
      out.push({ t: 'num', v });
      i += num[0].length;
      continue;
    }
    const id = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i));
    if (id) {
      out.push({ t: 'id', v: id[0] });
      i += id[0].length;
      continue;
    }
    const op = /^(\|\||&&|==|!=|<=|>=|[<>!+\-*/()])/.exec(src.slice(i));
    if (op) {
      out.push({ t: 'op', v: op[0] });
      i += op[0].length;
      continue;
    }
    throw new KubeprintError('USAGE', `rule "${src}": unexpected "${c}" at ${i + 1}`);
  }
  return out;
}

const num = (v: number | boolean): number => (typeof v === 'boolean' ? (v ? 1 : 0) : v);
const bool = (v: number | boolean): boolean => (typeof v === 'boolean' ? v : v !== 0);

/** Compile a rule; throws a USAGE error naming the problem when it does not parse. */
export function compileRule(src: string, variables: readonly string[] = RULE_VARIABLES): CompiledRule {
  const toks = tokenize(src);
  let pos = 0;
  const fail = (what: string): never => {
    throw new KubeprintError('USAGE', `rule "${src}": ${what}`);
  };
  const peek = (): Token | undefined => toks[pos];
  const isOp = (v: string): boolean => {
    const t = peek();
    return !!t && t.t === 'op' && t.v === v;
  };
  const binary = (
    next: () => Node,
    ops: Record<string, (a: number | boolean, b: number | boolean) => number | boolean>,
  ) => {
    return (): Node => {
      let left = next();
      for (;;) {
        const t = peek();
        if (t?.t !== 'op' || !(t.v in ops)) return left;
        pos++;
        const f = ops[t.v]!;
        const l = left;
        const r = next();
        left = (vars) => f(l(vars), r(vars));
      }
    };
  };
  const primary = (): Node => {
    const t = peek();
    if (!t) return fail('unexpected end');
    pos++;
    if (t.t === 'num') return () => t.v;
    if (t.t === 'id') {
      if (!variables.includes(t.v)) fail(`unknown variable "${t.v}" (known: ${variables.join(', ')})`);
      return (vars) => vars[t.v] ?? Number.NaN;
    }
    if (t.v === '(') {
      const e = orExpr();
      if (!isOp(')')) fail('missing ")"');
      pos++;
      return e;
    }
    if (t.v === '-') {
      const e = primary();
      return (vars) => -num(e(vars));
    }
    if (t.v === '!') {
      const e = primary();
      return (vars) => !bool(e(vars));
    }
    return fail(`unexpected "${t.v}"`);
  };
  const product = binary(primary, { '*': (a, b) => num(a) * num(b), '/': (a, b) => num(a) / num(b) });
  const sum = binary(product, { '+': (a, b) => num(a) + num(b), '-': (a, b) => num(a) - num(b) });
  const compare = binary(sum, {
    '>': (a, b) => num(a) > num(b),
    '>=': (a, b) => num(a) >= num(b),
    '<': (a, b) => num(a) < num(b),
    '<=': (a, b) => num(a) <= num(b),
    '==': (a, b) => num(a) === num(b),
    '!=': (a, b) => num(a) !== num(b),
  });
  const andExpr = binary(compare, { '&&': (a, b) => bool(a) && bool(b) });
  const orExpr = binary(andExpr, { '||': (a, b) => bool(a) || bool(b) });
  if (toks.length === 0) fail('empty');
  const root = orExpr();
  if (pos < toks.length) fail(`unexpected "${String(toks[pos]?.v)}"`);
  const fn = (vars: RuleVars): boolean => bool(root(vars));
  return Object.assign(fn, { source: src });
}

/** Parse a byte size with an optional unit (`2GiB`, `8589934592`). */
export function parseBytes(s: string, flag: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]+)?\s*$/.exec(s);
  const unit = m?.[2] === undefined ? 1 : UNITS[m[2].toUpperCase()];
  if (!m || unit === undefined) throw new KubeprintError('USAGE', `${flag} must be a size such as 2GiB (got "${s}")`);
  return Math.round(Number(m[1]) * unit);
}
