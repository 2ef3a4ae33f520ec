import {
  type BindingDef,
  BOOTSTRAP_CLUSTER_ROLE_BINDINGS,
  BOOTSTRAP_CLUSTER_ROLES,
  type PolicyRule,
  SUPERUSER_GROUP,
  uncoveredRules,
} from '../../engines/rbac/index.js';
import type { Severity } from '../../model/severity.js';
import { defineRule, type RuleHit } from '../rule.js';
import { CIS_5_1, RBAC_GOOD_PRACTICES, rbacOf } from './rbac-context.js';

/** The subjects that stand for everyone (or every workload), with the groups their members carry. */
const EVERYONE: Record<string, { who: string; user?: string; groups: string[] }> = {
  'User:system:anonymous': {
    who: 'user system:anonymous (every request without credentials, while anonymous authentication is on)',
    user: 'system:anonymous',
    groups: ['system:unauthenticated'],
  },
  'Group:system:unauthenticated': {
    who: 'group system:unauthenticated (every request without credentials)',
    groups: ['system:unauthenticated'],
  },
  'Group:system:authenticated': {
    who: "group system:authenticated (every user and service account that authenticates; on managed clusters possibly any account of the provider's identity service)",
    groups: ['system:authenticated'],
  },
  'Group:system:serviceaccounts': {
    who: 'group system:serviceaccounts (every service account of every namespace: every pod that mounts its token)',
    groups: ['system:serviceaccounts', 'system:authenticated'],
  },
};

const READ_VERBS = new Set(['get', 'list', 'watch']);

/**
 * What the API server's default bindings already give these groups (or this
 * user): system:public-info-viewer to everyone, system:discovery and
 * system:basic-user to system:authenticated, service-account issuer discovery
 * to system:serviceaccounts. A binding that grants no more than that adds
 * nothing (it is usually a copy of the default binding).
 */
function defaultRules(user: string | undefined, groups: readonly string[]): PolicyRule[] {
  const out: PolicyRule[] = [];
  for (const b of BOOTSTRAP_CLUSTER_ROLE_BINDINGS) {
    const applies = b.subjects.some(
      (s) => (s.kind === 'Group' && groups.includes(s.name)) || (s.kind === 'User' && s.name === user),
    );
    if (applies) out.push(...(BOOTSTRAP_CLUSTER_ROLES.find((r) => r.name === b.role)?.rules ?? []));
  }
  return out;
}

/** The rules a binding makes effective: a RoleBinding never grants non-resource URLs. */
function effectiveRules(b: BindingDef, rules: readonly PolicyRule[]): PolicyRule[] {
  if (b.kind === 'ClusterRoleBinding') return [...rules];
  return rules.filter((r) => r.resources.length > 0).map((r) => ({ ...r, nonResourceURLs: [] }));
}

function describePiece(p: PolicyRule): string {
  if (p.resources.length === 0) return `${p.verbs.join(',')} ${p.nonResourceURLs.join(',')}`;
  const group = p.apiGroups[0];
  const names = p.resourceNames.length > 0 ? ` (${p.resourceNames.join(',')})` : '';
  return `${p.verbs.join(',')} ${p.resources.join(',')}${group ? `.${group}` : ''}${names}`;
}

/** What the extra grants amount to, and how bad that is. */
function judge(extra: readonly PolicyRule[]): { severity: Severity; what: string } {
  const resource = extra.filter((p) => p.resources.length > 0);
  const secrets = resource.filter(
    (p) =>
      p.verbs.some((v) => v === '*' || READ_VERBS.has(v)) &&
      p.apiGroups.some((g) => g === '' || g === '*') &&
      p.resources.some((r) => r === 'secrets' || r === '*'),
  );
  const writes = resource.filter((p) => p.verbs.some((v) => !READ_VERBS.has(v)));
  const reads = resource.filter((p) => !writes.includes(p) && !secrets.includes(p));
  const urls = extra.filter((p) => p.resources.length === 0);
  // One line per resource (or URL) with its verbs: `get,list,watch pods`.
  const examples = (list: readonly PolicyRule[]) => {
    const merged = new Map<string, PolicyRule>();
    for (const p of list) {
      const k = JSON.stringify([p.apiGroups, p.resources, p.resourceNames, p.nonResourceURLs]);
      const m = merged.get(k);
      if (m) m.verbs = [...new Set([...m.verbs, ...p.verbs])];
      else merged.set(k, { ...p, verbs: [...p.verbs] });
    }
    const all = [...merged.values()];
    return `${all.slice(0, 3).map(describePiece).join('; ')}${all.length > 3 ? `; and ${all.length - 3} more` : ''}`;
  };
  const parts: string[] = [];
  if (secrets.length > 0) parts.push(`reading Secrets (${examples(secrets)})`);
  if (writes.length > 0) parts.push(`writes (${examples(writes)})`);
  if (reads.length > 0) parts.push(`reads (${examples(reads)})`);
  if (urls.length > 0) parts.push(`non-resource URLs (${examples(urls)})`);
  const severity: Severity =
    secrets.length > 0 || writes.length > 0 ? 'critical' : resource.length > 0 ? 'high' : 'medium';
  return { severity, what: parts.join(', ') };
}

export const rule = defineRule({
  id: 'rbac-risky-subject-binding',
  title: 'Role bound to anonymous, every user, every service account, or system:masters',
  category: 'identity',
  severity: 'critical',
  appliesTo: ['ClusterRoleBinding', 'RoleBinding'],
  needs: 'scope',
  description:
    "A binding gives a role to a subject that stands for everyone: user system:anonymous or group system:unauthenticated (anyone who reaches the API server, without credentials), group system:authenticated (every user and service account; on managed clusters possibly any account of the provider's identity service) or group system:serviceaccounts (every pod that mounts a token). Judged by what the role grants beyond the API server's own default bindings (health and version endpoints for everyone, discovery and self-reviews for authenticated users, which are not reported): critical when it grants writes or reading Secrets, high for other reads, medium for non-resource URLs only. cluster-admin is left to cluster-admin-binding. A binding to group system:masters is reported as info: its members bypass RBAC, so the binding grants nothing and removing it revokes nothing; the risk is who holds a client certificate with O=system:masters, which cannot be revoked short of rotating the cluster CA.",
  remediation:
    'Bind the role to the named users, groups or service accounts that need it. Keep anonymous authentication off (`--anonymous-auth=false`, or an AuthenticationConfiguration that allows anonymous access only to health endpoints). Grant nothing to system:masters; issue admin access through a named group bound to cluster-admin, so that it can be revoked.',
  references: [
    CIS_5_1,
    RBAC_GOOD_PRACTICES,
    {
      title: 'Kubernetes: Default roles and role bindings (discovery, public-info-viewer)',
      url: 'https://kubernetes.io/docs/reference/access-authn-authz/rbac/#default-roles-and-role-bindings',
    },
    {
      title: 'Kubernetes: Anonymous requests',
      url: 'https://kubernetes.io/docs/reference/access-authn-authz/authentication/#anonymous-requests',
    },
    { title: 'MITRE ATT&CK T1078.001 (Valid Accounts: Default Accounts)' },
  ],
  check(obj, ctx) {
    const rbac = rbacOf(ctx);
    const b = rbac.policy.bindings.find((x) => x.object === obj);
    if (!b) return undefined; // not a valid binding: rbac-missing-reference reports it
    const role = rbac.policy.roleOf(b);
    const roleName = `${b.roleRef.kind} ${b.roleRef.name}`;
    const where = b.kind === 'RoleBinding' ? ` in namespace ${b.namespace}` : ' cluster-wide';
    const hits: RuleHit[] = [];
    for (const { subject, index } of b.subjects) {
      if (subject.kind === 'ServiceAccount') continue;
      const key = `${subject.kind}:${subject.name}`;
      if (key === `Group:${SUPERUSER_GROUP}`) {
        // The API server's own binding of cluster-admin to system:masters.
        if (b.kind === 'ClusterRoleBinding' && b.name === 'cluster-admin' && b.roleRef.name === 'cluster-admin')
          continue;
        hits.push({
          message: `${b.kind} ${b.name} binds ${roleName}${where} to group system:masters, which bypasses RBAC: the binding grants nothing and removing it revokes nothing; who holds a system:masters certificate is what matters`,
          path: `/subjects/${index}`,
          severity: 'info',
        });
        continue;
      }
      const everyone = EVERYONE[key];
      if (!everyone) continue;
      if (b.roleRef.kind === 'ClusterRole' && b.roleRef.name === 'cluster-admin') continue; // cluster-admin-binding
      if (!role) {
        hits.push({
          message: `${b.kind} ${b.name} binds ${roleName}${where} to ${everyone.who}; the role is not in the scope, so whatever it grants goes to everyone`,
          path: `/subjects/${index}`,
          severity: 'high',
        });
        continue;
      }
      const extra = uncoveredRules(defaultRules(everyone.user, everyone.groups), effectiveRules(b, role.rules));
      if (extra.length === 0) continue;
      const { severity, what } = judge(extra);
      hits.push({
        message: `${b.kind} ${b.name} gives ${roleName}${where} to ${everyone.who}, beyond the defaults: ${what}`,
        path: `/subjects/${index}`,
        severity,
      });
    }
    return hits;
  },
});
