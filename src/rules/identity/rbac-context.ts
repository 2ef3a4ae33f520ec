import { createRbacEngine, type RbacEngine } from '../../engines/rbac/index.js';
import type { Reference, RuleContext } from '../rule.js';

/**
 * The RBAC engine of the rule's scope, built once per scope. The default
 * ClusterRoles join the manifests (a RoleBinding to `edit` resolves) but not
 * the default bindings, which are not the user's to fix.
 */
export function rbacOf(ctx: RuleContext): RbacEngine {
  return ctx.memo('rbac', () => createRbacEngine(ctx.scope.objects, { bootstrap: 'roles' }));
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
