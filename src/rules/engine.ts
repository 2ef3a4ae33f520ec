import type { Config } from '../config/config.js';
import type { Finding } from '../model/finding.js';
import { Inventory } from '../model/inventory.js';
import { type KubeObject, type ObjectRef, objectRef } from '../model/kube-object.js';
import type { Severity } from '../model/severity.js';
import { WORKLOAD_KINDS, workloadOf } from '../model/workload.js';
import type { Rule, RuleContext, RuleHit } from './rule.js';

export interface RuleRunEntry {
  finding: Finding;
  object: KubeObject | undefined;
}

/** The rules that are on, with the severity config gives them. */
export function activeRules(rules: readonly Rule[], config: Config): Array<{ rule: Rule; severity: Severity }> {
  const out: Array<{ rule: Rule; severity: Severity }> = [];
  for (const rule of rules) {
    const setting = config.rules?.[rule.id];
    const pillarOn = config.categories?.[rule.category]?.enabled ?? true;
    const on = setting?.enabled ?? pillarOn;
    if (!on) continue;
    out.push({ rule, severity: setting?.severity ?? rule.severity });
  }
  return out;
}

interface Dispatch {
  /** kind → the active rules that judge it, with their severities */
  byKind: Map<string, Array<{ rule: Rule; severity: Severity }>>;
  /** active rules for every kind */
  wildcard: Array<{ rule: Rule; severity: Severity }>;
}

// The webhook runs the same rules under the same config for every review: build the dispatch once.
const dispatchCache = new WeakMap<readonly Rule[], WeakMap<Config, Dispatch>>();

function dispatchFor(rules: readonly Rule[], config: Config): Dispatch {
  let perConfig = dispatchCache.get(rules);
  if (!perConfig) dispatchCache.set(rules, (perConfig = new WeakMap()));
  const hit = perConfig.get(config);
  if (hit) return hit;
  const d: Dispatch = { byKind: new Map(), wildcard: [] };
  for (const a of activeRules(rules, config)) {
    const kinds =
      a.rule.appliesTo === 'workloads' ? WORKLOAD_KINDS : a.rule.appliesTo === '*' ? null : a.rule.appliesTo;
    if (!kinds) {
      d.wildcard.push(a);
      continue;
    }
    for (const k of kinds) {
      let list = d.byKind.get(k);
      if (!list) d.byKind.set(k, (list = []));
      list.push(a);
    }
  }
  perConfig.set(config, d);
  return d;
}

/**
 * Run rules over an inventory. Each rule sees the objects of its own scope
 * only (one render root, or plain directories merged until two define the
 * same object), so that staging and production objects never satisfy each other.
 */
export function runRules(
  all: Inventory,
  rules: readonly Rule[],
  config: Config,
  /** Judge only these objects (the others are context: an admission request among the cluster's objects). */
  only?: ReadonlySet<KubeObject>,
): RuleRunEntry[] {
  const { byKind, wildcard } = dispatchFor(rules, config);
  const out: RuleRunEntry[] = [];
  // Findings repeat themselves: a large scan has a hundred thousand findings with a
  // few thousand distinct messages, a few dozen paths, and one object per many
  // findings. Each finding shares those values instead of holding its own copy.
  const shared: FindingParts = { strings: new Map(), refs: new Map() };
  for (const scope of all.byScope().values()) {
    const memo = new Map<string, unknown>();
    for (const obj of scope.objects) {
      if (only && !only.has(obj)) continue;
      const applicable = byKind.get(obj.kind);
      if (!applicable && wildcard.length === 0) continue;
      const workload = workloadOf(obj);
      const ctx: RuleContext = {
        scope,
        all,
        config,
        workload,
        memo<T>(key: string, compute: () => T): T {
          if (!memo.has(key)) memo.set(key, compute());
          return memo.get(key) as T;
        },
      };
      for (const list of [applicable ?? [], wildcard]) {
        for (const { rule, severity } of list) {
          if (rule.appliesTo === 'workloads' && !workload) continue;
          let hits: RuleHit[] | undefined;
          try {
            hits = rule.check(obj, ctx);
          } catch (err) {
            hits = [
              {
                message: `rule failed on this object (${err instanceof Error ? err.message : String(err)})`,
                severity: 'info',
              },
            ];
          }
          if (!hits) continue;
          for (const hit of hits)
            out.push({
              finding: toFinding(rule, severity, hit, hit.object ?? obj, shared),
              object: hit.object ?? obj,
            });
        }
      }
    }
  }
  return out;
}

/** Values findings of one run share (see runRules). */
export interface FindingParts {
  strings: Map<string, string>;
  refs: Map<KubeObject, ObjectRef>;
}

function sharedString(parts: FindingParts | undefined, s: string): string {
  if (!parts) return s;
  const hit = parts.strings.get(s);
  if (hit !== undefined) return hit;
  parts.strings.set(s, s);
  return s;
}

function sharedRef(parts: FindingParts | undefined, obj: KubeObject): ObjectRef {
  if (!parts) return objectRef(obj);
  let ref = parts.refs.get(obj);
  if (!ref) parts.refs.set(obj, (ref = objectRef(obj)));
  return ref;
}

/**
 * A rule's hit as a finding, located in its source. Findings made with the same
 * `parts` share equal messages, paths and object references: treat them as read-only.
 */
export function toFinding(
  rule: Rule,
  severity: Severity,
  hit: RuleHit,
  obj: KubeObject,
  parts?: FindingParts,
): Finding {
  const f: Finding = {
    ruleId: rule.id,
    severity: hit.severity ?? severity,
    category: rule.category,
    message: sharedString(parts, hit.message),
    object: sharedRef(parts, obj),
  };
  if (hit.path !== undefined) f.path = sharedString(parts, hit.path);
  if (obj.source) {
    const elsewhere = obj.source.locate?.(hit.path ?? '');
    const pos = elsewhere ?? obj.source.positionOf(hit.path ?? '');
    f.source = { file: elsewhere?.file ?? obj.source.file, line: pos.line, column: pos.column };
  }
  return f;
}

/** Findings in a stable order: file, line, column, rule id. */
export function sortFindings(findings: Finding[]): Finding[] {
  return findings.sort(
    (a, b) =>
      cmp(a.source?.file ?? '\uffff', b.source?.file ?? '\uffff') ||
      (a.source?.line ?? 0) - (b.source?.line ?? 0) ||
      (a.source?.column ?? 0) - (b.source?.column ?? 0) ||
      cmp(a.ruleId, b.ruleId) ||
      cmp(a.message, b.message),
  );
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export { Inventory };
