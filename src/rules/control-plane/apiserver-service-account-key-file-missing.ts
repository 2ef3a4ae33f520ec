import { cis, defineControlPlaneRule, flagDoc, forComponents, requireFlags } from './flags.js';

export const rule = defineControlPlaneRule({
  id: 'apiserver-service-account-key-file-missing',
  title: 'No key to verify service-account tokens',
  category: 'control-plane',
  severity: 'medium',
  appliesTo: ['Pod'],
  needs: 'object',
  flags: { 'kube-apiserver': ['service-account-key-file'] },
  description:
    'Without --service-account-key-file the API server verifies tokens with its TLS key, so rotating the serving certificate and the token keys cannot be done independently.',
  remediation: 'Set `--service-account-key-file` to the public key(s) that verify service-account tokens.',
  references: [
    cis('1.2.22', 'Ensure that the --service-account-key-file argument is set as appropriate'),
    flagDoc('kube-apiserver'),
  ],
  check(obj) {
    return forComponents(obj, ['kube-apiserver'], (c) => {
      return requireFlags(c, ['service-account-key-file'], 'token keys are tied to the serving key');
    });
  },
});
