import { isMap, isScalar, isSeq, LineCounter, type Node, parseDocument } from 'yaml';
import type { Position } from '../model/kube-object.js';
import { parsePointer } from '../model/pointer.js';

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
    for (let i = 0; i < this.lines.length; i++)
      this.indents[i] = contentIndent(this.lines[i] as string, skipTemplateLines);
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

  /** Whether the pointer resolves exactly (not to an ancestor) on the fast path. */
  resolvesExactly(pointer: string): boolean {
    return this.fast(parsePointer(pointer)).exact;
  }

  private at(line: number, col: number): Position {
    return { line: line + 1 + this.lineOffset, column: col + 1 };
  }

  /** Walk by indentation; `exact` is false when it had to stop early. */
  fast(segs: string[]): { pos: Position; exact: boolean; missing?: boolean } {
    const first = this.firstContent(0, this.lines.length);
    if (first < 0) return { pos: this.start(), exact: segs.length === 0 };
    let node: BlockNode = { line: first, col: this.indents[first] as number, end: this.lines.length };
    let pos = this.at(node.line, node.col);
    for (const seg of segs) {
      const lineText = this.lines[node.line] as string;
      const ch = lineText[node.col];
      if (ch === '{' || ch === '[' || ch === '&' || ch === '*' || ch === '!' || ch === '?')
        return { pos, exact: false };
      let next: BlockNode | undefined;
      if (ch === '-' && isDashAt(lineText, node.col)) {
        if (!/^\d+$/.test(seg)) return { pos, exact: false };
        next = this.seqItem(node, Number(seg));
      } else {
        next = this.mapValue(node, seg);
      }
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
      const after = matchKey(text, col, key);
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
function contentIndent(line: string, skipTemplate: boolean): number {
  let i = 0;
  while (i < line.length && line.charCodeAt(i) === 32) i++;
  if (i >= line.length) return -1;
  const c = line[i];
  if (c === '#' || c === '\r') return -1;
  if (c === '\t' && line.trim() === '') return -1;
  if (skipTemplate && c === '{' && line[i + 1] === '{' && line.trimEnd().endsWith('}}')) return -1;
  return i;
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
        const pair = node.items.find((p) => (isScalar(p.key) ? String(p.key.value) : String(p.key)) === seg);
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
