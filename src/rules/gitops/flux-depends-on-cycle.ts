import type { Inventory } from '../../model/inventory.js';
import type { KubeObject } from '../../model/kube-object.js';
import { join } from '../../model/pointer.js';
import { defineRule } from '../rule.js';
import { describeFlux, isFlux } from './flux.js';
import { dependenciesOf, names } from './flux-dependency-health-unchecked.js';
import { FLUX_HR_DEPENDENCIES, FLUX_KS_DEPENDENCIES } from './flux-refs.js';

interface Cycles {
  /** For each object on a cycle: the index of its dependsOn entry that leads around it, and the cycle's names. */
  readonly on: Map<KubeObject, { index: number; cycle: string[] }>;
}

const label = (o: KubeObject) => (o.namespace ? `${o.namespace}/${o.name}` : o.name);

/**
 * Cycles of `dependsOn` among the objects of one kind (Tarjan's strongly
 * connected components). Nodes are identities (namespace/name): a name
 * defined twice in a scope is one object to Flux.
 */
function findCycles(objs: readonly KubeObject[]): Cycles {
  const byLabel = new Map<string, KubeObject[]>();
  const byName = new Map<string, KubeObject[]>();
  for (const o of objs) {
    byLabel.set(label(o), [...(byLabel.get(label(o)) ?? []), o]);
    const same = byName.get(o.name);
    if (same) same.push(o);
    else byName.set(o.name, [o]);
  }
  const targets = (d: { name: string; namespace: string | undefined }) =>
    (byName.get(d.name) ?? []).filter((t) => names(d, t));
  const nodes = [...byLabel.keys()].sort();
  const edges = new Map<string, Set<string>>();
  for (const n of nodes) {
    const out = new Set<string>();
    for (const o of byLabel.get(n) ?? [])
      for (const d of dependenciesOf(o)) for (const t of targets(d)) out.add(label(t));
    edges.set(n, out);
  }
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const sccs: string[][] = [];
  let next = 0;
  // iterative Tarjan, so that a long chain cannot overflow the stack
  for (const root of nodes) {
    if (index.has(root)) continue;
    const work: Array<{ v: string; out: string[]; i: number }> = [{ v: root, out: [...(edges.get(root) ?? [])], i: 0 }];
    index.set(root, next);
    low.set(root, next++);
    stack.push(root);
    onStack.add(root);
    while (work.length > 0) {
      const top = work[work.length - 1] as { v: string; out: string[]; i: number };
      if (top.i < top.out.length) {
        const w = top.out[top.i++] as string;
        if (!index.has(w)) {
          index.set(w, next);
          low.set(w, next++);
          stack.push(w);
          onStack.add(w);
          work.push({ v: w, out: [...(edges.get(w) ?? [])], i: 0 });
        } else if (onStack.has(w)) low.set(top.v, Math.min(low.get(top.v) as number, index.get(w) as number));
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low.set(parent.v, Math.min(low.get(parent.v) as number, low.get(top.v) as number));
      if (low.get(top.v) === index.get(top.v)) {
        const scc: string[] = [];
        let w: string | undefined;
        do {
          w = stack.pop() as string;
          onStack.delete(w);
          scc.push(w);
        } while (w !== top.v);
        sccs.push(scc);
      }
    }
  }
  const on = new Map<KubeObject, { index: number; cycle: string[] }>();
  for (const scc of sccs) {
    const members = new Set(scc);
    const first = [...scc].sort()[0] as string;
    if (scc.length < 2 && !edges.get(first)?.has(first)) continue;
    // one walk around the component, in dependsOn order, for the message
    const cycle: string[] = [first];
    const seen = new Set([first]);
    let cur = first;
    for (;;) {
      const to = [...(edges.get(cur) ?? [])].sort().find((x) => members.has(x) && !seen.has(x));
      if (to === undefined) break;
      seen.add(to);
      cycle.push(to);
      cur = to;
    }
    cycle.push(first);
    // a long cycle is shown by its ends
    if (cycle.length > 8) cycle.splice(4, cycle.length - 7, `… (${scc.length} in all)`);
    for (const n of scc)
      for (const o of byLabel.get(n) ?? []) {
        const d = dependenciesOf(o).find((dep) => targets(dep).some((t) => members.has(label(t))));
        if (d) on.set(o, { index: d.index, cycle });
      }
  }
  return { on };
}

function cyclesOf(scope: Inventory, kind: string): Cycles {
  return findCycles(scope.ofKind(kind).filter((o) => isFlux(o, kind)));
}

export const rule = defineRule({
  id: 'flux-depends-on-cycle',
  title: 'Flux dependsOn cycle',
  category: 'gitops',
  severity: 'high',
  appliesTo: ['Kustomization', 'HelmRelease'],
  needs: 'scope',
  description:
    'Kustomizations (or HelmReleases) of one scope depend on each other in a circle through `spec.dependsOn` (A needs B, B needs A; or an object that names itself). Flux reconciles an object only once all its dependencies are Ready, so none of the objects on the cycle is ever applied again: new commits, fixes and rollbacks stop there, with a "dependency not ready" message that does not name the cycle. Each object on the cycle is reported at its dependsOn entry that leads around it, with the cycle spelled out.',
  remediation:
    'Break the cycle: move what both sides need into a third Kustomization that both depend on, or drop the dependency that points backwards.',
  references: [FLUX_KS_DEPENDENCIES, FLUX_HR_DEPENDENCIES],
  check(obj, ctx) {
    if (!isFlux(obj, 'Kustomization') && !isFlux(obj, 'HelmRelease')) return undefined;
    if (dependenciesOf(obj).length === 0) return undefined;
    const cycles = ctx.memo(`flux-depends-on-cycle/${obj.kind}`, () => cyclesOf(ctx.scope, obj.kind));
    const hit = cycles.on.get(obj);
    if (!hit) return undefined;
    const self = hit.cycle.length === 2;
    return [
      {
        path: join('/spec/dependsOn', hit.index),
        message: self
          ? `${describeFlux(obj)} depends on itself, so it is never reconciled`
          : `${describeFlux(obj)} is on a dependsOn cycle (${hit.cycle.join(' → ')}): none of them is ever reconciled`,
      },
    ];
  },
});
