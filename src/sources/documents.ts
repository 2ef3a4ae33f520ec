import jsYaml from 'js-yaml';
import { parseDocument } from 'yaml';
import { composeLikeGo, MAX_DEPTH, tooDeep } from './go-yaml-compose.js';
import { GO_YAML_SCHEMA, parseFlags, resetParseFlags } from './go-yaml-scalars.js';

/** One YAML document cut out of a file, with where it starts. */
export interface RawDocument {
  /** 0-based index among the file's documents. */
  index: number;
  /** 0-based line of the document's first line in the file. */
  lineOffset: number;
  text: string;
}

export type ParsedDocument =
  | { $case: 'value'; doc: RawDocument; value: unknown; duplicateKeys: Problem[] }
  | { $case: 'empty'; doc: RawDocument }
  | { $case: 'error'; doc: RawDocument; problem: Problem };

export interface Problem {
  code: 'invalid-yaml' | 'duplicate-key';
  message: string;
  /** 1-based line and column within the file. */
  line: number;
  column: number;
}

/**
 * Split a YAML stream into documents by its `---` and `...` markers. Markers
 * at column 0 always end a document in YAML (even inside block scalars), so
 * a line-based split is exact. Works on offsets, without splitting the text
 * into lines, since this runs over every byte of every file.
 */
export function splitDocuments(text: string): RawDocument[] {
  const docs: RawDocument[] = [];
  let docStart = 0; // offset where the current document's text starts
  let docLine = 0; // its 0-based line
  let sawMarker = false;
  let line = 0;
  let pos = 0;
  const push = (endOffset: number, prefix = '') => {
    const body = prefix + text.slice(docStart, endOffset);
    if (sawMarker || hasContent(body)) docs.push({ index: docs.length, lineOffset: docLine, text: body });
  };
  let markerPrefix = '';
  while (pos <= text.length) {
    let nl = text.indexOf('\n', pos);
    if (nl < 0) nl = text.length;
    const c = text.charCodeAt(pos);
    if (c === 45 /* - */ && text.startsWith('---', pos) && isMarkerEnd(text, pos + 3, nl)) {
      const before = markerPrefix + text.slice(docStart, pos);
      if (sawMarker || hasContent(before)) push(pos, markerPrefix);
      // content after the marker on the same line belongs to the new document; keep its columns
      markerPrefix = '   ';
      docStart = pos + 3;
      docLine = line;
      sawMarker = true;
    } else if (c === 46 /* . */ && text.startsWith('...', pos) && isMarkerEnd(text, pos + 3, nl)) {
      push(pos, markerPrefix);
      markerPrefix = '';
      docStart = nl + 1;
      docLine = line + 1;
      sawMarker = false;
    }
    pos = nl + 1;
    line++;
  }
  if (docStart < text.length || sawMarker) {
    const body = markerPrefix + text.slice(docStart);
    if (hasContent(body)) docs.push({ index: docs.length, lineOffset: docLine, text: body });
  }
  return docs;
}

function isMarkerEnd(text: string, i: number, nl: number): boolean {
  if (i >= nl) return true;
  const c = text.charCodeAt(i);
  return c === 32 || c === 9 || c === 13;
}

const CONTENT = /^[ \t]*[^\s#]/m;

function hasContent(text: string): boolean {
  return CONTENT.test(text);
}

// An alias (`*name`) or a merge key (`<<:`) anywhere: such documents are read
// by the exact composer, which expands and merges as go-yaml does and bounds
// alias expansion as it does.
const ALIAS = /(?:^|[\s[{,:-])\*[^\s,[\]{}]/m;
const MERGE = /(?:^|[\s[{,?-])<<[ \t]*(?::\s|:$|$)/m;
// A mapping or sequence as a map key (`{{value}}: x` in an unrendered template, `[a, b]: x`, `? `):
// go-yaml refuses it, js-yaml would spell it "[object Object]".
const COMPLEX_KEY = /[\]}][ \t]*:(?:[ \t]|$)|^[ \t-]*\?(?:[ \t]|$)/m;
// A collection right inside a flow collection (`{{cell}}`, `[{...}]`): a key may be a mapping there.
const NESTED_FLOW = /[[{][ \t]*[[{]/;
/** js-yaml errors that are about tags go-yaml reads (local tags, `!!binary`, `!!set`): the exact composer decides. */
const TAG_ERROR = /unknown tag|cannot resolve a node with|unacceptable node kind/;

/**
 * Parse one document as kubectl reads it (go-yaml v2's YAML 1.1 scalars, see
 * go-yaml-scalars.ts): fast with js-yaml, exactly with the composer where
 * js-yaml cannot follow Go, exact errors with positions, aliases and nesting
 * bounded.
 */
export function parseRawDocument(doc: RawDocument): ParsedDocument {
  if (!hasContent(doc.text)) return { $case: 'empty', doc };
  const deep = mayBeDeep(doc.text);
  const t = doc.text;
  if (
    (t.includes('*') && ALIAS.test(t)) ||
    (t.includes('<<') && MERGE.test(t)) ||
    ((t.includes(']') || t.includes('}') || t.includes('?')) && COMPLEX_KEY.test(t))
  )
    return parseExactly(doc);
  const nestedFlow = (t.includes('{') || t.includes('[')) && NESTED_FLOW.test(t);
  resetParseFlags(nestedFlow);
  try {
    return checked(doc, jsYaml.load(doc.text, { schema: GO_YAML_SCHEMA }), [], deep);
  } catch (err) {
    if (err instanceof RangeError) return tooDeepAt(doc);
    const problem = problemFrom(err, doc);
    if (problem.code === 'duplicate-key') {
      // Report it, then read the document as the API server would (last key wins).
      const dups = collectDuplicates(doc);
      resetParseFlags(nestedFlow);
      try {
        const value = jsYaml.load(doc.text, { schema: GO_YAML_SCHEMA, json: true });
        return checked(doc, value, dups.length ? dups : [problem], deep);
      } catch (err2) {
        if (err2 instanceof RangeError) return tooDeepAt(doc);
        return { $case: 'error', doc, problem: problemFrom(err2, doc) };
      }
    }
    if (TAG_ERROR.test(problem.message)) return parseExactly(doc);
    // eemeli/yaml points at the cause (an opening quote), js-yaml where it noticed
    return { $case: 'error', doc, problem: yamlError(doc) ?? problem };
  }
}

/** What js-yaml read, checked where it can differ from kubectl's reading. */
function checked(doc: RawDocument, value: unknown, duplicateKeys: Problem[], deep: boolean): ParsedDocument {
  // `.inf` is refused as a value but a fine key: the exact composer tells which
  if (parseFlags.notJson !== undefined) return parseExactly(doc);
  // js-yaml spells float, null and large int map keys its own way: the exact composer gives Go's
  if (parseFlags.keysMayDiffer && hasKeyGoSpellsOtherwise(value)) return parseExactly(doc);
  if (deep && depthExceeds(value, MAX_DEPTH)) return tooDeepAt(doc);
  if (value === null || value === undefined) return { $case: 'empty', doc };
  return { $case: 'value', doc, value, duplicateKeys };
}

function parseExactly(doc: RawDocument): ParsedDocument {
  const r = composeLikeGo(doc.text);
  if (!r.ok) {
    const at = lineColumnAt(doc.text, r.problem.offset);
    return {
      $case: 'error',
      doc,
      problem: { code: 'invalid-yaml', message: r.problem.message, line: at.line + doc.lineOffset, column: at.column },
    };
  }
  if (r.value === null || r.value === undefined) return { $case: 'empty', doc };
  const inf = firstNonJsonNumber(r.value);
  if (inf !== undefined) return notJson(doc, inf);
  const duplicateKeys = r.duplicates.map((d) => {
    const at = lineColumnAt(doc.text, d.offset);
    return { code: d.code, message: d.message, line: at.line + doc.lineOffset, column: at.column };
  });
  return { $case: 'value', doc, value: r.value, duplicateKeys };
}

/** `.inf` and `.nan` are floats to go-yaml, and sigs.k8s.io/yaml cannot write them as JSON: kubectl refuses the document. */
function notJson(doc: RawDocument, spelling: string): ParsedDocument {
  const token = /nan/i.test(spelling) ? /[-+]?\.(?:nan|NaN|NAN)/ : /[-+]?\.(?:inf|Inf|INF)/;
  const re = new RegExp(`(?:^|[\\s:[{,-])(${token.source})[ \\t]*(?:$|[,\\]}#])`, 'm');
  const m = re.exec(doc.text);
  const at = lineColumnAt(doc.text, m ? m.index + m[0].indexOf(m[1] as string) : 0);
  const shown = m?.[1] ?? spelling;
  return {
    $case: 'error',
    doc,
    problem: {
      code: 'invalid-yaml',
      message: `${shown} is a YAML float that JSON cannot carry; kubectl refuses the document ("json: unsupported value") — quote it if a string is meant`,
      line: at.line + doc.lineOffset,
      column: at.column,
    },
  };
}

function tooDeepAt(doc: RawDocument): ParsedDocument {
  const at = deepestLine(doc.text);
  return {
    $case: 'error',
    doc,
    problem: { code: 'invalid-yaml', message: tooDeep(), line: at + doc.lineOffset, column: 1 },
  };
}

/** 1-based line and column of an offset. */
function lineColumnAt(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

/**
 * Whether a document can nest deeper than MAX_DEPTH: block nesting needs
 * indentation (at most two levels per column: a sequence may sit at its key's
 * indent; `- - -` and `? ` count as indentation) and flow nesting needs
 * brackets, so a document with neither a line indented 150 columns nor 150
 * brackets stays below 450 levels and is not walked. Plain scans, no regular
 * expression: this looks at every line of every document.
 */
function mayBeDeep(text: string): boolean {
  let n = 0;
  for (const ch of ['[', '{']) {
    for (let i = text.indexOf(ch); i >= 0; i = text.indexOf(ch, i + 1)) if (++n >= 150) return true;
  }
  for (let start = 0; start < text.length; ) {
    const limit = start + 150;
    let i = start;
    while (i < limit) {
      const c = text.charCodeAt(i);
      if (c !== 32 && c !== 45 && c !== 63) break;
      i++;
    }
    if (i >= limit) return true;
    const nl = text.indexOf('\n', i);
    if (nl < 0) break;
    start = nl + 1;
  }
  return false;
}

function depthExceeds(value: unknown, max: number): boolean {
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length > 0) {
    const [v, d] = stack.pop() as [unknown, number];
    if (!v || typeof v !== 'object') continue;
    if (d > max) return true;
    for (const child of Array.isArray(v) ? v : Object.values(v))
      if (child && typeof child === 'object') stack.push([child, d + 1]);
  }
  return false;
}

/** The line (1-based, within the document) where nesting is deepest, by indentation and open brackets. */
function deepestLine(text: string): number {
  let best = 1;
  let bestScore = -1;
  let flow = 0;
  let line = 1;
  let lead = 0;
  let inLead = true;
  for (let i = 0; i <= text.length; i++) {
    const c = text[i];
    if (c === undefined || c === '\n') {
      const score = lead + 2 * flow;
      if (score > bestScore) {
        bestScore = score;
        best = line;
      }
      line++;
      lead = 0;
      inLead = true;
      continue;
    }
    if (inLead && (c === ' ' || c === '-' || c === '?')) lead++;
    else inLead = false;
    if (c === '[' || c === '{') flow++;
    else if ((c === ']' || c === '}') && flow > 0) flow--;
  }
  return best;
}

/**
 * A map key that js-yaml spells from a float, a null, a large int, a mapping
 * (`[object Object]`) or a sequence (`a,b`): Go spells those otherwise, or
 * refuses them.
 */
function hasKeyGoSpellsOtherwise(value: unknown): boolean {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (!v || typeof v !== 'object') continue;
    if (Array.isArray(v)) {
      for (const x of v) if (x && typeof x === 'object') stack.push(x);
      continue;
    }
    for (const [k, x] of Object.entries(v)) {
      if (k === 'null' || k === '[object Object]' || k.includes(',') || /^[-+]?(?:Infinity|NaN)$/.test(k)) return true;
      if (/^[-+]?[0-9.]/.test(k) && (k.includes('.') || k.includes('e') || k.length >= 7 || k === '0')) return true;
      if (x && typeof x === 'object') stack.push(x);
    }
  }
  return false;
}

/** The spelling of a value the exact composer read as a float JSON cannot carry, if any. */
function firstNonJsonNumber(value: unknown): string | undefined {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (typeof v === 'number' && !Number.isFinite(v)) return Number.isNaN(v) ? '.nan' : '.inf';
    if (v && typeof v === 'object') for (const x of Array.isArray(v) ? v : Object.values(v)) stack.push(x);
  }
  return undefined;
}

function yamlError(doc: RawDocument): Problem | undefined {
  const e = parseDocument(doc.text, { uniqueKeys: false }).errors[0];
  const lp = e?.linePos?.[0];
  if (!e || !lp) return undefined;
  if (/Maximum call stack size exceeded/.test(e.message))
    return { code: 'invalid-yaml', message: tooDeep(), line: lp.line + doc.lineOffset, column: lp.col };
  return { code: 'invalid-yaml', message: firstLine(e.message), line: lp.line + doc.lineOffset, column: lp.col };
}

/** The first line of a yaml error message, without its `at line N, column M:` tail. */
function firstLine(message: string): string {
  return (message.split('\n')[0] ?? message).replace(/ at line \d+, column \d+:?$/, '');
}

function problemFrom(err: unknown, doc: RawDocument): Problem {
  const e = err as { reason?: string; message?: string; mark?: { line: number; column: number } };
  const reason = e.reason ?? e.message ?? String(err);
  const line = (e.mark?.line ?? 0) + doc.lineOffset + 1;
  const column = (e.mark?.column ?? 0) + 1;
  const code = /duplicated mapping key/.test(reason) ? 'duplicate-key' : 'invalid-yaml';
  return { code, message: reason, line, column };
}

function collectDuplicates(doc: RawDocument): Problem[] {
  const d = parseDocument(doc.text, { uniqueKeys: true, prettyErrors: true });
  const out: Problem[] = [];
  for (const e of d.errors) {
    if (e.code !== 'DUPLICATE_KEY') continue;
    const lp = e.linePos?.[0];
    const lineText = doc.text.split('\n')[(lp?.line ?? 1) - 1] ?? '';
    const key = /^\s*(?:-\s+)?("[^"]*"|'[^']*'|[^:#]+?)\s*:/.exec(lineText.slice(Math.max(0, (lp?.col ?? 1) - 1)))?.[1];
    out.push({
      code: 'duplicate-key',
      message: key ? `duplicate key "${key.replace(/^["']|["']$/g, '')}"; the last value wins` : firstLine(e.message),
      line: (lp?.line ?? 1) + doc.lineOffset,
      column: lp?.col ?? 1,
    });
  }
  return out;
}
