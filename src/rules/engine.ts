import type { Config } from '../config/config.js';
import type { DeployedBy, Finding } from '../model/finding.js';
import { Inventory } from '../model/inventory.js';
import { type KubeObject, type ObjectRef, objectKey, objectRef } from '../model/kube-object.js';
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
  /** `[scope]` arrays, one per scope. */
  roots?: Map<string, readonly string[]>;
}

function sharedString(parts: FindingParts | undefined, s: string): string {
  if (!parts) return s;
  const hit = parts.strings.get(s);
  if (hit !== undefined) return hit;
  parts.strings.set(s, s);
  return s;
}

function sharedRoots(parts: FindingParts | undefined, scope: string): readonly string[] {
  if (!parts) return [scope];
  parts.roots ??= new Map();
  let roots = parts.roots.get(scope);
  if (!roots) parts.roots.set(scope, (roots = [scope]));
  return roots;
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
    roots: sharedRoots(parts, obj.scope),
  };
  if (hit.path !== undefined) f.path = sharedString(parts, hit.path);
  if (obj.source) {
    const elsewhere = obj.source.locate?.(hit.path ?? '');
    const pos = elsewhere ?? obj.source.positionOf(hit.path ?? '');
    f.source = { file: elsewhere?.file ?? obj.source.file, line: pos.line, column: pos.column };
    if (obj.source.deployedBy) f.deployedBy = [obj.source.deployedBy];
  }
  return f;
}

/** Findings in a stable order: file, line, column, rule id, message, object, path. */
export function sortFindings(findings: Finding[]): Finding[] {
  return findings.sort(
    (a, b) =>
      cmp(a.source?.file ?? '\uffff', b.source?.file ?? '\uffff') ||
      (a.source?.line ?? 0) - (b.source?.line ?? 0) ||
      (a.source?.column ?? 0) - (b.source?.column ?? 0) ||
      cmp(a.ruleId, b.ruleId) ||
      cmp(a.message, b.message) ||
      // ties (one base line rendered by two overlays) do not depend on which render finished first
      cmp(a.object ? objectKey(a.object) : '', b.object ? objectKey(b.object) : '') ||
      cmp(a.path ?? '', b.path ?? ''),
  );
}

/**
 * One finding per source location: when overlays render one base, every
 * finding on the base is made once per overlay, at the same file, line and
 * column. Findings of one rule, severity, location and path whose messages
 * agree once each finding's own object namespace and name are set aside (an
 * overlay's namespace or name prefix) are one cause: the first is kept, with
 * every root in `roots` and the other objects in `otherObjects`; its message
 * is the first object's. Within one root, two different objects at one
 * location (a generated object, a chart template ranging over a list) stay
 * apart. Findings without an object or a source are kept as they are.
 * Takes sorted findings and keeps their order.
 */
export function mergeRepeats(findings: readonly Finding[]): Finding[] {
  // one root (or none): nothing to merge; roots arrays are shared per scope, so this is cheap
  const distinct = new Set<readonly string[] | undefined>();
  for (const f of findings) if (distinct.add(f.roots).size > 1) break;
  if (distinct.size <= 1) return [...findings];
  const out: Finding[] = [];
  // by rule, severity, location and path first: most findings have no twin, and only
  // findings that share those pay for comparing messages
  const open = new Map<string, Array<{ kept: Finding; same: string; byRoot: Map<string, string> }>>();
  const words = new Map<string, RegExp>();
  for (const f of findings) {
    const s = f.source;
    const o = f.object;
    if (!s || !o) {
      out.push(f);
      continue;
    }
    const where = `${f.ruleId}\u0000${f.severity}\u0000${s.file}\u0000${s.line ?? ''}\u0000${s.column ?? ''}\u0000${f.path ?? ''}`;
    const id = `${o.apiVersion}\u0000${objectKey(o)}`;
    const roots = f.roots ?? [];
    const candidates = open.get(where);
    if (!candidates) {
      const kept: Finding = { ...f };
      out.push(kept);
      open.set(where, [{ kept, same: '', byRoot: new Map(roots.map((r) => [r, id])) }]);
      continue;
    }
    const same = sameness(f, o, words);
    // a root may join only with the object it already gave (or not be there yet)
    const target = candidates.find(
      (c) =>
        (c.same || (c.same = sameness(c.kept, c.kept.object as ObjectRef, words))) === same &&
        roots.every((r) => (c.byRoot.get(r) ?? id) === id),
    );
    if (!target) {
      const kept: Finding = { ...f };
      out.push(kept);
      candidates.push({ kept, same, byRoot: new Map(roots.map((r) => [r, id])) });
      continue;
    }
    const k = target.kept;
    const newRoots = roots.filter((r) => !target.byRoot.has(r));
    for (const r of newRoots) target.byRoot.set(r, id);
    // sorted: the same scan gives the same bytes whichever overlay rendered first
    if (newRoots.length > 0) k.roots = [...(k.roots ?? []), ...newRoots].sort();
    const all = [k.object as ObjectRef, ...(k.otherObjects ?? [])];
    if (!all.some((x) => `${x.apiVersion}\u0000${objectKey(x)}` === id)) {
      all.push(o);
      const byKey = (a: ObjectRef, b: ObjectRef) => cmp(objectKey(a), objectKey(b)) || cmp(a.apiVersion, b.apiVersion);
      // renders finish in any order: when the message names no object apart, the first object is the smallest
      if (f.message === k.message) all.sort(byKey);
      else all.splice(1, all.length - 1, ...all.slice(1).sort(byKey));
      k.object = all[0];
      k.otherObjects = all.slice(1);
    }
    // one file rendered by several GitOps objects: every one of them deploys what the finding is about
    const by = (f.deployedBy ?? []).filter((d) => !(k.deployedBy ?? []).some((x) => sameDeployer(x, d)));
    if (by.length > 0) k.deployedBy = [...(k.deployedBy ?? []), ...by];
  }
  return out;
}

function sameDeployer(a: DeployedBy, b: DeployedBy): boolean {
  return (
    a.apiVersion === b.apiVersion &&
    a.kind === b.kind &&
    a.namespace === b.namespace &&
    a.name === b.name &&
    a.source?.file === b.source?.file &&
    a.source?.line === b.source?.line
  );
}

/** What must agree, beyond rule and place, for two findings to be one: the message (names aside) and the exemption. */
function sameness(f: Finding, o: ObjectRef, words: Map<string, RegExp>): string {
  const e = f.exemption;
  const ex = e ? `${e.via}\u0001${e.reason}\u0001${e.owner ?? ''}\u0001${e.expires ?? ''}` : '';
  return `${withoutOwnNames(f.message, o, words)}\u0000${ex}`;
}

/** The message with the object's own namespace and name (as whole words) replaced by placeholders. */
function withoutOwnNames(message: string, o: ObjectRef, words: Map<string, RegExp>): string {
  let m = message;
  for (const [word, mark] of [
    [o.namespace, '\u0002ns'],
    [o.name, '\u0002name'],
  ] as const) {
    if (!word || !m.includes(word)) continue;
    let re = words.get(word);
    if (!re) {
      const escaped = word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      words.set(word, (re = new RegExp(`(?<![\\w.-])${escaped}(?![\\w-]|\\.\\w)`, 'g')));
    }
    m = m.replace(re, mark);
  }
  return m;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export { Inventory };
