import { cis, defineControlPlaneRule, flagDoc, forComponents, requireFlags } from './flags.js';

export const rule = defineControlPlaneRule({
  id: 'etcd-manifest-tls-missing',
  title: 'etcd serves clients without TLS',
  category: 'control-plane',
  severity: 'high',
  appliesTo: ['Pod'],
  needs: 'object',
  flags: { etcd: ['cert-file', 'key-file'] },
  description:
    'etcd holds every Secret of the cluster; without --cert-file and --key-file its client traffic is plain text.',
  remediation: 'Set `--cert-file` and `--key-file` and serve `https://` client URLs.',
  references: [
    cis('2.1', 'Ensure that the --cert-file and --key-file arguments are set as appropriate'),
    flagDoc('etcd'),
  ],
  check(obj) {
    return forComponents(obj, ['etcd'], (c) => {
      return requireFlags(c, ['cert-file', 'key-file'], 'client traffic to etcd is not encrypted');
    });
  },
});
