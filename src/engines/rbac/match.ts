import type { AccessRequest, PolicyRule } from './types.js';

/**
 * Rule matching exactly as Kubernetes' RBAC authorizer does it
 * (plugin/pkg/auth/authorizer/rbac: VerbMatches, APIGroupMatches,
 * ResourceMatches, ResourceNameMatches, NonResourceURLMatches).
 */

export function verbMatches(rule: PolicyRule, verb: string): boolean {
  return rule.verbs.includes('*') || rule.verbs.includes(verb);
}

export function apiGroupMatches(rule: PolicyRule, group: string): boolean {
  return rule.apiGroups.includes('*') || rule.apiGroups.includes(group);
}

/**
 * `*` matches everything, `pods/exec` matches itself, `* /exec` (without the
 * space) matches that subresource of any resource. `pods/*` is not special
 * and `pods` does not match `pods/exec`.
 */
export function resourceMatches(rule: PolicyRule, resource: string, subresource: string): boolean {
  const combined = subresource ? `${resource}/${subresource}` : resource;
  for (const r of rule.resources) {
    if (r === '*' || r === combined) return true;
    if (subresource && r === `*/${subresource}`) return true;
  }
  return false;
}

/** An empty resourceNames list matches any name; a non-empty one never matches a request without a name. */
export function resourceNameMatches(rule: PolicyRule, name: string): boolean {
  if (rule.resourceNames.length === 0) return true;
  return name !== '' && rule.resourceNames.includes(name);
}

/**
 * `*` matches any path; trailing `*`s make a prefix match (all of them are
 * trimmed, as Go's strings.TrimRight does: `/debug/**` matches `/debug/x`); otherwise exact.
 */
export function nonResourceURLMatches(rule: PolicyRule, path: string): boolean {
  for (const u of rule.nonResourceURLs) {
    if (u === '*' || u === path) return true;
    if (u.endsWith('*') && path.startsWith(u.replace(/\*+$/, ''))) return true;
  }
  return false;
}

export function ruleAllows(rule: PolicyRule, req: AccessRequest): boolean {
  if (req.type === 'nonResource') return verbMatches(rule, req.verb) && nonResourceURLMatches(rule, req.path);
  return (
    verbMatches(rule, req.verb) &&
    apiGroupMatches(rule, req.apiGroup) &&
    resourceMatches(rule, req.resource, req.subresource) &&
    resourceNameMatches(rule, req.name)
  );
}

/** A rule with `*` verbs, `*` apiGroups and `*` resources, without resourceNames. */
export function isFullWildcard(rule: PolicyRule): boolean {
  return (
    rule.verbs.includes('*') &&
    rule.apiGroups.includes('*') &&
    rule.resources.includes('*') &&
    rule.resourceNames.length === 0
  );
}

/** True when any of verbs/apiGroups/resources/nonResourceURLs holds `*`. */
export function hasWildcard(rule: PolicyRule): boolean {
  return (
    rule.verbs.includes('*') ||
    rule.apiGroups.includes('*') ||
    rule.resources.some((r) => r === '*' || r.startsWith('*/')) ||
    rule.nonResourceURLs.includes('*')
  );
}

/** Normalise an untrusted PolicyRule value; returns undefined when it is not an object. */
export function toPolicyRule(v: unknown): PolicyRule | undefined {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return undefined;
  const r = v as Record<string, unknown>;
  return {
    verbs: strings(r.verbs),
    apiGroups: strings(r.apiGroups),
    resources: strings(r.resources),
    resourceNames: strings(r.resourceNames),
    nonResourceURLs: strings(r.nonResourceURLs),
  };
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** A compact one-line form: `get,list pods,pods/log [apps] names=a,b` or `get /healthz`. */
export function formatRule(rule: PolicyRule): string {
  if (rule.nonResourceURLs.length && !rule.resources.length)
    return `${rule.verbs.join(',')} ${rule.nonResourceURLs.join(',')}`;
  const groups = rule.apiGroups.map((g) => (g === '' ? 'core' : g)).join(',');
  const names = rule.resourceNames.length ? ` names=${rule.resourceNames.join(',')}` : '';
  return `${rule.verbs.join(',')} ${rule.resources.join(',')} [${groups}]${names}`;
}

/**
 * The parts of `rules` that `owner` does not grant, as Kubernetes' RBAC
 * validation.Covers computes them (pkg/registry/rbac/validation): each rule is
 * broken down into one rule per verb × API group × resource (× resourceName)
 * or verb × non-resource URL, and a piece is covered when one owner rule grants
 * all of it — `*` covers anything, `*\/x` covers the subresource x of any
 * resource, a URL ending in `*` covers the URLs it prefixes. Empty: `owner`
 * grants every one of `rules`. The API server uses it to reconcile bootstrap
 * roles and to refuse privilege escalation through role writes.
 */
export function uncoveredRules(owner: readonly PolicyRule[], rules: readonly PolicyRule[]): PolicyRule[] {
  const out: PolicyRule[] = [];
  for (const rule of rules)
    for (const piece of breakdown(rule)) if (!owner.some((o) => ruleCovers(o, piece))) out.push(piece);
  return out;
}

function breakdown(rule: PolicyRule): PolicyRule[] {
  const out: PolicyRule[] = [];
  for (const group of rule.apiGroups)
    for (const resource of rule.resources)
      for (const verb of rule.verbs) {
        if (rule.resourceNames.length === 0)
          out.push({
            verbs: [verb],
            apiGroups: [group],
            resources: [resource],
            resourceNames: [],
            nonResourceURLs: [],
          });
        for (const name of rule.resourceNames)
          out.push({
            verbs: [verb],
            apiGroups: [group],
            resources: [resource],
            resourceNames: [name],
            nonResourceURLs: [],
          });
      }
  for (const url of rule.nonResourceURLs)
    for (const verb of rule.verbs)
      out.push({ verbs: [verb], apiGroups: [], resources: [], resourceNames: [], nonResourceURLs: [url] });
  return out;
}

function ruleCovers(owner: PolicyRule, sub: PolicyRule): boolean {
  const all = (set: string[], items: string[]) => set.includes('*') || items.every((i) => set.includes(i));
  const resources = (set: string[], items: string[]) =>
    set.includes('*') ||
    items.every((p) => set.includes(p) || (p.includes('/') && set.includes(`*/${p.slice(p.indexOf('/') + 1)}`)));
  const urls = (set: string[], items: string[]) =>
    items.every((u) => set.some((s) => s === u || (s.endsWith('*') && u.startsWith(s.replace(/\*+$/, '')))));
  return (
    all(owner.verbs, sub.verbs) &&
    all(owner.apiGroups, sub.apiGroups) &&
    resources(owner.resources, sub.resources) &&
    urls(owner.nonResourceURLs, sub.nonResourceURLs) &&
    // a rule without names is covered only by a rule without names
    (owner.resourceNames.length === 0 ||
      (sub.resourceNames.length > 0 && sub.resourceNames.every((n) => owner.resourceNames.includes(n))))
  );
}
