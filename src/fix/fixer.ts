import type { KubeObject } from '../model/kube-object.js';

/**
 * `safe`: no behaviour change expected, applied by default (and by a mutating
 * webhook). `review`: may change behaviour, applied only with `--include-review`.
 */
export type FixSafety = 'safe' | 'review';

/**
 * One change to a Kubernetes object as JSON: set the value at a JSON pointer
 * (creating missing parent maps) or delete it. Fixers compute edits on the
 * object alone, so a webhook can apply them as a JSONPatch (`toJsonPatch`) and
 * `kubeprint fix` can map them onto the YAML the object was read from.
 */
export type FixEdit = { op: 'set'; path: string; value: unknown } | { op: 'delete'; path: string };

/** A finding of the fixer's rule on the object, as the fixer needs it. */
export interface FixTarget {
  /** JSON pointer of the finding. */
  path: string | undefined;
}

/** How to repair what one rule reports. One fixer per rule, registered in `registry.ts`. */
export interface Fixer {
  readonly ruleId: string;
  readonly safety: FixSafety;
  /** What the fix writes, in one line (for `explain` and docs/fix.md). */
  readonly summary: string;
  /**
   * Edits that repair the rule's findings on this object; `[]` when nothing
   * can be done. Pure over `obj.raw`; never throws on odd shapes.
   */
  edits(obj: KubeObject, findings: readonly FixTarget[]): FixEdit[];
}

export function defineFixer(f: Fixer): Fixer {
  return f;
}

/** RFC 6902 operations for edits on `raw`, adding missing parent maps; what a mutating webhook sends. */
export function toJsonPatch(
  raw: unknown,
  edits: readonly FixEdit[],
): Array<{ op: 'add' | 'replace' | 'remove'; path: string; value?: unknown }> {
  const ops: Array<{ op: 'add' | 'replace' | 'remove'; path: string; value?: unknown }> = [];
  const shadow: unknown = structuredClone(raw);
  for (const e of edits) {
    const segs = e.path.split('/').slice(1);
    let cur: unknown = shadow;
    let at = '';
    for (let i = 0; i < segs.length - 1; i++) {
      const seg = segs[i] as string;
      at += `/${seg}`;
      const rec = cur as Record<string, unknown>;
      const key = seg.replace(/~1/g, '/').replace(/~0/g, '~');
      const next = rec[key];
      if (next === undefined || next === null) {
        if (e.op === 'delete') break;
        const value = {};
        ops.push({ op: 'add', path: at, value: {} });
        rec[key] = value;
        cur = value;
      } else if (typeof next !== 'object') {
        break;
      } else cur = next;
    }
    const last = (segs[segs.length - 1] ?? '').replace(/~1/g, '/').replace(/~0/g, '~');
    if (cur === null || typeof cur !== 'object') continue;
    const rec = cur as Record<string, unknown>;
    if (e.op === 'delete') {
      if (last in rec) {
        ops.push({ op: 'remove', path: e.path });
        delete rec[last];
      }
    } else {
      ops.push({ op: last in rec ? 'replace' : 'add', path: e.path, value: e.value });
      rec[last] = structuredClone(e.value);
    }
  }
  return ops;
}
