import { evaluateWorkload, type NamespacePolicy, namespacePolicy, type PssResult } from '../../engines/pss/index.js';
import { effectiveNamespace } from '../../model/inventory.js';
import type { KubeObject } from '../../model/kube-object.js';
import { labelsOf } from '../../model/kube-object.js';
import { pointer } from '../../model/pointer.js';
import type { Workload } from '../../model/workload.js';
import type { RuleContext } from '../rule.js';

export interface ScopedNamespace {
  readonly object: KubeObject;
  readonly policy: NamespacePolicy;
}

/** The Namespace objects of the rule's scope with their Pod Security labels, by name (first declaration wins). */
export function scopeNamespaces(ctx: RuleContext): ReadonlyMap<string, ScopedNamespace> {
  return ctx.memo('pss:namespaces', () => {
    const map = new Map<string, ScopedNamespace>();
    for (const o of ctx.scope.ofKind('Namespace')) {
      if (!map.has(o.name)) map.set(o.name, { object: o, policy: namespacePolicy(labelsOf(o.raw)) });
    }
    return map;
  });
}

/** The policy of the namespace a workload lives in, when that Namespace is declared in the same scope. */
export function namespaceOfWorkload(obj: KubeObject, ctx: RuleContext): ScopedNamespace | undefined {
  return scopeNamespaces(ctx).get(effectiveNamespace(obj));
}

const verdicts = new WeakMap<Workload, Map<string, PssResult>>();

/** A workload's verdict at a level and version, computed once per workload view. */
export function verdict(w: Workload, level: 'baseline' | 'restricted', version: string): PssResult {
  let byPolicy = verdicts.get(w);
  if (!byPolicy) verdicts.set(w, (byPolicy = new Map()));
  const key = `${level}:${version}`;
  let r = byPolicy.get(key);
  if (!r) byPolicy.set(key, (r = evaluateWorkload(w, level, version)));
  return r;
}

export function labelPath(label: string): string {
  return pointer('metadata', 'labels', label);
}
