import { at, cis, defineControlPlaneRule, flagDoc, forComponents, isTrue, missing } from './flags.js';

export const rule = defineControlPlaneRule({
  id: 'etcd-manifest-client-cert-auth-off',
  title: 'etcd accepts clients without a certificate',
  category: 'control-plane',
  severity: 'high',
  appliesTo: ['Pod'],
  needs: 'object',
  flags: { etcd: ['client-cert-auth'] },
  description:
    'Without --client-cert-auth any process that reaches the etcd client port can read and write the whole cluster state.',
  remediation: 'Set `--client-cert-auth=true` and `--trusted-ca-file`.',
  references: [cis('2.2', 'Ensure that the --client-cert-auth argument is set to true'), flagDoc('etcd')],
  check(obj) {
    return forComponents(obj, ['etcd'], (c) => {
      const f = c.flag('client-cert-auth');
      if (!f) return missing(c, 'etcd has no --client-cert-auth=true: any client that reaches it is served');
      return isTrue(f.value ?? 'true')
        ? undefined
        : at(f, `etcd --client-cert-auth=${f.value ?? ''}: any client that reaches it is served`);
    });
  },
});
