import { defineRule, type RuleHit } from '../rule.js';
import { CIS_5_1, isBroadGroup, RBAC_GOOD_PRACTICES } from './rbac-context.js';

export const rule = defineRule({
  id: 'cluster-admin-binding',
  title: 'cluster-admin bound to a service account or a broad group',
  category: 'identity',
  severity: 'critical',
  appliesTo: ['ClusterRoleBinding', 'RoleBinding'],
  needs: 'object',
  cel: {
    matchKinds: ['ClusterRoleBinding', 'RoleBinding'],
    validations: [
      {
        expression:
          "!(object.roleRef.kind == 'ClusterRole' && object.roleRef.name == 'cluster-admin') || !has(object.subjects) || object.subjects.all(s, !(s.kind == 'ServiceAccount' || (s.kind == 'Group' && (s.name in ['system:authenticated', 'system:unauthenticated', 'system:serviceaccounts'] || s.name.startsWith('system:serviceaccounts:'))) || (s.kind == 'User' && s.name == 'system:anonymous')))",
        message: 'cluster-admin must not be bound to service accounts, broad groups or system:anonymous',
      },
    ],
  },
  description:
    'The binding gives the cluster-admin ClusterRole (every verb on every resource) to a service account, whose token any pod running as it carries, or to a group that holds many identities (system:authenticated, system:unauthenticated, system:serviceaccounts[:namespace], system:anonymous). Whoever takes one pod or one token owns the cluster (or, through a RoleBinding, the whole namespace).',
  remediation:
    'Bind a role with only the verbs and resources the workload needs (`kubeprint rbac generate --from-audit` writes one from audit logs); keep cluster-admin for break-glass human access through system:masters or a named group.',
  references: [
    { title: 'CIS Kubernetes Benchmark 5.1.1 (cluster-admin only where required)' },
    CIS_5_1,
    RBAC_GOOD_PRACTICES,
    { title: 'MITRE ATT&CK T1078.004 (Valid Accounts: Cloud Accounts)' },
  ],
  check(obj) {
    const ref = obj.raw.roleRef as Record<string, unknown> | undefined;
    if (ref?.kind !== 'ClusterRole' || ref.name !== 'cluster-admin') return undefined;
    const subjects = Array.isArray(obj.raw.subjects) ? obj.raw.subjects : [];
    const hits: RuleHit[] = [];
    const where = obj.kind === 'RoleBinding' ? ` in namespace ${obj.namespace ?? 'default'}` : ' cluster-wide';
    subjects.forEach((s, i) => {
      if (!s || typeof s !== 'object') return;
      const { kind, name, namespace } = s as Record<string, unknown>;
      if (typeof name !== 'string') return;
      let who: string | undefined;
      if (kind === 'ServiceAccount') who = `service account ${namespace ?? obj.namespace ?? '?'}/${name}`;
      else if (kind === 'Group' && isBroadGroup(name)) who = `group ${name}`;
      else if (kind === 'User' && name === 'system:anonymous') who = 'user system:anonymous';
      if (who)
        hits.push({
          message: `${obj.kind} ${obj.name} gives cluster-admin${where} to ${who}`,
          path: `/subjects/${i}`,
          ...(obj.kind === 'RoleBinding' ? { severity: 'high' as const } : {}),
        });
    });
    return hits;
  },
});
