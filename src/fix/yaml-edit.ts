import { type Document, isAlias, isMap, isScalar, isSeq, type Node, stringify, type YAMLMap, type YAMLSeq } from 'yaml';
import { parsedDocuments } from './parsed.js';

/** An edit on one YAML document, its path already resolved to that document's keys and indices. */
export type DocEdit =
  | { op: 'set'; segs: ReadonlyArray<string | number>; value: unknown }
  | { op: 'delete'; segs: ReadonlyArray<string | number> };

export type EditOutcome = { ok: true; text: string; changed: boolean } | { ok: false; reason: string };

/**
 * Apply one edit to document `docIndex` of a YAML text by splicing the text:
 * the yaml library's Document API finds the nodes and their ranges, and only
 * the bytes of the edited node (or the lines inserted for a new key) change;
 * comments, quoting, key order, anchors and the other documents stay as
 * they were. New keys are written in the style of the map they join (block
 * keys at its indentation, flow maps inline).
 */
export function applyDocEdit(text: string, docIndex: number, edit: DocEdit): EditOutcome {
  const doc = parsedDocuments(text)[docIndex];
  if (!doc) return { ok: false, reason: `no YAML document ${docIndex + 1}` };
  if (doc.errors.length > 0)
    return { ok: false, reason: `the YAML document does not parse: ${doc.errors[0]?.message.split('\n')[0]}` };
  let node: unknown = doc.contents;
  let i = 0;
  for (; i < edit.segs.length; i++) {
    if (isAlias(node)) return { ok: false, reason: 'the value comes from a YAML anchor shared by other places' };
    const seg = edit.segs[i] as string | number;
    if (isMap(node)) {
      const pair = node.items.find((p) => keyOf(p.key) === String(seg));
      if (!pair) break;
      if (i === edit.segs.length - 1) return finish(text, doc, node, pair.value, edit);
      if (edit.op === 'set' && isScalar(pair.value) && pair.value.value === null && !pair.value.anchor) {
        // `securityContext:` or `securityContext: null`: the value becomes the map the edit needs
        let value: unknown = edit.value;
        for (let j = edit.segs.length - 1; j > i; j--) value = { [String(edit.segs[j])]: value };
        return replaceNull(text, pair.value, value);
      }
      node = pair.value;
    } else if (isSeq(node) && seg === '-' && i === edit.segs.length - 1) {
      if (edit.op === 'delete') return { ok: false, reason: 'nothing to delete at the end of a list' };
      return appendItem(text, node, edit.value, indentStep(doc, text));
    } else if (isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg];
      if (item === undefined) return { ok: false, reason: `no item ${seg} in the list` };
      if (i === edit.segs.length - 1) {
        if (edit.op === 'delete') return { ok: false, reason: 'deleting a list item is not supported' };
        return replaceNode(text, doc, item as Node, edit.value);
      }
      node = item;
    } else {
      return { ok: false, reason: `the value at ${edit.segs.slice(0, i).join('.') || 'the root'} is not a map` };
    }
  }
  if (edit.op === 'delete') return { ok: true, text, changed: false };
  if (isAlias(node)) return { ok: false, reason: 'the value comes from a YAML anchor shared by other places' };
  if (!isMap(node)) return { ok: false, reason: `the value at ${edit.segs.slice(0, i).join('.')} is not a map` };
  // build the missing part from the inside out: {a: {b: value}}
  let value: unknown = edit.value;
  for (let j = edit.segs.length - 1; j > i; j--) value = { [String(edit.segs[j])]: value };
  return insertKey(text, doc, node, String(edit.segs[i]), value);
}

function keyOf(k: unknown): string | undefined {
  if (isScalar(k)) return String(k.value);
  return typeof k === 'string' ? k : undefined;
}

function finish(text: string, doc: Document, map: YAMLMap, value: unknown, edit: DocEdit): EditOutcome {
  if (isAlias(value)) return { ok: false, reason: 'the value comes from a YAML anchor shared by other places' };
  if (edit.op === 'delete') return deleteKey(text, map, edit.segs[edit.segs.length - 1] as string);
  if (value === null || value === undefined) return { ok: false, reason: 'the key has no value node to replace' };
  return replaceNode(text, doc, value as Node, edit.value);
}

function replaceNode(text: string, doc: Document, node: Node, value: unknown): EditOutcome {
  if (!node.range) return { ok: false, reason: 'the node has no position' };
  if (equalJson(node.toJSON(), value)) return { ok: true, text, changed: false };
  if (node.anchor) return { ok: false, reason: `the value is the anchor &${node.anchor}, shared by other places` };
  const [start, end] = node.range;
  const flow = isScalar(node) || ((isMap(node) || isSeq(node)) && node.flow === true);
  if (flow || value === null || typeof value !== 'object') {
    const flowText = flowOf(value, isScalar(node) ? node : undefined);
    return { ok: true, text: text.slice(0, start) + flowText + text.slice(end), changed: true };
  }
  // a block collection: same indentation, ending where the old one ended (after its newline)
  const col = start - lineStart(text, start);
  const body = blockOf(value, indentStep(doc, text), sequenceIndented(text))
    .map((l, k) => (k === 0 ? l : ' '.repeat(col) + l))
    .join('\n');
  const tail = text[end - 1] === '\n' ? '\n' : '';
  return { ok: true, text: text.slice(0, start) + body + tail + text.slice(end), changed: true };
}

/** Add an item at the end of a list: a new `- ` line at the items' indentation, or `, item` in a flow list. */
function appendItem(text: string, seq: YAMLSeq, value: unknown, step: number): EditOutcome {
  if (!seq.range) return { ok: false, reason: 'the list has no position' };
  if (seq.flow) {
    const close = text.lastIndexOf(']', seq.range[1]);
    if (close < seq.range[0]) return { ok: false, reason: 'cannot find the end of the flow list' };
    const inner = text.slice(seq.range[0] + 1, close);
    const after = seq.range[0] + 1 + inner.trimEnd().length;
    const item = flowOf(value);
    return {
      ok: true,
      text:
        inner.trim() === ''
          ? text.slice(0, seq.range[0] + 1) + item + text.slice(close)
          : `${text.slice(0, after)}, ${item}${text.slice(after)}`,
      changed: true,
    };
  }
  const first = seq.items[0] as Node | undefined;
  if (!first?.range) return { ok: false, reason: 'an empty block list' };
  const lead = text.slice(lineStart(text, first.range[0]), first.range[0]);
  const m = /^( *)- +$/.exec(lead);
  if (!m) return { ok: false, reason: 'the list items are not laid out one per line' };
  const dash = (m[1] as string).length;
  const lines = blockOf(value, step, sequenceIndented(text)).map((l, k) =>
    k === 0 ? `${' '.repeat(dash)}- ${l}` : `${' '.repeat(dash + 2)}${l}`,
  );
  let at = seq.range[1];
  let prefix = '';
  if (at > 0 && text[at - 1] !== '\n') {
    const nl = text.indexOf('\n', at);
    if (nl < 0) {
      at = text.length;
      prefix = '\n';
    } else at = nl + 1;
  }
  return { ok: true, text: `${text.slice(0, at)}${prefix}${lines.join('\n')}\n${text.slice(at)}`, changed: true };
}

function replaceNull(text: string, node: Node, value: unknown): EditOutcome {
  if (!node.range) return { ok: false, reason: 'the node has no position' };
  const [start, end] = node.range;
  const flow = flowOf(value);
  const space = start > 0 && text[start - 1] === ':' ? ' ' : '';
  return { ok: true, text: `${text.slice(0, start)}${space}${flow}${text.slice(end)}`, changed: true };
}

function insertKey(text: string, doc: Document, map: YAMLMap, key: string, value: unknown): EditOutcome {
  if (!map.range) return { ok: false, reason: 'the map has no position' };
  if (map.flow) {
    const close = text.lastIndexOf('}', map.range[1]);
    if (close < map.range[0]) return { ok: false, reason: 'cannot find the end of the flow map' };
    const inner = text.slice(map.range[0] + 1, close);
    const entry = `${flowKey(key)}: ${flowOf(value)}`;
    const after = map.range[0] + 1 + inner.trimEnd().length;
    const out =
      inner.trim() === ''
        ? text.slice(0, map.range[0] + 1) + entry + text.slice(close)
        : `${text.slice(0, after)}, ${entry}${text.slice(after)}`;
    return { ok: true, text: out, changed: true };
  }
  const first = map.items[0]?.key as Node | undefined;
  if (!first?.range) return { ok: false, reason: 'an empty block map' };
  const col = first.range[0] - lineStart(text, first.range[0]);
  const step = indentStep(doc, text);
  const lines = blockOf({ [key]: value }, step, sequenceIndented(text)).map((l) => ' '.repeat(col) + l);
  let at = map.range[1];
  let prefix = '';
  if (at > 0 && text[at - 1] !== '\n') {
    // the map ends where the file ends, without a newline: end its line first
    const nl = text.indexOf('\n', at);
    if (nl < 0) {
      at = text.length;
      prefix = '\n';
    } else at = nl + 1;
  }
  // comment lines indented as the map's keys (a commented-out key, a note) stay with the key above them
  const commentLine = new RegExp(`^ {${col}} *#[^\\n]*(\\n|$)`);
  for (
    let m = commentLine.exec(text.slice(at));
    prefix === '' && m && m[0] !== '';
    m = commentLine.exec(text.slice(at))
  ) {
    at += m[0].length;
    if (m[1] === '') prefix = '\n';
  }
  return { ok: true, text: `${text.slice(0, at)}${prefix}${lines.join('\n')}\n${text.slice(at)}`, changed: true };
}

function deleteKey(text: string, map: YAMLMap, key: string): EditOutcome {
  const idx = map.items.findIndex((p) => keyOf(p.key) === key);
  const pair = map.items[idx];
  const k = pair?.key as Node | undefined;
  if (!pair || !k?.range) return { ok: true, text, changed: false };
  if (map.flow) return { ok: false, reason: 'deleting from a flow map is not supported' };
  const next = map.items[idx + 1]?.key as Node | undefined;
  const start = lineStart(text, k.range[0]);
  const end = next?.range ? lineStart(text, next.range[0]) : (map.range?.[1] ?? text.length);
  return { ok: true, text: text.slice(0, start) + text.slice(end), changed: true };
}

function lineStart(text: string, pos: number): number {
  return text.lastIndexOf('\n', pos - 1) + 1;
}

/** The document's indentation step: the smallest indentation of a nested key (2 when none). */
function indentStep(_doc: Document, text: string): number {
  let best = 0;
  for (const m of text.matchAll(/^( +)[^\s#-]/gm)) {
    const n = (m[1] as string).length;
    if (n > 0 && (best === 0 || n < best)) best = n;
  }
  return best || 2;
}

/** Whether block sequences are indented under their key (`key:\n  - a`), as most of the file does. */
function sequenceIndented(text: string): boolean {
  let indented = 0;
  let flush = 0;
  for (const m of text.matchAll(/^( *)[^\s#][^\n]*:\s*\n( *)- /gm)) {
    if ((m[2] as string).length > (m[1] as string).length) indented++;
    else flush++;
  }
  return indented >= flush && indented > 0;
}

function blockOf(value: unknown, indent: number, indentSeq: boolean): string[] {
  const out = stringify(value, { indent, indentSeq, lineWidth: 0, flowCollectionPadding: false });
  return out.replace(/\n$/, '').split('\n');
}

function flowOf(value: unknown, like?: { type?: string }): string {
  if (typeof value === 'string' && like?.type === 'QUOTE_DOUBLE') return JSON.stringify(value);
  if (typeof value === 'string' && like?.type === 'QUOTE_SINGLE' && !value.includes("'")) return `'${value}'`;
  if (value !== null && typeof value === 'object') {
    const doc = stringify(value, { lineWidth: 0, flowCollectionPadding: false, collectionStyle: 'flow' });
    return doc.trim();
  }
  return stringify(value, { lineWidth: 0 }).trim();
}

function flowKey(key: string): string {
  return stringify(key).trim();
}

function equalJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
