import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import type { Position } from '../model/kube-object.js';
import { parsePointer } from '../model/pointer.js';
import { goKeyString, resolvePlain } from './go-yaml-scalars.js';

/**
 * Finds the line and column of any JSON pointer in one YAML document.
 *
 * The fast path walks the document's lines by indentation, without building a
 * syntax tree: block-style Kubernetes YAML (nearly all of it) is resolved in
 * one cheap pass over the lines it needs. Anything it cannot follow exactly
 * (flow collections, anchors, complex keys) falls back to a full `yaml`
 * parse of that one document, done once and cached. A pointer that does not
 * exist resolves to its nearest existing ancestor.
 */
export class PositionIndex {
  private readonly lines: string[];
  private readonly indents: Int32Array;
  private tree: TreeIndex | null | undefined;
  private readonly cache = new Map<string, Position>();
  /** For templates: lines that hold only template actions (see templateOnlyLines). */
  private readonly templateOnly: Uint8Array | undefined;

  /**
   * @param text the document's text
   * @param lineOffset 0-based line of the document's first line within its file
   * @param skipTemplateLines treat `{{ ... }}`-only lines as comments (Helm templates)
   */
  constructor(
    private readonly text: string,
    private readonly lineOffset: number,
    private readonly skipTemplateLines = false,
  ) {
    this.lines = text.split('\n');
    this.indents = new Int32Array(this.lines.length);
    this.templateOnly = skipTemplateLines ? templateOnlyLines(text) : undefined;
    for (let i = 0; i < this.lines.length; i++)
      this.indents[i] = this.templateOnly?.[i] ? -1 : contentIndent(this.lines[i] as string);
  }

  /** 1-based line/column of the document's first content line. */
  start(): Position {
    for (let i = 0; i < this.lines.length; i++) {
      const ind = this.indents[i] as number;
      if (ind >= 0) return { line: i + 1 + this.lineOffset, column: ind + 1 };
    }
    return { line: this.lineOffset + 1, column: 1 };
  }

  positionOf(pointer: string): Position {
    const hit = this.cache.get(pointer);
    if (hit) return hit;
    let segs: string[];
    try {
      segs = parsePointer(pointer);
    } catch {
      return this.start();
    }
    const fast = this.fast(segs);
    let pos: Position;
    if (fast.exact || fast.missing || this.skipTemplateLines) {
      pos = fast.pos;
    } else {
      pos = this.slow(segs) ?? fast.pos;
    }
    this.cache.set(pointer, pos);
    return pos;
  }

  /**
   * In a template, where the field at `pointer` of `rendered` (an object the
   * template rendered) was written. Conditionals and loops make a rendered
   * list differ from the template's, so a list item is found by its `name`
   * (the k-th item of that name); an unnamed item by its index only when no
   * template line sits among the list's items; otherwise the answer is the
   * list itself, never another item.
   */
  templatePositionOf(pointer: string, rendered: unknown): Position {
    let segs: string[];
    try {
      segs = parsePointer(pointer);
    } catch {
      return this.start();
    }
    return this.fast(segs, { value: rendered }).pos;
  }

  /** Whether the pointer resolves exactly (not to an ancestor) on the fast path. */
  resolvesExactly(pointer: string): boolean {
    return this.fast(parsePointer(pointer)).exact;
  }

  private at(line: number, col: number): Position {
    return { line: line + 1 + this.lineOffset, column: col + 1 };
  }

  /** Walk by indentation; `exact` is false when it had to stop early. */
  fast(segs: string[], rendered?: { value: unknown }): { pos: Position; exact: boolean; missing?: boolean } {
    const first = this.firstContent(0, this.lines.length);
    if (first < 0) return { pos: this.start(), exact: segs.length === 0 };
    let node: BlockNode = { line: first, col: this.indents[first] as number, end: this.lines.length };
    let pos = this.at(node.line, node.col);
    let cur = rendered?.value;
    for (const seg of segs) {
      const lineText = this.lines[node.line] as string;
      const ch = lineText[node.col];
      // `{{` in a template is an action (a templated key or value), not a flow mapping
      const action = this.skipTemplateLines && ch === '{' && lineText[node.col + 1] === '{';
      if (!action && (ch === '{' || ch === '[' || ch === '&' || ch === '*' || ch === '!' || ch === '?'))
        return { pos, exact: false };
      let next: BlockNode | undefined;
      if (ch === '-' && isDashAt(lineText, node.col)) {
        if (!/^\d+$/.test(seg)) return { pos, exact: false };
        next = rendered ? this.templateSeqItem(node, cur, Number(seg)) : this.seqItem(node, Number(seg));
      } else {
        next = this.mapValue(node, seg);
      }
      if (rendered) cur = cur !== null && typeof cur === 'object' ? (cur as Record<string, unknown>)[seg] : undefined;
      // block style understood, the key or item is just not there: the ancestor is the answer
      if (!next) return { pos, exact: false, missing: true };
      node = next;
      pos = next.keyPos ?? this.at(node.line, node.col);
    }
    return { pos, exact: true };
  }

  private firstContent(from: number, to: number): number {
    for (let i = from; i < to; i++) if ((this.indents[i] as number) >= 0) return i;
    return -1;
  }

  /** The value of key `key` in the block mapping that starts at `node`. */
  private mapValue(node: BlockNode, key: string): BlockNode | undefined {
    const col = node.col;
    for (let l = node.line; l < node.end; l++) {
      const ind = this.indents[l] as number;
      if (ind < 0) continue;
      if (l !== node.line) {
        if (ind < col) return undefined;
        if (ind > col) continue;
      }
      const text = this.lines[l] as string;
      let after = matchKey(text, col, key);
      // `on:` is the key "true", `0x10:` the key "16": kubectl's YAML 1.1 spelling of a plain key
      if (after < 0 && GO_SPELLED_KEY.test(key)) after = matchGoKey(text, col, key);
      if (after < 0) continue;
      const keyPos = this.at(l, col);
      const end = this.entryEnd(l, col, node.end);
      const rest = skipSpaces(text, after);
      if (rest < text.length && text[rest] !== '#') {
        // inline value (scalar, flow collection, block scalar header, or a nested mapping on the same line is invalid YAML)
        return { line: l, col: rest, end: l + 1, keyPos };
      }
      const vl = this.firstContent(l + 1, end);
      if (vl < 0) return { line: l, col: col, end: l + 1, keyPos };
      return { line: vl, col: this.indents[vl] as number, end, keyPos };
    }
    return undefined;
  }

  /** Where the entry that starts on line `l` at column `col` ends. */
  private entryEnd(l: number, col: number, limit: number): number {
    for (let i = l + 1; i < limit; i++) {
      const ind = this.indents[i] as number;
      if (ind < 0) continue;
      if (ind < col) return i;
      if (ind === col) {
        // a block sequence may sit at the key's own indent: `key:\n- a`
        if (isDashAt(this.lines[i] as string, col) && !isDashAt(this.lines[l] as string, col)) continue;
        return i;
      }
    }
    return limit;
  }

  /** Item `index` of the block sequence whose first dash is at `node`. */
  private seqItem(node: BlockNode, index: number): BlockNode | undefined {
    const col = node.col;
    let seen = -1;
    for (let l = node.line; l < node.end; l++) {
      const ind = this.indents[l] as number;
      if (ind < 0) continue;
      const text = this.lines[l] as string;
      if (l !== node.line && ind < col) return undefined;
      if (ind !== col && l !== node.line) continue;
      if (!isDashAt(text, col)) {
        if (l === node.line) return undefined;
        return undefined;
      }
      seen++;
      if (seen !== index) continue;
      let end = node.end;
      for (let i = l + 1; i < node.end; i++) {
        const ii = this.indents[i] as number;
        if (ii < 0) continue;
        if (ii <= col) {
          end = i;
          break;
        }
      }
      const rest = skipSpaces(text, col + 1);
      if (rest < text.length && text[rest] !== '#') return { line: l, col: rest, end, keyPos: this.at(l, col) };
      const vl = this.firstContent(l + 1, end);
      if (vl < 0) return { line: l, col, end: l + 1, keyPos: this.at(l, col) };
      return { line: vl, col: this.indents[vl] as number, end, keyPos: this.at(l, col) };
    }
    return undefined;
  }

  /** The template's item for item `index` of the rendered list `list` (see templatePositionOf). */
  private templateSeqItem(node: BlockNode, list: unknown, index: number): BlockNode | undefined {
    const items = Array.isArray(list) ? list : [];
    const nameOf = (v: unknown) =>
      v !== null && typeof v === 'object' && typeof (v as { name?: unknown }).name === 'string'
        ? (v as { name: string }).name
        : undefined;
    const name = nameOf(items[index]);
    if (name !== undefined) {
      let occurrence = 0;
      for (let i = 0; i < index; i++) if (nameOf(items[i]) === name) occurrence++;
      for (let i = 0, item = this.seqItem(node, 0); item; item = this.seqItem(node, ++i)) {
        const v = this.mapValue(item, 'name');
        if (v && v.end === v.line + 1 && scalarText(this.lines[v.line] as string, v.col) === name && occurrence-- === 0)
          return item;
      }
    }
    // templated lines among the items (`{{- if }}` around an item, `{{- range }}`, `{{ toYaml }}`)
    // shift the indexes; one followed by an item's own fields is inside that item
    let from = node.line;
    while (from > 0 && (this.indents[from - 1] as number) < 0) from--;
    for (let l = from; l < node.end; l++) {
      const text = this.lines[l] as string;
      if (!this.templateOnly?.[l] || text.search(/\S/) > node.col || /^\s*\{\{-?\s*end\s*-?\}\}\s*$/.test(text))
        continue;
      const next = this.firstContent(l + 1, node.end);
      const ind = next < 0 ? -1 : (this.indents[next] as number);
      if (ind > node.col) continue;
      // items written before the first such line are the rendered list's first items
      const item = this.seqItem(node, index);
      return item && item.line < l ? item : undefined;
    }
    return this.seqItem(node, index);
  }

  private slow(segs: string[]): Position | undefined {
    if (this.tree === undefined) this.tree = TreeIndex.build(this.text);
    if (!this.tree) return undefined;
    const off = this.tree.offsetOf(segs);
    if (off === undefined) return undefined;
    const lp = this.tree.counter.linePos(off);
    return { line: lp.line + this.lineOffset, column: lp.col };
  }
}

interface BlockNode {
  /** line and column where the node's content starts */
  line: number;
  col: number;
  /** first line after the node */
  end: number;
  /** where a finding about this node points: its key (or dash), when it has one */
  keyPos?: Position;
}

/** Indent of a content line, or -1 for blank and comment lines. */
function contentIndent(line: string): number {
  let i = 0;
  while (i < line.length && line.charCodeAt(i) === 32) i++;
  if (i >= line.length) return -1;
  const c = line[i];
  if (c === '#' || c === '\r') return -1;
  if (c === '\t' && line.trim() === '') return -1;
  return i;
}

/**
 * Which lines of a Go template hold nothing but template actions and
 * blanks: `{{- if }}` lines, and every line of an action that spans lines
 * (a `{{- /* licence *\/}}` header, a wrapped `include`). Actions are found
 * as Go's lexer finds them: a comment ends at `*\/}}`, and `}}` inside a
 * quoted or raw string does not end an action.
 */
export function templateOnlyLines(text: string): Uint8Array {
  const out = new Uint8Array(text.split('\n').length);
  let line = 0;
  let hasAction = false;
  let hasContent = false;
  const endLine = () => {
    out[line] = hasAction && !hasContent ? 1 : 0;
    line++;
    hasAction = false;
    hasContent = false;
  };
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '\n') {
      endLine();
      i++;
    } else if (c === '{' && text[i + 1] === '{') {
      hasAction = true;
      const end = actionEnd(text, i + 2);
      for (let j = i; j < end; j++) {
        if (text[j] === '\n') {
          endLine();
          hasAction = true;
        }
      }
      i = end;
    } else {
      if (c !== ' ' && c !== '\t' && c !== '\r') hasContent = true;
      i++;
    }
  }
  out[line] = hasAction && !hasContent ? 1 : 0;
  return out;
}

/** The index just after the `}}` that closes the action whose body starts at `i` (or the text's end). */
function actionEnd(text: string, i: number): number {
  let j = i;
  if (text[j] === '-' && (text[j + 1] === ' ' || text[j + 1] === '\t' || text[j + 1] === '\n')) j++;
  while (text[j] === ' ' || text[j] === '\t' || text[j] === '\n' || text[j] === '\r') j++;
  if (text.startsWith('/*', j)) {
    const close = text.indexOf('*/', j + 2);
    if (close < 0) return text.length;
    const end = text.indexOf('}}', close + 2);
    return end < 0 ? text.length : end + 2;
  }
  while (j < text.length) {
    const c = text[j];
    if (c === '}' && text[j + 1] === '}') return j + 2;
    if (c === '"' || c === "'") {
      j++;
      while (j < text.length && text[j] !== c && text[j] !== '\n') j += text[j] === '\\' ? 2 : 1;
      j++;
    } else if (c === '`') {
      const close = text.indexOf('`', j + 1);
      j = close < 0 ? text.length : close + 1;
    } else {
      j++;
    }
  }
  return text.length;
}

/** A plain or quoted one-line scalar starting at `col`, without a trailing comment. */
function scalarText(line: string, col: number): string {
  const rest = line.slice(col).trimEnd();
  const q = rest[0];
  if ((q === '"' || q === "'") && rest.length > 1) {
    const close = rest.indexOf(q, 1);
    if (close > 0) return q === '"' ? safeJson(rest.slice(0, close + 1)) : rest.slice(1, close);
  }
  const hash = rest.search(/\s#/);
  return (hash < 0 ? rest : rest.slice(0, hash)).trimEnd();
}

function safeJson(quoted: string): string {
  try {
    return JSON.parse(quoted) as string;
  } catch {
    return quoted.slice(1, -1);
  }
}

function isDashAt(text: string, col: number): boolean {
  if (text[col] !== '-') return false;
  const n = text[col + 1];
  return n === undefined || n === ' ' || n === '\r';
}

function skipSpaces(text: string, i: number): number {
  while (i < text.length && (text[i] === ' ' || text[i] === '\r')) i++;
  return i;
}

/** If `text` has the mapping key `key` at `col`, the index after its colon; otherwise -1. */
function matchKey(text: string, col: number, key: string): number {
  let after = -1;
  if (text.startsWith(key, col) && text[col + key.length] === ':') after = col + key.length + 1;
  else if (text[col] === '"' || text[col] === "'") {
    const q = text[col] as string;
    const quoted = q === '"' ? JSON.stringify(key) : `'${key.replace(/'/g, "''")}'`;
    if (text.startsWith(quoted, col)) {
      let i = col + quoted.length;
      while (text[i] === ' ') i++;
      if (text[i] === ':') after = i + 1;
    }
  }
  if (after < 0) return -1;
  const n = text[after];
  return n === undefined || n === ' ' || n === '\r' || n === '\t' ? after : -1;
}

/** A key that a plain scalar of another spelling also gives (booleans, numbers). */
const GO_SPELLED_KEY = /^(?:true|false|[-+.0-9].*)$/;

/** If `text` has at `col` a plain key that go-yaml reads as `key`, the index after its colon; otherwise -1. */
function matchGoKey(text: string, col: number, key: string): number {
  if ('"\'{[?&*!|>#'.includes(text[col] ?? '"')) return -1;
  for (let i = text.indexOf(':', col); i >= 0; i = text.indexOf(':', i + 1)) {
    const n = text[i + 1];
    if (n !== undefined && n !== ' ' && n !== '\r' && n !== '\t') continue;
    return goKeyText(text.slice(col, i).trimEnd()) === key ? i + 1 : -1;
  }
  return -1;
}

/** The JSON key kubectl makes of a plain key's text, or undefined where it refuses it. */
function goKeyText(plain: string): string | undefined {
  try {
    return goKeyString(resolvePlain(plain));
  } catch {
    return undefined;
  }
}

/** The JSON key of a parsed map key: plain scalars as go-yaml reads them. */
function keyOf(key: unknown): string {
  if (!isScalar(key)) return String(key);
  const k = key as unknown as { type?: string; tag?: string; source?: unknown; value: unknown };
  if (k.type === 'PLAIN' && !k.tag && typeof k.source === 'string') return goKeyText(k.source) ?? String(k.value);
  return String(k.value);
}

/** A full `yaml` parse of one document, used when the fast path cannot follow it. */
class TreeIndex {
  private constructor(
    private readonly root: Node | null,
    readonly counter: LineCounter,
  ) {}

  static build(text: string): TreeIndex | null {
    try {
      const counter = new LineCounter();
      const doc = parseDocument(text, { lineCounter: counter, keepSourceTokens: false, uniqueKeys: false });
      return new TreeIndex(doc.contents as Node | null, counter);
    } catch {
      return null;
    }
  }

  offsetOf(segs: string[]): number | undefined {
    let node: unknown = this.root;
    let off: number | undefined = rangeStart(node);
    for (const seg of segs) {
      if (isMap(node)) {
        const pair = node.items.find((p) => keyOf(p.key) === seg);
        if (!pair) return off;
        off = rangeStart(pair.key) ?? off;
        node = pair.value;
      } else if (isSeq(node)) {
        const item = node.items[Number(seg)];
        if (item === undefined || !/^\d+$/.test(seg)) return off;
        off = rangeStart(item) ?? off;
        node = item;
      } else {
        return off;
      }
    }
    return off;
  }
}

function rangeStart(n: unknown): number | undefined {
  if (n && typeof n === 'object' && 'range' in n) {
    const r = (n as { range?: [number, number, number] }).range;
    return r ? r[0] : undefined;
  }
  return undefined;
}
