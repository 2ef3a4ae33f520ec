import { cis, defineControlPlaneRule, flagDoc, forComponents, requireInList } from './flags.js';

export const rule = defineControlPlaneRule({
  id: 'apiserver-authorization-node-missing',
  title: 'Node authorizer is off',
  category: 'control-plane',
  severity: 'medium',
  appliesTo: ['Pod'],
  needs: 'object',
  flags: { 'kube-apiserver': ['authorization-mode'] },
  description:
    'The Node authorizer limits each kubelet to the objects of pods bound to its own node; without it a compromised node can read every secret its RBAC allows.',
  remediation:
    'Include `Node` in `--authorization-mode` (e.g. `Node,RBAC`) together with the NodeRestriction admission plugin.',
  references: [cis('1.2.7', 'Ensure that the --authorization-mode argument includes Node'), flagDoc('kube-apiserver')],
  check(obj) {
    return forComponents(obj, ['kube-apiserver'], (c) => {
      return requireInList(c, 'authorization-mode', 'Node', "kubelets are not limited to their own pods' objects");
    });
  },
});
