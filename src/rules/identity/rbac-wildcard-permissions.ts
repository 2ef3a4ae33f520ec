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
    'A rule uses `*` in verbs, resources, API groups or non-resource URLs. Wildcards grant everything that exists now and everything added later (new resources, CRDs, subresources such as pods/exec, verbs such as escalate, bind and impersonate), so the role silently grows.',
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
      const rule = r as Record<string, unknown>;
      const wild = (field: string) =>
        Array.isArray(rule[field]) &&
        (rule[field] as unknown[]).some(
          (v) => v === '*' || (field === 'resources' && typeof v === 'string' && v.startsWith('*/')),
        );
      const fields = ['verbs', 'apiGroups', 'resources', 'nonResourceURLs'].filter(wild);
      if (fields.length === 0) return;
      const full = wild('verbs') && wild('apiGroups') && wild('resources') && !Array.isArray(rule.resourceNames);
      hits.push({
        message: full
          ? `${obj.kind} ${obj.name} rule ${i} grants every verb on every resource of every API group`
          : `${obj.kind} ${obj.name} rule ${i} uses * in ${fields.join(', ')}`,
        path: `/rules/${i}/${fields[0]}`,
        severity: full ? 'critical' : 'high',
      });
    });
    return hits;
  },
});
