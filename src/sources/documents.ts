import jsYaml from 'js-yaml';
import { parseDocument } from 'yaml';

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

// Kubernetes YAML: the core schema plus merge keys; timestamps stay strings.
const SCHEMA = jsYaml.CORE_SCHEMA.extend([(jsYaml as unknown as { types: { merge: jsYaml.Type } }).types.merge]);
// An alias (`*name`) anywhere: such documents go through `yaml`, which bounds alias expansion.
const ALIAS = /(?:^|[\s[{,:-])\*[^\s,[\]{}]/m;
/** Documents with more alias expansions than this are refused (billion laughs). */
export const MAX_ALIAS_COUNT = 100;

/** Parse one document: fast with js-yaml, exact errors with positions, aliases bounded. */
export function parseRawDocument(doc: RawDocument): ParsedDocument {
  if (!hasContent(doc.text)) return { $case: 'empty', doc };
  if (doc.text.includes('*') && ALIAS.test(doc.text)) return parseWithYaml(doc);
  try {
    const value = jsYaml.load(doc.text, { schema: SCHEMA });
    if (value === null || value === undefined) return { $case: 'empty', doc };
    return { $case: 'value', doc, value, duplicateKeys: [] };
  } catch (err) {
    const problem = problemFrom(err, doc);
    if (problem.code === 'duplicate-key') {
      // Report it, then read the document as the API server would (last key wins).
      const dups = collectDuplicates(doc);
      try {
        const value = jsYaml.load(doc.text, { schema: SCHEMA, json: true });
        return { $case: 'value', doc, value, duplicateKeys: dups.length ? dups : [problem] };
      } catch (err2) {
        return { $case: 'error', doc, problem: problemFrom(err2, doc) };
      }
    }
    // eemeli/yaml points at the cause (an opening quote), js-yaml where it noticed
    return { $case: 'error', doc, problem: yamlError(doc) ?? problem };
  }
}

function yamlError(doc: RawDocument): Problem | undefined {
  const e = parseDocument(doc.text, { uniqueKeys: false }).errors[0];
  const lp = e?.linePos?.[0];
  if (!e || !lp) return undefined;
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

function parseWithYaml(doc: RawDocument): ParsedDocument {
  const d = parseDocument(doc.text, { uniqueKeys: false, prettyErrors: true, merge: true });
  const first = d.errors[0];
  if (first) {
    const lp = first.linePos?.[0];
    return {
      $case: 'error',
      doc,
      problem: {
        code: 'invalid-yaml',
        message: firstLine(first.message),
        line: (lp?.line ?? 1) + doc.lineOffset,
        column: lp?.col ?? 1,
      },
    };
  }
  try {
    const value = d.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    if (value === null || value === undefined) return { $case: 'empty', doc };
    return { $case: 'value', doc, value, duplicateKeys: [] };
  } catch (err) {
    return {
      $case: 'error',
      doc,
      problem: {
        code: 'invalid-yaml',
        message: `${err instanceof Error ? err.message : String(err)} (alias expansion is limited to ${MAX_ALIAS_COUNT})`,
        line: doc.lineOffset + 1,
        column: 1,
      },
    };
  }
}
