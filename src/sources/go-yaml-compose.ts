/**
 * The exact (slow) reading of one YAML document, as go-yaml v2 decodes it into
 * `interface{}` and sigs.k8s.io/yaml turns it into JSON: for documents the
 * js-yaml fast path cannot read as kubectl does (aliases, merge keys, tags,
 * non-string map keys). eemeli/yaml parses (failsafe schema: every scalar its
 * text); this file gives the scalars, keys, merges and aliases Go's meaning.
 *
 * Alias expansion is bounded as go-yaml bounds it: by the share of decoded
 * nodes that come from aliases (`allowedAliasRatio`), so billion laughs fails
 * after a thousand nodes while a real file with hundreds of aliases passes.
 */
import { isAlias, isMap, isScalar, isSeq, LineCounter, type Node, parseDocument, visit } from 'yaml';
import { type GoScalar, goKeyString, resolvePlain, resolveTagged } from './go-yaml-scalars.js';

/** Nesting beyond this is refused with a message (kubectl accepts up to 10,000; JavaScript's stack does not). */
export const MAX_DEPTH = 500;

export interface ComposeProblem {
  code: 'invalid-yaml' | 'duplicate-key';
  message: string;
  /** 0-based offset within the document's text */
  offset: number;
}

export type Composed =
  | { ok: true; value: unknown; duplicates: ComposeProblem[] }
  | { ok: false; problem: ComposeProblem };

/** go-yaml's decoder.allowedAliasRatio. */
function allowedAliasRatio(decodeCount: number): number {
  if (decodeCount <= 400_000) return 0.99;
  if (decodeCount >= 4_000_000) return 0.1;
  return 0.99 - 0.89 * ((decodeCount - 400_000) / 3_600_000);
}

class ComposeError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

export function composeLikeGo(text: string): Composed {
  const counter = new LineCounter();
  const doc = parseDocument(text, {
    schema: 'failsafe',
    uniqueKeys: false,
    merge: false,
    prettyErrors: false,
    lineCounter: counter,
  });
  const first = doc.errors[0];
  if (first) {
    const stack = /Maximum call stack size exceeded/.test(first.message);
    return {
      ok: false,
      problem: {
        code: 'invalid-yaml',
        message: stack ? tooDeep() : (first.message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '') ?? ''),
        offset: first.pos[0],
      },
    };
  }
  const c = new Composer(doc.contents as Node | null);
  try {
    const value = doc.contents === null ? null : c.value(doc.contents as Node, 0);
    return { ok: true, value, duplicates: c.duplicates };
  } catch (err) {
    if (err instanceof ComposeError)
      return { ok: false, problem: { code: 'invalid-yaml', message: err.message, offset: err.offset } };
    if (err instanceof RangeError)
      return { ok: false, problem: { code: 'invalid-yaml', message: tooDeep(), offset: 0 } };
    throw err;
  }
}

export function tooDeep(): string {
  return `nesting deeper than ${MAX_DEPTH} levels: kubeprint does not read it (Kubernetes objects nest a few dozen levels)`;
}

function start(n: unknown): number {
  const r = (n as { range?: [number, number, number] } | null)?.range;
  return r ? r[0] : 0;
}

class Composer {
  private decodeCount = 1; // the document node
  private aliasCount = 0;
  private aliasDepth = 0;
  private readonly targets = new Map<Node, Node | undefined>();
  private readonly active = new Set<Node>();
  readonly duplicates: ComposeProblem[] = [];

  constructor(root: Node | null) {
    // anchors as the parser sees them: in document order, a later anchor of the same name wins from there on
    const anchors = new Map<string, Node>();
    if (root)
      visit(root, (_key, node) => {
        if (isAlias(node)) this.targets.set(node, anchors.get(node.source));
        else if (node && typeof node === 'object' && 'anchor' in node && typeof node.anchor === 'string')
          anchors.set(node.anchor, node as Node);
      });
  }

  private count(at: unknown): void {
    this.decodeCount++;
    if (this.aliasDepth > 0) this.aliasCount++;
    if (
      this.aliasCount > 100 &&
      this.decodeCount > 1000 &&
      this.aliasCount / this.decodeCount > allowedAliasRatio(this.decodeCount)
    )
      throw new ComposeError(
        `document contains excessive aliasing (${this.aliasCount} of ${this.decodeCount} nodes from aliases), as kubectl refuses it`,
        start(at),
      );
  }

  value(node: Node | null, depth: number): unknown {
    if (depth > MAX_DEPTH) throw new ComposeError(tooDeep(), start(node));
    this.count(node);
    if (node === null) return null;
    if (isAlias(node)) return this.alias(node, (t) => this.value(t, depth + 1));
    if (isScalar(node)) return this.scalar(node).value;
    if (isMap(node)) return this.mapping(node, {}, depth, false);
    if (isSeq(node)) return node.items.map((item) => this.value(item as Node | null, depth + 1));
    throw new ComposeError('unsupported node', start(node));
  }

  private alias<T>(node: Node, then: (target: Node) => T): T {
    const target = this.targets.get(node);
    const name = (node as { source?: string }).source ?? '';
    if (!target) throw new ComposeError(`unknown anchor '${name}' referenced`, start(node));
    if (this.active.has(node)) throw new ComposeError(`anchor '${name}' value contains itself`, start(node));
    this.active.add(node);
    this.aliasDepth++;
    try {
      return then(target);
    } finally {
      this.aliasDepth--;
      this.active.delete(node);
    }
  }

  private scalar(node: Node): GoScalar {
    const s = node as unknown as { type?: string; tag?: string; source?: unknown; value?: unknown };
    const text =
      typeof s.source === 'string' ? s.source : s.value === null || s.value === undefined ? '' : String(s.value);
    try {
      if (s.tag) return resolveTagged(s.tag, text);
      return s.type === 'PLAIN' ? resolvePlain(text) : { tag: 'str', value: text };
    } catch (err) {
      throw new ComposeError((err as Error).message, start(node));
    }
  }

  /** A map key: decoded like any node, then turned into a JSON key as sigs.k8s.io/yaml does. */
  private key(node: Node | null, depth: number): string {
    this.count(node);
    if (node === null) return goKeyString({ tag: 'null', value: null });
    if (isAlias(node))
      return this.alias(node, (t) => {
        // the alias counted itself; its target is decoded (and counted) as a key
        return this.key(t, depth + 1);
      });
    if (!isScalar(node)) throw new ComposeError('invalid map key: a mapping or sequence', start(node));
    try {
      return goKeyString(this.scalar(node));
    } catch (err) {
      throw new ComposeError((err as Error).message, start(node));
    }
  }

  private isMergeKey(key: unknown): boolean {
    if (!isScalar(key)) return false;
    const k = key as unknown as { type?: string; tag?: string; source?: unknown };
    return k.source === '<<' && ((k.type === 'PLAIN' && !k.tag) || k.tag === 'tag:yaml.org,2002:merge');
  }

  private mapping(node: Node, out: Record<string, unknown>, depth: number, merging: boolean): Record<string, unknown> {
    if (depth > MAX_DEPTH) throw new ComposeError(tooDeep(), start(node));
    if (!isMap(node)) throw new ComposeError('map merge requires map or sequence of maps as the value', start(node));
    const seen = merging ? undefined : new Set<string>();
    for (const pair of node.items) {
      if (this.isMergeKey(pair.key)) {
        this.merge(pair.value as Node | null, out, depth + 1);
        continue;
      }
      const k = this.key(pair.key as Node | null, depth + 1);
      const v = this.value(pair.value as Node | null, depth + 1);
      if (seen) {
        if (seen.has(k))
          this.duplicates.push({
            code: 'duplicate-key',
            message: `duplicate key "${k}"; the last value wins`,
            offset: start(pair.key),
          });
        seen.add(k);
      }
      set(out, k, v);
    }
    return out;
  }

  /** go-yaml's decoder.merge: merged keys overwrite in document order; a list of maps is applied last to first. */
  private merge(node: Node | null, out: Record<string, unknown>, depth: number): void {
    const wantMap = () => new ComposeError('map merge requires map or sequence of maps as the value', start(node));
    const one = (n: Node | null) => {
      if (n === null) throw wantMap();
      if (isAlias(n)) {
        const target = this.targets.get(n);
        if (target && !isMap(target)) throw wantMap();
        this.count(n);
        this.alias(n, (t) => {
          this.count(t);
          this.mapping(t, out, depth + 1, true);
        });
        return;
      }
      if (!isMap(n)) throw wantMap();
      this.count(n);
      this.mapping(n, out, depth + 1, true);
    };
    if (node && isSeq(node)) {
      for (let i = node.items.length - 1; i >= 0; i--) {
        const item = node.items[i] as Node | null;
        if (item === null || !(isMap(item) || isAlias(item))) throw wantMap();
        one(item);
      }
      return;
    }
    one(node);
  }
}

/** Set a key; `__proto__` is an own key like any other (as js-yaml does), never the prototype. */
function set(out: Record<string, unknown>, k: string, v: unknown): void {
  if (k === '__proto__')
    Object.defineProperty(out, k, { value: v, writable: true, enumerable: true, configurable: true });
  else out[k] = v;
}
