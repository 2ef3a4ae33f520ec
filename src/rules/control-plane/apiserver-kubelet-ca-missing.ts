import { cis, defineControlPlaneRule, flagDoc, forComponents, requireFlags } from './flags.js';

export const rule = defineControlPlaneRule({
  id: 'apiserver-kubelet-ca-missing',
  title: 'API server does not verify kubelet certificates',
  category: 'control-plane',
  severity: 'high',
  appliesTo: ['Pod'],
  needs: 'object',
  flags: { 'kube-apiserver': ['kubelet-certificate-authority'] },
  description:
    'Without --kubelet-certificate-authority the API server does not verify the serving certificates of kubelets, so a machine in the middle can impersonate a node for exec, logs and port-forward.',
  remediation:
    'Set `--kubelet-certificate-authority` to the CA that signs kubelet serving certificates (and enable serving-certificate rotation).',
  references: [
    cis('1.2.5', 'Ensure that the --kubelet-certificate-authority argument is set as appropriate'),
    flagDoc('kube-apiserver'),
  ],
  check(obj) {
    return forComponents(obj, ['kube-apiserver'], (c) => {
      return requireFlags(c, ['kubelet-certificate-authority'], 'kubelet serving certificates are not verified');
    });
  },
});
