import { defineRule } from '../rule.js';
import { namespaceHasBindings, RBAC_GOOD_PRACTICES, rbacOf, scopeHasBindings } from './rbac-context.js';

export const rule = defineRule({
  id: 'token-mounted-without-permissions',
  title: 'Workload mounts a service account token it does not need',
  category: 'identity',
  severity: 'low',
  appliesTo: 'workloads',
  needs: 'scope',
  description:
    "The pod's service account token is mounted (automountServiceAccountToken is not false on the pod or its ServiceAccount) but no Role or ClusterRole in the same scope is bound to that account, directly or through its groups, beyond the API server's defaults for every service account (discovery, self-reviews, issuer discovery); an account a default binding names (kube-system's kube-dns, the controllers' accounts) has permissions. Judged only in namespaces whose RBAC the scope manages (a RoleBinding there, or a binding naming one of its service accounts); elsewhere the permissions live outside these manifests. The token then serves nothing but an attacker who reaches the container: it authenticates to the API server and carries whatever permissions are granted to it later or outside these manifests.",
  remediation:
    'Set `automountServiceAccountToken: false` in the pod spec (or on the ServiceAccount). If the application does call the API server, bind the role it needs next to the workload.',
  references: [
    { title: 'CIS Kubernetes Benchmark 5.1.6 (service account tokens only mounted where necessary)' },
    RBAC_GOOD_PRACTICES,
  ],
  check(obj, ctx) {
    if (!scopeHasBindings(ctx)) return undefined;
    const rbac = rbacOf(ctx);
    const byObject = ctx.memo(
      'rbac:workloads-by-object',
      () => new Map(rbac.facts.workloads.map((w) => [w.workload.object, w])),
    );
    const wi = byObject.get(obj);
    if (!wi?.automount) return undefined;
    if (!namespaceHasBindings(ctx, wi.namespace)) return undefined;
    const grants = rbac.policy.grantsForSubject({
      kind: 'ServiceAccount',
      namespace: wi.namespace,
      name: wi.serviceAccount,
    });
    // The defaults every service account holds through its groups (discovery,
    // self-reviews, issuer discovery) need no token of this one.
    if (grants.some((g) => !rbac.policy.isBaselineGrant(g))) return undefined;
    return [
      {
        message: `${obj.kind} ${obj.name} mounts the token of ServiceAccount ${wi.namespace}/${wi.serviceAccount}, which has no permissions here beyond the defaults every service account has; set automountServiceAccountToken: false`,
        path: wi.automountPath,
      },
    ];
  },
});
