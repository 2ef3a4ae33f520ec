import type { KubeObject } from './kube-object.js';
import { labelsOf } from './kube-object.js';
import {
  type OperatorWorkload,
  type OperatorWorkloadSpec,
  type OperatorWorkloadTable,
  operatorWorkloadOf,
  operatorWorkloadTable,
} from './operator-workloads.js';
import { type Workload, workloadOf } from './workload.js';

/**
 * Every object of a run (or of one scope), indexed by kind, namespace and name.
 * It keeps every document, duplicates included: the same kind/namespace/name
 * legitimately appears in several files (overlays, fixtures).
 */
export class Inventory {
  readonly objects: readonly KubeObject[];
  private readonly byKind = new Map<string, KubeObject[]>();
  private workloadList: Workload[] | undefined;
  private readonly operatorLists = new Map<OperatorWorkloadTable, OperatorWorkload[]>();
  private scopes: Map<string, Inventory> | undefined;

  constructor(objects: readonly KubeObject[]) {
    this.objects = objects;
    for (const o of objects) {
      let list = this.byKind.get(o.kind);
      if (!list) this.byKind.set(o.kind, (list = []));
      list.push(o);
    }
  }

  get size(): number {
    return this.objects.length;
  }

  /** Objects of a kind (optionally in one namespace). */
  ofKind(kind: string, namespace?: string): readonly KubeObject[] {
    const list = this.byKind.get(kind) ?? [];
    return namespace === undefined ? list : list.filter((o) => o.namespace === namespace);
  }

  kinds(): string[] {
    return [...this.byKind.keys()];
  }

  /** Every object with this kind, name and namespace (there may be several). */
  find(kind: string, name: string, namespace?: string): KubeObject[] {
    return (this.byKind.get(kind) ?? []).filter(
      (o) => o.name === name && (namespace === undefined || (o.namespace ?? '') === namespace),
    );
  }

  /** Every object carrying a pod template, as Workload views. */
  workloads(): readonly Workload[] {
    if (!this.workloadList) {
      this.workloadList = [];
      for (const o of this.objects) {
        const w = workloadOf(o);
        if (w) this.workloadList.push(w);
      }
    }
    return this.workloadList;
  }

  /**
   * The custom resources that an operator turns into pods or service-account
   * use (prometheus-operator's Prometheus and Alertmanager, Flux's
   * Kustomization, ...: see operator-workloads.ts), under the built-in table
   * plus the entries declared in config (`operatorWorkloads`). Selector rules
   * count their pods; they are not in `workloads()`, since they have no pod
   * template for a pod rule to judge. Built once per declared list.
   */
  operatorWorkloads(declared?: readonly OperatorWorkloadSpec[]): readonly OperatorWorkload[] {
    const table = operatorWorkloadTable(declared);
    let list = this.operatorLists.get(table);
    if (!list) {
      list = [];
      for (const kind of table.keys())
        for (const o of this.ofKind(kind)) {
          const w = operatorWorkloadOf(o, table);
          if (w) list.push(w);
        }
      this.operatorLists.set(table, list);
    }
    return list;
  }

  /** Objects whose metadata labels satisfy a predicate. */
  withLabels(pred: (labels: Record<string, string>) => boolean, kind?: string): KubeObject[] {
    const src = kind ? this.ofKind(kind) : this.objects;
    return src.filter((o) => pred(labelsOf(o.raw)));
  }

  /** One Inventory per scope (render root or directory), built once. */
  byScope(): Map<string, Inventory> {
    if (!this.scopes) {
      const groups = new Map<string, KubeObject[]>();
      for (const o of this.objects) {
        let g = groups.get(o.scope);
        if (!g) groups.set(o.scope, (g = []));
        g.push(o);
      }
      this.scopes = new Map([...groups].map(([k, v]) => [k, new Inventory(v)]));
    }
    return this.scopes;
  }
}

/** The namespace an object lives in for matching purposes (`default` when unset on a namespaced kind). */
export function effectiveNamespace(o: KubeObject, defaultNamespace = 'default'): string {
  return o.namespace ?? defaultNamespace;
}
