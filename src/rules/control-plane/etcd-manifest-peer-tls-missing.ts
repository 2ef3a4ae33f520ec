import { cis, defineControlPlaneRule, flagDoc, forComponents, requireFlags } from './flags.js';

export const rule = defineControlPlaneRule({
  id: 'etcd-manifest-peer-tls-missing',
  title: 'etcd peers talk without TLS',
  category: 'control-plane',
  severity: 'high',
  appliesTo: ['Pod'],
  needs: 'object',
  flags: { etcd: ['peer-cert-file', 'peer-key-file'] },
  description:
    'Without peer certificates, replication traffic between etcd members (every write of the cluster) crosses the network in plain text.',
  remediation: 'Set `--peer-cert-file` and `--peer-key-file` and use `https://` peer URLs.',
  references: [
    cis('2.4', 'Ensure that the --peer-cert-file and --peer-key-file arguments are set as appropriate'),
    flagDoc('etcd'),
  ],
  check(obj) {
    return forComponents(obj, ['etcd'], (c) => {
      return requireFlags(c, ['peer-cert-file', 'peer-key-file'], 'replication between members is not encrypted');
    });
  },
});
