/**
 * `JSON.stringify(value, null, 2)` in pieces, for reports too large to hold as
 * one string: the arrays wrapped in a JsonArray are written item by item, each
 * item made only when it is written, so a report of 100,000 findings never
 * exists whole, neither as values nor as text.
 */

/** An array that jsonChunks writes item by item. Items are plain JSON values (no JsonArray inside). */
export class JsonArray {
  constructor(readonly items: Iterable<unknown>) {}
}

/** `items` mapped one at a time, as they are read. */
export function* mapped<S, T>(items: Iterable<S>, fn: (item: S) => T): Generator<T> {
  for (const item of items) yield fn(item);
}

/** Chunks of about this many characters, so that writing them costs few calls. */
const CHUNK = 64 * 1024;

/**
 * The text of `JSON.stringify(value, null, 2)`, byte for byte, in chunks; a
 * JsonArray anywhere in `value` (plain objects and arrays only on the way
 * there, without toJSON) is written as an array of its items.
 *
 * @param indent the indentation of the line `value` starts on (for nesting)
 */
export function* jsonChunks(value: unknown, indent = ''): Generator<string> {
  if (value instanceof JsonArray) {
    const inner = `${indent}  `;
    let text = '';
    let first = true;
    for (const item of value.items) {
      // Strings never hold a raw newline in JSON, so every newline starts a line to indent.
      text += `${first ? '[\n' : ',\n'}${inner}${(JSON.stringify(item, null, 2) ?? 'null').replaceAll('\n', `\n${inner}`)}`;
      first = false;
      if (text.length >= CHUNK) {
        yield text;
        text = '';
      }
    }
    yield first ? '[]' : `${text}\n${indent}]`;
    return;
  }
  if (!holdsJsonArray(value)) {
    yield (JSON.stringify(value, null, 2) ?? 'null').replaceAll('\n', `\n${indent}`);
    return;
  }
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      yield `${i === 0 ? '[' : ','}\n${inner}`;
      yield* jsonChunks(writable(value[i]) ? value[i] : null, inner);
    }
    yield `\n${indent}]`;
    return;
  }
  let first = true;
  for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
    if (!writable(v)) continue;
    yield `${first ? '{' : ','}\n${inner}${JSON.stringify(key)}: `;
    first = false;
    yield* jsonChunks(v, inner);
  }
  yield `\n${indent}}`;
}

/** What JSON.stringify writes as a property (it leaves out the rest, and writes null for them in arrays). */
function writable(v: unknown): boolean {
  return v !== undefined && typeof v !== 'function' && typeof v !== 'symbol';
}

function holdsJsonArray(v: unknown): boolean {
  if (v instanceof JsonArray) return true;
  if (!v || typeof v !== 'object') return false;
  for (const x of Array.isArray(v) ? v : Object.values(v)) if (holdsJsonArray(x)) return true;
  return false;
}
