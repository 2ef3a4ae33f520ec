import { at, cis, defineControlPlaneRule, flagDoc, forComponents, isFalse } from './flags.js';

export const rule = defineControlPlaneRule({
  id: 'etcd-manifest-peer-auto-tls',
  title: 'etcd uses self-signed peer certificates',
  category: 'control-plane',
  severity: 'high',
  appliesTo: ['Pod'],
  needs: 'object',
  flags: { etcd: ['peer-auto-tls'] },
  description: '--peer-auto-tls makes etcd generate self-signed peer certificates, so peers cannot verify each other.',
  remediation: 'Remove `--peer-auto-tls` and configure peer certificates from the etcd CA.',
  references: [cis('2.6', 'Ensure that the --peer-auto-tls argument is not set to true'), flagDoc('etcd')],
  check(obj) {
    return forComponents(obj, ['etcd'], (c) => {
      const f = c.flag('peer-auto-tls');
      return f && !isFalse(f.value)
        ? at(f, 'etcd --peer-auto-tls: self-signed peer certificates that nobody can verify')
        : undefined;
    });
  },
});
