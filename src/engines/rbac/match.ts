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
