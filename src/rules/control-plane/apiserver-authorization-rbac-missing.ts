import { cis, defineControlPlaneRule, flagDoc, forComponents, requireInList } from './flags.js';

export const rule = defineControlPlaneRule({
  id: 'apiserver-authorization-rbac-missing',
  title: 'RBAC authorizer is off',
  category: 'control-plane',
  severity: 'high',
  appliesTo: ['Pod'],
  needs: 'object',
  flags: { 'kube-apiserver': ['authorization-mode'] },
  description:
    'Without RBAC, Roles and RoleBindings have no effect and authorization falls to the other modes (ABAC files, webhooks or AlwaysAllow).',
  remediation: 'Include `RBAC` in `--authorization-mode`.',
  references: [cis('1.2.8', 'Ensure that the --authorization-mode argument includes RBAC'), flagDoc('kube-apiserver')],
  check(obj) {
    return forComponents(obj, ['kube-apiserver'], (c) => {
      return requireInList(c, 'authorization-mode', 'RBAC', 'Roles and RoleBindings are not enforced');
    });
  },
});
