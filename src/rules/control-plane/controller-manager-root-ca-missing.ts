import { cis, defineControlPlaneRule, flagDoc, forComponents, requireFlags } from './flags.js';

export const rule = defineControlPlaneRule({
  id: 'controller-manager-root-ca-missing',
  title: 'Pods do not get the cluster CA',
  category: 'control-plane',
  severity: 'medium',
  appliesTo: ['Pod'],
  needs: 'object',
  flags: { 'kube-controller-manager': ['root-ca-file'] },
  description:
    'Without --root-ca-file the CA bundle mounted into pods may not verify the API server, inviting clients to skip verification.',
  remediation: 'Set `--root-ca-file` to the cluster CA bundle.',
  references: [
    cis('1.3.5', 'Ensure that the --root-ca-file argument is set as appropriate'),
    flagDoc('kube-controller-manager'),
  ],
  check(obj) {
    return forComponents(obj, ['kube-controller-manager'], (c) => {
      return requireFlags(c, ['root-ca-file'], 'pods cannot verify the API server certificate');
    });
  },
});
