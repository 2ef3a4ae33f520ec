import type { Finding } from '../model/finding.js';
import { type KubeObject, type ObjectSource, type Position, toKubeObject } from '../model/kube-object.js';
import { type ParsedDocument, parseRawDocument, splitDocuments } from './documents.js';
import { PositionIndex } from './positions.js';

export interface TextReadResult {
  objects: KubeObject[];
  problems: Finding[];
  /** Documents that parsed but have no apiVersion/kind. */
  skippedDocuments: number;
}

export interface TextReadOptions {
  /** File name as shown to the user. */
  file: string;
  scope: string;
  /** Treat `{{ }}` lines as comments when resolving positions (Helm templates). */
  templatePositions?: boolean;
}

/** Turn the text of a YAML or JSON file into objects with exact positions. */
export function objectsFromText(text: string, opts: TextReadOptions): TextReadResult {
  const out: TextReadResult = { objects: [], problems: [], skippedDocuments: 0 };
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const docs = splitDocuments(text);
  for (const raw of docs) {
    const parsed: ParsedDocument = parseRawDocument(raw);
    if (parsed.$case === 'empty') continue;
    if (parsed.$case === 'error') {
      out.problems.push(inputProblem(parsed.problem.code, parsed.problem.message, opts.file, parsed.problem));
      continue;
    }
    for (const d of parsed.duplicateKeys) out.problems.push(inputProblem('duplicate-key', d.message, opts.file, d));
    let index: PositionIndex | undefined;
    const positions = () => {
      index ??= new PositionIndex(raw.text, raw.lineOffset, opts.templatePositions);
      return index;
    };
    addValue(parsed.value, '', raw.index, positions, opts, out);
  }
  return out;
}

function addValue(
  value: unknown,
  prefix: string,
  docIndex: number,
  positions: () => PositionIndex,
  opts: TextReadOptions,
  out: TextReadResult,
): void {
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    out.skippedDocuments++;
    return;
  }
  const v = value as Record<string, unknown>;
  // `kind: List` and `FooList`: every item is an object of its own.
  if (typeof v.kind === 'string' && v.kind.endsWith('List') && Array.isArray(v.items)) {
    v.items.forEach((item, i) => {
      addValue(item, `${prefix}/items/${i}`, docIndex, positions, opts, out);
    });
    return;
  }
  const source = lazySource(opts.file, docIndex, prefix, positions);
  const obj = toKubeObject(v, source, opts.scope);
  if (obj) out.objects.push(obj);
  else out.skippedDocuments++;
}

function lazySource(file: string, docIndex: number, prefix: string, positions: () => PositionIndex): ObjectSource {
  let start: Position | undefined;
  const startPos = () => {
    start ??= prefix ? positions().positionOf(prefix) : positions().start();
    return start;
  };
  return {
    file,
    docIndex,
    get line() {
      return startPos().line;
    },
    get column() {
      return startPos().column;
    },
    positionOf: (p: string) => positions().positionOf(prefix + p),
  };
}

/** A finding about the input itself (not about an object). */
export function inputProblem(
  ruleId: 'invalid-yaml' | 'duplicate-key' | 'file-skipped' | 'render-failed',
  message: string,
  file: string,
  pos?: { line: number; column: number },
): Finding {
  const severity = ruleId === 'file-skipped' ? 'info' : ruleId === 'duplicate-key' ? 'medium' : 'high';
  const f: Finding = { ruleId, severity, category: 'governance', message, source: { file } };
  if (pos && f.source) {
    f.source.line = pos.line;
    f.source.column = pos.column;
  }
  return f;
}
