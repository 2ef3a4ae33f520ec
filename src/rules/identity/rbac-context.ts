import { assumedDefaults, createRbacEngine, type EscalationPath, type RbacEngine } from '../../engines/rbac/index.js';
import type { Reference, RuleContext } from '../rule.js';

/**
 * The RBAC engine of the rule's scope, built once per scope, over the same
 * policy `kubeprint rbac` and `identities` answer from: the manifests plus the
 * default roles and bindings every API server creates (none added to objects
 * read from a live cluster, which has its own). Rules use the defaults for
 * answers only and never report them (see `ownEscalationPaths`,
 * `RbacPolicy.isBaselineGrant`): they are not the user's to fix.
 */
export function rbacOf(ctx: RuleContext): RbacEngine {
  // A file binding the API server would replace at its next start is judged too: it is in
  // effect from `kubectl apply` until then.
  return ctx.memo('rbac', () =>
    createRbacEngine(ctx.scope.objects, {
      bootstrap: assumedDefaults(ctx.scope.objects),
      keepReplacedBindings: true,
    }),
  );
}

/**
 * The escalation paths of an identity that start with a permission the
 * scope's own manifests grant (a binding or a role of the files). A path that
 * starts with a default grant alone (the API server's binding of a
 * kube-system controller account) is the cluster's, not a finding.
 */
export function ownEscalationPaths(rbac: RbacEngine, id: string): EscalationPath[] {
  return rbac.escalation.pathsFrom(id).filter((p) => {
    const g = p.steps[0]?.grant;
    return g !== undefined && !rbac.policy.isDefaultGrant(g);
  });
}

/**
 * Whether the scope binds any role at all. Without a binding no subject has a
 * permission from these manifests, so there is nothing to escalate with, and a
 * manifest-only scan cannot tell whether a token is needed (the permissions
 * live elsewhere): identity rules stay quiet rather than guess.
 */
export function scopeHasBindings(ctx: RuleContext): boolean {
  return ctx.scope.ofKind('RoleBinding').length > 0 || ctx.scope.ofKind('ClusterRoleBinding').length > 0;
}

/**
 * Whether the scope manages RBAC for namespace `ns`: a RoleBinding in it, or a
 * binding with a ServiceAccount subject of it. A scope of unrelated projects
 * (one binds roles, the next does not) then judges only the namespaces whose
 * permissions these manifests define.
 */
export function namespaceHasBindings(ctx: RuleContext, ns: string): boolean {
  const managed = ctx.memo('rbac:namespaces-with-bindings', () => {
    const out = new Set<string>();
    for (const kind of ['RoleBinding', 'ClusterRoleBinding'])
      for (const b of ctx.scope.ofKind(kind)) {
        if (kind === 'RoleBinding') out.add(b.namespace ?? 'default');
        const subjects = Array.isArray(b.raw.subjects) ? b.raw.subjects : [];
        for (const s of subjects) {
          if (!s || typeof s !== 'object') continue;
          const sub = s as Record<string, unknown>;
          if (sub.kind !== 'ServiceAccount') continue;
          const subNs =
            typeof sub.namespace === 'string' ? sub.namespace : kind === 'RoleBinding' ? b.namespace : undefined;
          out.add(subNs ?? 'default');
        }
      }
    return out;
  });
  return managed.has(ns);
}

export const RBAC_GOOD_PRACTICES: Reference = {
  title: 'Kubernetes: Role Based Access Control Good Practices',
  url: 'https://kubernetes.io/docs/concepts/security/rbac-good-practices/',
};

export const CIS_5_1: Reference = { title: 'CIS Kubernetes Benchmark 5.1 (RBAC and service accounts)' };

/** Groups that hold every user, every service account, or the service accounts of a namespace. */
export function isBroadGroup(name: string): boolean {
  return (
    name === 'system:authenticated' ||
    name === 'system:unauthenticated' ||
    name === 'system:serviceaccounts' ||
    name.startsWith('system:serviceaccounts:')
  );
}
