import type { Config } from '../config/config.js';
import type { Inventory } from '../model/inventory.js';
import type { KubeObject } from '../model/kube-object.js';
import type { Category, Severity } from '../model/severity.js';
import type { Workload } from '../model/workload.js';

export interface Reference {
  /** e.g. `CIS 5.2.2`, `NSA-CISA`, `MITRE T1610`, `SLSA`, or a short title. */
  title: string;
  url?: string;
}

/** What a rule declares about itself; ids are stable kebab-case, never derived from titles. */
export interface RuleMeta {
  readonly id: string;
  readonly title: string;
  readonly category: Category;
  readonly severity: Severity;
  readonly description: string;
  readonly remediation: string;
  readonly references: readonly Reference[];
}

/**
 * A rule: metadata plus a check called once per object it applies to.
 * `appliesTo` is a list of kinds, `'workloads'` (every kind with a pod
 * template, the check gets `ctx.workload`), or `'*'`.
 */
export interface Rule extends RuleMeta {
  readonly appliesTo: readonly string[] | 'workloads' | '*';
  /**
   * `object` rules judge one object alone; `scope` rules look at other
   * objects of the same scope through `ctx.scope` (PDB coverage, Service
   * selectors). The admission webhook needs to know the difference.
   */
  readonly needs: 'object' | 'scope';
  /** True when the rule does nothing until configured (e.g. a registry allowlist). */
  readonly needsConfig?: boolean;
  /**
   * The same check in CEL, for `kubeprint admission vap` (a
   * ValidatingAdmissionPolicy). Only for object rules that CEL can express
   * exactly: a test evaluates it on every fixture and requires the verdict of
   * `check`.
   */
  readonly cel?: RuleCel;
  check(obj: KubeObject, ctx: RuleContext): RuleHit[] | undefined;
}

/** A rule as CEL over the admitted `object`; every validation must hold. */
export interface RuleCel {
  /** Kinds the policy matches (`workloads`: every kind with a pod template). */
  readonly matchKinds: readonly string[] | 'workloads';
  /** Named expressions, available as `variables.NAME` (in order; later ones may use earlier ones). */
  readonly variables?: ReadonlyArray<{ name: string; expression: string }>;
  readonly validations: ReadonlyArray<{ expression: string; message: string }>;
}

/** What a check returns; the engine turns hits into Findings. */
export interface RuleHit {
  message: string;
  /** JSON pointer to the offending field; defaults to the object itself. */
  path?: string;
  /** Report on another object than the one checked (rare). */
  object?: KubeObject;
  /** Override the rule's severity for this hit (e.g. worse when privileged). */
  severity?: Severity;
}

export interface RuleContext {
  /** Objects of the same scope (one render root, a merged set of plain directories, a cluster). */
  readonly scope: Inventory;
  /** Every object of the run. */
  readonly all: Inventory;
  readonly config: Config;
  /** The workload view when the object carries a pod template. */
  readonly workload: Workload | undefined;
  /** Compute once per run and scope (engines, indexes): `ctx.memo('pdbs', () => ...)`. */
  memo<T>(key: string, compute: () => T): T;
}

/** Identity helper that gives rule files a checked shape. */
export function defineRule(rule: Rule): Rule {
  return rule;
}
