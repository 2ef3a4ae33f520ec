import { defineRule, type RuleHit } from '../rule.js';
import { RBAC_GOOD_PRACTICES, rbacOf } from './rbac-context.js';

export const rule = defineRule({
  id: 'rbac-missing-reference',
  title: 'Binding to a missing role or service account',
  category: 'identity',
  severity: 'medium',
  appliesTo: ['RoleBinding', 'ClusterRoleBinding'],
  needs: 'scope',
  description:
    'The binding references a Role or ClusterRole, or a ServiceAccount subject, that is not defined in the same scope (default ClusterRoles such as view and edit count as defined, and so do the controller accounts that a copy of a default binding names). A dangling binding grants nothing today, but grants its role to whoever later creates an object with that name: a service account someone else creates, or a role an attacker with create rights defines.',
  remediation:
    'Delete the binding, or define the role and service account it names next to it. Check for typos in roleRef.name, subject names and namespaces.',
  references: [RBAC_GOOD_PRACTICES],
  check(obj, ctx) {
    const rbac = rbacOf(ctx);
    const hits: RuleHit[] = [];
    for (const p of rbac.policy.problems) {
      if (p.type === 'invalid' || p.binding.object !== obj) continue;
      hits.push({
        message: p.message,
        path: p.type === 'missing-role' ? '/roleRef/name' : `/subjects/${p.subject.index}`,
      });
    }
    return hits;
  },
});
