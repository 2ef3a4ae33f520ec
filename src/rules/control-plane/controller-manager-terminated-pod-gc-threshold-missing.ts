import { cis, defineControlPlaneRule, flagDoc, forComponents, requireFlags } from './flags.js';

export const rule = defineControlPlaneRule({
  id: 'controller-manager-terminated-pod-gc-threshold-missing',
  title: 'Terminated pods are kept up to 12,500',
  category: 'control-plane',
  severity: 'low',
  appliesTo: ['Pod'],
  needs: 'object',
  flags: { 'kube-controller-manager': ['terminated-pod-gc-threshold'] },
  description:
    'By default the pod garbage collector keeps 12,500 terminated pods, which slows the API server and etcd in busy clusters.',
  remediation: 'Set `--terminated-pod-gc-threshold` to a value that fits the cluster (e.g. 10 to 1000).',
  references: [
    cis('1.3.1', 'Ensure that the --terminated-pod-gc-threshold argument is set as appropriate'),
    flagDoc('kube-controller-manager'),
  ],
  check(obj) {
    return forComponents(obj, ['kube-controller-manager'], (c) => {
      return requireFlags(c, ['terminated-pod-gc-threshold'], 'terminated pods accumulate up to 12,500');
    });
  },
});
