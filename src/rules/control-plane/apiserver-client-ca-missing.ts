import { cis, defineControlPlaneRule, flagDoc, forComponents, requireFlags } from './flags.js';

export const rule = defineControlPlaneRule({
  id: 'apiserver-client-ca-missing',
  title: 'API server does not accept client certificates',
  category: 'control-plane',
  severity: 'high',
  appliesTo: ['Pod'],
  needs: 'object',
  flags: { 'kube-apiserver': ['client-ca-file'] },
  description: 'Without --client-ca-file the API server cannot authenticate kubelets and components by certificate.',
  remediation: 'Set `--client-ca-file` to the cluster CA.',
  references: [
    cis('1.2.25', 'Ensure that the --client-ca-file argument is set as appropriate'),
    flagDoc('kube-apiserver'),
  ],
  check(obj) {
    return forComponents(obj, ['kube-apiserver'], (c) => {
      return requireFlags(c, ['client-ca-file'], 'client certificates are not verified');
    });
  },
});
