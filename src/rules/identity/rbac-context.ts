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
