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
    const itemKind = v.kind === 'List' ? undefined : v.kind.slice(0, -'List'.length);
    v.items.forEach((item, i) => {
      const path = `${prefix}/items/${i}`;
      if (isKindless(item)) {
        if (itemKind === undefined) {
          const at = positions().positionOf(path);
          out.problems.push(
            inputProblem(
              'list-item-without-kind',
              `item ${i} of a List has no apiVersion/kind, so it cannot be judged (a typed list such as PodList names its items' kind)`,
              opts.file,
              at,
            ),
          );
          return;
        }
        // A typed list as the API serves it (`kubectl get pods -o json`, np-guard's
        // inputs): items carry neither apiVersion nor kind; the list names both.
        item = withKind(item, itemKind, v.apiVersion);
      }
      addValue(item, path, docIndex, positions, opts, out);
    });
    return;
  }
  const source = lazySource(opts.file, docIndex, prefix, positions);
  const obj = toKubeObject(v, source, opts.scope);
  if (obj) out.objects.push(obj);
  else out.skippedDocuments++;
}

/** A mapping that does not say what it is (no kind); items of typed lists look like this. */
function isKindless(item: unknown): item is Record<string, unknown> {
  return (
    !!item && typeof item === 'object' && !Array.isArray(item) && typeof (item as { kind?: unknown }).kind !== 'string'
  );
}

/** The item with the kind its typed list names and the list's apiVersion when it has none. */
function withKind(item: Record<string, unknown>, kind: string, listApiVersion: unknown): Record<string, unknown> {
  const apiVersion = typeof item.apiVersion === 'string' ? item.apiVersion : listApiVersion;
  return typeof apiVersion === 'string' ? { ...item, apiVersion, kind } : { ...item, kind };
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
  ruleId:
    | 'invalid-yaml'
    | 'duplicate-key'
    | 'file-skipped'
    | 'render-failed'
    | 'list-item-without-kind'
    | 'library-chart-skipped',
  message: string,
  file: string,
  pos?: { line: number; column: number },
): Finding {
  // a file kubeprint could not read is a file it could not judge: the gate fails closed (high)
  const severity = ruleId === 'library-chart-skipped' ? 'info' : ruleId === 'duplicate-key' ? 'medium' : 'high';
  const f: Finding = { ruleId, severity, category: 'governance', message, source: { file } };
  if (pos && f.source) {
    f.source.line = pos.line;
    f.source.column = pos.column;
  }
  return f;
}
