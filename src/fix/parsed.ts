import { type Document, parseAllDocuments } from 'yaml';

/**
 * Parsed YAML streams by text, for the few texts a fix run reads again and
 * again (one parse per file state instead of one per edit and finding). The
 * documents are read-only: edits splice the text and parse the new text.
 */
const cache = new Map<string, { docs: Document.Parsed[]; js: Map<number, unknown> }>();
const MAX = 32;

function entry(text: string): { docs: Document.Parsed[]; js: Map<number, unknown> } {
  let e = cache.get(text);
  if (e) {
    // most recently used last
    cache.delete(text);
    cache.set(text, e);
    return e;
  }
  const parsed = parseAllDocuments(text);
  e = { docs: Array.isArray(parsed) ? parsed : [], js: new Map() };
  cache.set(text, e);
  if (cache.size > MAX) cache.delete(cache.keys().next().value as string);
  return e;
}

/** The documents of a YAML stream (none when it is not one). */
export function parsedDocuments(text: string): readonly Document.Parsed[] {
  return entry(text).docs;
}

/** Document `i` as plain JSON, or undefined when there is none or it cannot be converted. */
export function documentJS(text: string, i: number): unknown {
  const e = entry(text);
  if (e.js.has(i)) return e.js.get(i);
  let js: unknown;
  try {
    js = e.docs[i]?.toJS({ maxAliasCount: -1 });
  } catch {
    js = undefined;
  }
  e.js.set(i, js);
  return js;
}
