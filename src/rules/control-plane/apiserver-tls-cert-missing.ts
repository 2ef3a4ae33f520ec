import { cis, defineControlPlaneRule, flagDoc, forComponents, requireFlags } from './flags.js';

export const rule = defineControlPlaneRule({
  id: 'apiserver-tls-cert-missing',
  title: 'API server has no TLS certificate configured',
  category: 'control-plane',
  severity: 'high',
  appliesTo: ['Pod'],
  needs: 'object',
  flags: { 'kube-apiserver': ['tls-cert-file', 'tls-private-key-file'] },
  description:
    'Without an explicit serving certificate the API server generates a self-signed one that clients cannot verify, inviting --insecure-skip-tls-verify.',
  remediation: 'Set `--tls-cert-file` and `--tls-private-key-file` to a certificate signed by the cluster CA.',
  references: [
    cis('1.2.24', 'Ensure that the --tls-cert-file and --tls-private-key-file arguments are set as appropriate'),
    flagDoc('kube-apiserver'),
  ],
  check(obj) {
    return forComponents(obj, ['kube-apiserver'], (c) => {
      return requireFlags(c, ['tls-cert-file', 'tls-private-key-file'], 'clients cannot verify the API server');
    });
  },
});
