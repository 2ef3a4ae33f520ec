import { at, cis, defineControlPlaneRule, flagDoc, forComponents, isTrue, missing } from './flags.js';

export const rule = defineControlPlaneRule({
  id: 'etcd-manifest-peer-client-cert-auth-off',
  title: 'etcd accepts peers without a certificate',
  category: 'control-plane',
  severity: 'high',
  appliesTo: ['Pod'],
  needs: 'object',
  flags: { etcd: ['peer-client-cert-auth'] },
  description: 'Without --peer-client-cert-auth any host that reaches the peer port can join the raft conversation.',
  remediation: 'Set `--peer-client-cert-auth=true` and `--peer-trusted-ca-file`.',
  references: [cis('2.5', 'Ensure that the --peer-client-cert-auth argument is set to true'), flagDoc('etcd')],
  check(obj) {
    return forComponents(obj, ['etcd'], (c) => {
      const f = c.flag('peer-client-cert-auth');
      if (!f) return missing(c, 'etcd has no --peer-client-cert-auth=true: peers are not authenticated');
      return isTrue(f.value ?? 'true')
        ? undefined
        : at(f, `etcd --peer-client-cert-auth=${f.value ?? ''}: peers are not authenticated`);
    });
  },
});
