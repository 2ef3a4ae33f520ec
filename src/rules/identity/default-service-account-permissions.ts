import { defineRule, type RuleHit } from '../rule.js';
import { CIS_5_1, ownEscalationPaths, RBAC_GOOD_PRACTICES, rbacOf } from './rbac-context.js';

export const rule = defineRule({
  id: 'default-service-account-permissions',
  title: 'Default service account given permissions',
  category: 'identity',
  severity: 'medium',
  appliesTo: ['RoleBinding', 'ClusterRoleBinding'],
  needs: 'scope',
  description:
    "The binding grants a role to a namespace's `default` service account. Every pod in that namespace that names no service account runs as `default`, so every such pod (including ones added later by anyone allowed to create pods there) gets the role. It is worse when the role lets the account escalate.",
  remediation:
    'Create a dedicated ServiceAccount for the workload that needs the permissions, bind the role to it, set `serviceAccountName` in the workload, and leave `default` without bindings.',
  references: [
    { title: 'CIS Kubernetes Benchmark 5.1.5 (default service accounts not actively used)' },
    CIS_5_1,
    RBAC_GOOD_PRACTICES,
  ],
  check(obj, ctx) {
    const rbac = rbacOf(ctx);
    const b = rbac.policy.bindings.find((x) => x.object === obj);
    if (!b) return undefined;
    const role = rbac.policy.roleOf(b);
    if (role && role.rules.length === 0) return undefined;
    const hits: RuleHit[] = [];
    for (const { subject, index } of b.subjects) {
      if (subject.kind !== 'ServiceAccount' || subject.name !== 'default') continue;
      const techniques = ownEscalationPaths(rbac, `ServiceAccount:${subject.namespace}:default`).map(
        (p) => p.technique,
      );
      hits.push({
        message: `${obj.kind} ${obj.name} gives ${b.roleRef.kind} ${b.roleRef.name} to ServiceAccount ${subject.namespace}/default${techniques.length ? `, which can then escalate (${techniques.join(', ')})` : ''}`,
        path: `/subjects/${index}`,
        ...(techniques.length ? { severity: 'high' as const } : {}),
      });
    }
    return hits;
  },
});
