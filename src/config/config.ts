import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type Document, isMap, isNode, isScalar, LineCounter, parseDocument } from 'yaml';
import { KubeprintError } from '../errors.js';
import { type Config, configSchema, type Exemption } from './schema.js';

export type { Config, Exemption } from './schema.js';

export const CONFIG_FILE_NAMES = ['.kubeprint.yaml', '.kubeprint.yml'];

/** A validated configuration and where it came from (for findings that point into it). */
export interface LoadedConfig {
  config: Config;
  /** The file as the user named it, or undefined for the defaults. */
  file: string | undefined;
  /** 1-based line of each exemption in the file, by index. */
  exemptionLines: number[];
}

export const DEFAULT_CONFIG: LoadedConfig = { config: {}, file: undefined, exemptionLines: [] };

export interface ConfigCheckOptions {
  /**
   * Every rule id kubeprint can report (`RULE_CATALOGUE`). When given, a rule
   * id the config names (a `rules:` key, an exemption's `rules:` entry) that
   * is not among them is an error with its line. Passed in rather than
   * imported: the rules depend on the config's types, not the other way round.
   */
  ruleIds?: Iterable<string>;
}

/**
 * Load `.kubeprint.yaml`: the named file, or the one in the working directory
 * when there is one. Errors name the file and the line of the offending field.
 *
 * @throws KubeprintError CONFIG_UNREADABLE, CONFIG_INVALID
 */
export function loadConfig(cwd: string, explicit?: string, opts: ConfigCheckOptions = {}): LoadedConfig {
  let file = explicit;
  if (!file) {
    file = CONFIG_FILE_NAMES.find((n) => existsSync(resolve(cwd, n)));
    if (!file) return DEFAULT_CONFIG;
  }
  let text: string;
  try {
    text = readFileSync(resolve(cwd, file), 'utf8');
  } catch (err) {
    throw new KubeprintError('CONFIG_UNREADABLE', `${file}: cannot read the config file`, { cause: err });
  }
  return parseConfig(text, file, opts);
}

/**
 * Validate config text; `file` is used in messages, which read
 * `file:line: field: what is wrong` (`k.yaml:4: rules.image-tag-lates: unknown rule id ...`).
 *
 * @throws KubeprintError CONFIG_INVALID
 */
export function parseConfig(text: string, file: string, opts: ConfigCheckOptions = {}): LoadedConfig {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, uniqueKeys: true, prettyErrors: false });
  const lineOf = (offset: number | undefined) => (offset === undefined ? 1 : counter.linePos(offset).line);
  const invalid = (line: number, path: readonly PathKey[], what: string) =>
    new KubeprintError('CONFIG_INVALID', `${file}:${line}: ${path.length ? `${pathText(path)}: ` : ''}${what}`);
  const firstError = doc.errors[0];
  if (firstError) {
    throw new KubeprintError(
      'CONFIG_INVALID',
      `${file}:${lineOf(firstError.pos[0])}: ${firstError.message.split('\n')[0]}`,
    );
  }
  const value = doc.toJS({ maxAliasCount: 100 }) ?? {};
  const parsed = configSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0] as Issue | undefined;
    const found = issue ? explainIssue(issue, value) : { path: [], what: 'invalid' };
    throw invalid(lineAt(doc, found.path, found.key, lineOf), found.path, found.what);
  }
  if (opts.ruleIds) {
    const known = opts.ruleIds instanceof Set ? (opts.ruleIds as ReadonlySet<string>) : new Set(opts.ruleIds);
    const unknown = (id: string) =>
      `unknown rule id ${JSON.stringify(id)}${suggestion(id, known)}; \`kubeprint rules\` lists every rule`;
    for (const id of Object.keys(parsed.data.rules ?? {}))
      if (!known.has(id)) throw invalid(lineAt(doc, ['rules'], id, lineOf), ['rules'], unknown(id));
    for (const [i, ex] of (parsed.data.exemptions ?? []).entries())
      for (const [j, id] of ex.rules.entries())
        if (id !== '*' && !known.has(id)) {
          const path = ['exemptions', i, 'rules', j];
          throw invalid(lineAt(doc, path, undefined, lineOf), path, unknown(id));
        }
  }
  const exemptionLines: number[] = [];
  (parsed.data.exemptions ?? []).forEach((_e: Exemption, i: number) => {
    const node = doc.getIn(['exemptions', i], true);
    exemptionLines.push(isNode(node) && node.range ? lineOf(node.range[0]) : 1);
  });
  return { config: parsed.data, file, exemptionLines };
}

type PathKey = string | number;

/** The parts of a zod issue the messages read (zod's own messages name types, not values). */
interface Issue {
  code: string;
  path: PathKey[];
  message: string;
  expected?: string;
  received?: string;
  values?: unknown[];
  keys?: string[];
  origin?: string;
  minimum?: number | bigint;
  maximum?: number | bigint;
  inclusive?: boolean;
  format?: string;
  issues?: Issue[];
  errors?: Issue[][];
}

const NOUN: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'a mapping',
  never: 'nothing',
};

/** Where an issue is (path, and for an unknown key the key itself) and what is wrong, in words about the value. */
function explainIssue(issue: Issue, input: unknown): { path: PathKey[]; key?: string; what: string } {
  const path = issue.path;
  const actual = valueAt(input, path);
  switch (issue.code) {
    case 'invalid_type': {
      if (actual === undefined) return { path, what: 'is required' };
      const want = NOUN[issue.expected ?? ''] ?? issue.expected ?? 'something else';
      const finite = typeof actual === 'number' && !Number.isFinite(actual) && issue.expected === 'number';
      return { path, what: `must be ${finite ? 'a finite number' : want}, not ${shown(actual)}` };
    }
    case 'invalid_value': {
      const values = (issue.values ?? []).map((v) => JSON.stringify(v));
      const want = values.length === 1 ? values[0] : `one of ${values.join(', ')}`;
      return { path, what: `must be ${want}, not ${shown(actual)}` };
    }
    case 'too_small':
    case 'too_big': {
      const bound = Number(issue.code === 'too_small' ? issue.minimum : issue.maximum);
      const small = issue.code === 'too_small';
      if (issue.origin === 'array' || issue.origin === 'set')
        return {
          path,
          what: `needs ${small ? 'at least' : 'at most'} ${bound} ${bound === 1 ? 'entry' : 'entries'}`,
        };
      if (issue.origin === 'string')
        return {
          path,
          what:
            small && bound <= 1 ? 'must not be empty' : `must be ${small ? 'at least' : 'at most'} ${bound} characters`,
        };
      const rel = small ? (issue.inclusive ? 'at least' : 'greater than') : issue.inclusive ? 'at most' : 'less than';
      return { path, what: `must be ${rel} ${bound}, not ${shown(actual)}` };
    }
    case 'unrecognized_keys': {
      const keys = issue.keys ?? [];
      const first = keys[0] ?? '';
      const known = Object.keys(shapeAt(path) ?? {});
      return {
        path,
        key: first,
        what: `unknown key${keys.length === 1 ? '' : 's'} ${keys.map((k) => JSON.stringify(k)).join(', ')}${suggestion(first, new Set(known))}`,
      };
    }
    case 'invalid_key': {
      // a record key outside its enum (categories.<pillar>)
      const inner = (issue.issues ?? []).flatMap((i) => i.errors?.flat() ?? [i]).find((i) => i.values);
      const key = String(path[path.length - 1] ?? '');
      const values = (inner?.values ?? []).map(String);
      return {
        path: path.slice(0, -1),
        key,
        what: `unknown key ${JSON.stringify(key)}${values.length ? `; expected one of ${values.join(', ')}` : ''}`,
      };
    }
    case 'invalid_union': {
      // the alternative that came closest (fewest problems) says what to change
      const best = [...(issue.errors ?? [])].sort((a, b) => a.length - b.length)[0];
      const inner = best?.[0];
      if (inner) return explainIssue({ ...inner, path: [...path, ...inner.path] }, input);
      return { path, what: `is not a valid value (${shown(actual)})` };
    }
    default:
      // custom and format messages are written for people in the schema (`expires must be a date YYYY-MM-DD`)
      return { path, what: issue.message };
  }
}

/** The object shape the schema expects at a path, for suggesting a known key. */
function shapeAt(path: readonly PathKey[]): Record<string, unknown> | undefined {
  // biome-ignore lint/suspicious/noExplicitAny: walking zod's internal definitions
  let s: any = configSchema;
  for (const p of path) {
    while (s?.def?.innerType) s = s.def.innerType; // optional, default
    if (typeof p === 'number') s = s?.def?.element;
    else if (s?.def?.type === 'record') s = s.def.valueType;
    else s = s?.def?.shape?.[p];
  }
  while (s?.def?.innerType) s = s.def.innerType;
  return s?.def?.shape;
}

function valueAt(v: unknown, path: readonly PathKey[]): unknown {
  let cur = v;
  for (const p of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<PathKey, unknown>)[p];
  }
  return cur;
}

/** A value as the user wrote it, short. */
function shown(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === null) return 'null (empty)';
  if (typeof v === 'number')
    return Number.isNaN(v) ? '.nan' : v === Infinity ? '.inf' : v === -Infinity ? '-.inf' : String(v);
  if (typeof v === 'string') return JSON.stringify(v.length > 60 ? `${v.slice(0, 57)}...` : v);
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  return String(v);
}

/** `exemptions[0].rules[1]`, `rules.image-tag-latest`. */
function pathText(path: readonly PathKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

/** The line of the node at `path` (or of `key` within it), else of the deepest node that exists. */
function lineAt(
  doc: Document,
  path: readonly PathKey[],
  key: string | undefined,
  lineOf: (offset: number | undefined) => number,
): number {
  if (key !== undefined) {
    const map = path.length === 0 ? doc.contents : doc.getIn(path, true);
    if (isMap(map))
      for (const pair of map.items)
        if (isScalar(pair.key) && String(pair.key.value) === key && pair.key.range) return lineOf(pair.key.range[0]);
  }
  for (let n = path.length; n >= 0; n--) {
    const node = n === 0 ? doc.contents : doc.getIn(path.slice(0, n), true);
    if (isNode(node) && node.range) return lineOf(node.range[0]);
  }
  return 1;
}

/** `; did you mean "x"?` when a known word is close (a typo), else nothing. */
function suggestion(word: string, known: ReadonlySet<string>): string {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(word.length / 4)) + 1;
  for (const k of known) {
    const d = editDistance(word.toLowerCase(), k.toLowerCase());
    if (d < bestDistance) {
      best = k;
      bestDistance = d;
    }
  }
  return best === undefined ? '' : `; did you mean ${JSON.stringify(best)}?`;
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 8) return Number.POSITIVE_INFINITY;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++)
      cur[j] = Math.min(
        (prev[j] ?? 0) + 1,
        (cur[j - 1] ?? 0) + 1,
        (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    prev = cur;
  }
  return prev[b.length] ?? 0;
}
