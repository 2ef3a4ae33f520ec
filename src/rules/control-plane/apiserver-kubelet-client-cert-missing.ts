import { cis, defineControlPlaneRule, flagDoc, forComponents, requireFlags } from './flags.js';

export const rule = defineControlPlaneRule({
  id: 'apiserver-kubelet-client-cert-missing',
  title: 'API server has no client certificate for kubelets',
  category: 'control-plane',
  severity: 'high',
  appliesTo: ['Pod'],
  needs: 'object',
  flags: { 'kube-apiserver': ['kubelet-client-certificate', 'kubelet-client-key'] },
  description:
    'Without a client certificate the API server cannot authenticate to kubelets, so kubelets must accept unauthenticated requests for exec, logs and port-forward.',
  remediation: 'Set `--kubelet-client-certificate` and `--kubelet-client-key` to a certificate the kubelets trust.',
  references: [
    cis(
      '1.2.4',
      'Ensure that the --kubelet-client-certificate and --kubelet-client-key arguments are set as appropriate',
    ),
    flagDoc('kube-apiserver'),
  ],
  check(obj) {
    return forComponents(obj, ['kube-apiserver'], (c) => {
      return requireFlags(
        c,
        ['kubelet-client-certificate', 'kubelet-client-key'],
        'the API server cannot authenticate to kubelets',
      );
    });
  },
});
