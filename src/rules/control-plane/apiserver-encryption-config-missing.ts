import { cis, defineControlPlaneRule, flagDoc, forComponents, requireFlags } from './flags.js';

export const rule = defineControlPlaneRule({
  id: 'apiserver-encryption-config-missing',
  title: 'Secrets are stored unencrypted in etcd',
  category: 'control-plane',
  severity: 'high',
  appliesTo: ['Pod'],
  needs: 'object',
  flags: { 'kube-apiserver': ['encryption-provider-config'] },
  description:
    'Without an encryption provider config, Secrets are stored in etcd in plain text: anyone with an etcd backup or disk reads every credential.',
  remediation:
    'Set `--encryption-provider-config` to a config that encrypts `secrets` (KMS v2 preferred, or aescbc/secretbox), then rewrite existing secrets.',
  references: [
    cis('1.2.27', 'Ensure that the --encryption-provider-config argument is set as appropriate'),
    flagDoc('kube-apiserver'),
  ],
  check(obj) {
    return forComponents(obj, ['kube-apiserver'], (c) => {
      return requireFlags(c, ['encryption-provider-config'], 'Secrets are stored in etcd in plain text');
    });
  },
});
