import { defineRule, type RuleHit } from '../rule.js';
import { RBAC_GOOD_PRACTICES } from './rbac-context.js';

export const rule = defineRule({
  id: 'rbac-wildcard-permissions',
  title: 'Role grants wildcard permissions',
  category: 'identity',
  severity: 'high',
  appliesTo: ['Role', 'ClusterRole'],
  needs: 'object',
  cel: {
    matchKinds: ['Role', 'ClusterRole'],
    validations: [
      {
        expression:
          "(object.kind == 'ClusterRole' && has(object.aggregationRule)) || !has(object.rules) || object.rules.all(r, !(has(r.verbs) && '*' in r.verbs) && !(has(r.apiGroups) && '*' in r.apiGroups) && !(has(r.resources) && r.resources.exists(v, v == '*' || v.startsWith('*/'))) && !(has(r.nonResourceURLs) && '*' in r.nonResourceURLs))",
        message: 'rules must not use * in verbs, apiGroups, resources or nonResourceURLs',
      },
    ],
  },
  description:
    'A rule uses `*` in verbs, resources, API groups or non-resource URLs. Wildcards grant everything that exists now and everything added later (new resources, CRDs, subresources such as pods/exec, verbs such as escalate, bind and impersonate), so the role silently grows. A subresource wildcard (`*/scale`) is the scale subresource of every resource, not every resource: it is named and judged by what that subresource gives (high for exec, attach, portforward, proxy, token and ephemeralcontainers; low when only read; medium otherwise).',
  remediation:
    'List the verbs, API groups and resources the subject needs explicitly. `kubeprint rbac generate --from-audit` derives them from what was actually used.',
  references: [
    { title: 'CIS Kubernetes Benchmark 5.1.3 (minimize wildcard use in Roles and ClusterRoles)' },
    RBAC_GOOD_PRACTICES,
  ],
  check(obj) {
    // The aggregation controller writes an aggregated ClusterRole's rules; its own are ignored.
    if (obj.kind === 'ClusterRole' && obj.raw.aggregationRule) return undefined;
    const rules = Array.isArray(obj.raw.rules) ? obj.raw.rules : [];
    const hits: RuleHit[] = [];
    rules.forEach((r, i) => {
      if (!r || typeof r !== 'object') return;
      const hit = wildcardHit(r as Record<string, unknown>, `${obj.kind} ${obj.name} rule ${i}`, `/rules/${i}`);
      if (hit) hits.push(hit);
    });
    return hits;
  },
});

/** Subresources whose `*\/x` wildcard reaches into pods or nodes (exec, kubelet proxy, tokens): escalation material. */
const SENSITIVE_SUBRESOURCES = new Set(['exec', 'attach', 'portforward', 'proxy', 'token', 'ephemeralcontainers']);
const READ_VERBS = new Set(['get', 'list', 'watch']);

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/**
 * The finding for one PolicyRule, or undefined when it has no wildcard.
 * `*` in resources is every resource; `*\/scale` is only the scale
 * subresource of every resource (RBAC's ResourceMatches), so it is named and
 * judged by the subresource. An apiGroups `*` beside nothing but subresource
 * wildcards is part of them ("scale of anything"), as the HPA controller's own
 * role writes it.
 */
function wildcardHit(rule: Record<string, unknown>, what: string, at: string): RuleHit | undefined {
  const verbs = strings(rule.verbs);
  const resources = strings(rule.resources);
  const subWild = resources.filter((v) => v.startsWith('*/'));
  const onlySubresources = subWild.length > 0 && resources.every((v) => v.startsWith('*/'));
  const star: Record<string, boolean> = {
    verbs: verbs.includes('*'),
    apiGroups: strings(rule.apiGroups).includes('*') && !onlySubresources,
    resources: resources.includes('*'),
    nonResourceURLs: strings(rule.nonResourceURLs).includes('*'),
  };
  const fields = Object.keys(star).filter((k) => star[k]);
  if (fields.length === 0 && subWild.length === 0) return undefined;
  const groupsStar = strings(rule.apiGroups).includes('*');
  const subs = subWild.map((v) => v.slice(2));
  const subText =
    subWild.length === 0
      ? ''
      : `${subWild.join(', ')} in resources: the ${subs.join(', ')} subresource${subs.length > 1 ? 's' : ''} of every resource${groupsStar ? ' in every API group' : ''} (not every resource)`;
  if (star.verbs && star.resources && groupsStar && strings(rule.resourceNames).length === 0)
    return {
      message: `${what} grants every verb on every resource of every API group`,
      path: `${at}/verbs`,
      severity: 'critical',
    };
  if (fields.length > 0)
    return {
      message: `${what} uses * in ${fields.join(', ')}${subText ? `, and ${subText}` : ''}`,
      path: `${at}/${fields[0]}`,
      severity: 'high',
    };
  const severity = subs.some((s) => SENSITIVE_SUBRESOURCES.has(s))
    ? 'high'
    : verbs.length > 0 && verbs.every((v) => READ_VERBS.has(v))
      ? 'low'
      : 'medium';
  return { message: `${what} uses ${subText}`, path: `${at}/resources`, severity };
}
