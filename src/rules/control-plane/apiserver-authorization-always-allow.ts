import { cis, defineControlPlaneRule, flagDoc, forbidInList, forComponents, missing } from './flags.js';

export const rule = defineControlPlaneRule({
  id: 'apiserver-authorization-always-allow',
  title: 'API server authorizes every request',
  category: 'control-plane',
  severity: 'critical',
  appliesTo: ['Pod'],
  needs: 'object',
  flags: { 'kube-apiserver': ['authorization-mode'] },
  description:
    'AlwaysAllow authorizes every authenticated (and, with anonymous auth, unauthenticated) request: RBAC is not consulted at all. It is also the default when --authorization-mode is not set.',
  remediation: 'Set `--authorization-mode=Node,RBAC`.',
  references: [
    cis('1.2.6', 'Ensure that the --authorization-mode argument is not set to AlwaysAllow'),
    flagDoc('kube-apiserver'),
  ],
  check(obj) {
    return forComponents(obj, ['kube-apiserver'], (c) => {
      const hit = forbidInList(c, 'authorization-mode', 'AlwaysAllow', 'every request is authorized, RBAC is bypassed');
      if (hit) return hit;
      return c.flag('authorization-mode')
        ? undefined
        : missing(c, 'kube-apiserver has no --authorization-mode: it defaults to AlwaysAllow');
    });
  },
});
