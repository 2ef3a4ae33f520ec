import { at, cis, defineControlPlaneRule, flagDoc, forComponents, isFalse } from './flags.js';

export const rule = defineControlPlaneRule({
  id: 'etcd-manifest-auto-tls',
  title: 'etcd uses self-signed client certificates',
  category: 'control-plane',
  severity: 'high',
  appliesTo: ['Pod'],
  needs: 'object',
  flags: { etcd: ['auto-tls'] },
  description: '--auto-tls makes etcd generate self-signed certificates that clients cannot verify.',
  remediation: 'Remove `--auto-tls` and configure `--cert-file`/`--key-file` from the cluster CA.',
  references: [cis('2.3', 'Ensure that the --auto-tls argument is not set to true'), flagDoc('etcd')],
  check(obj) {
    return forComponents(obj, ['etcd'], (c) => {
      const f = c.flag('auto-tls');
      return f && !isFalse(f.value)
        ? at(f, 'etcd --auto-tls: self-signed client certificates that nobody can verify')
        : undefined;
    });
  },
});
