import { cis, defineControlPlaneRule, flagDoc, forComponents, requireInList } from './flags.js';

export const rule = defineControlPlaneRule({
  id: 'apiserver-node-restriction-missing',
  title: 'NodeRestriction admission plugin is off',
  category: 'control-plane',
  severity: 'high',
  appliesTo: ['Pod'],
  needs: 'object',
  flags: { 'kube-apiserver': ['enable-admission-plugins'] },
  description:
    'NodeRestriction limits what a kubelet may modify to its own Node and the pods bound to it; without it a compromised node can relabel other nodes and attract workloads.',
  remediation: 'Add `NodeRestriction` to `--enable-admission-plugins` (with `Node` in `--authorization-mode`).',
  references: [
    cis('1.2.14', 'Ensure that the admission control plugin NodeRestriction is set'),
    flagDoc('kube-apiserver'),
  ],
  check(obj) {
    return forComponents(obj, ['kube-apiserver'], (c) => {
      return requireInList(
        c,
        'enable-admission-plugins',
        'NodeRestriction',
        'a kubelet may modify other nodes and their pods',
      );
    });
  },
});
