import { at, cis, defineControlPlaneRule, flagDoc, forComponents, isFalse } from './flags.js';

export const rule = defineControlPlaneRule({
  id: 'apiserver-service-account-lookup-disabled',
  title: 'Service-account tokens are not checked against etcd',
  category: 'control-plane',
  severity: 'medium',
  appliesTo: ['Pod'],
  needs: 'object',
  flags: { 'kube-apiserver': ['service-account-lookup'] },
  description:
    'With --service-account-lookup=false a token stays valid after its service account or secret is deleted.',
  remediation: 'Remove `--service-account-lookup=false` (the default is true).',
  references: [
    cis('1.2.21', 'Ensure that the --service-account-lookup argument is set to true'),
    flagDoc('kube-apiserver'),
  ],
  check(obj) {
    return forComponents(obj, ['kube-apiserver'], (c) => {
      const f = c.flag('service-account-lookup');
      return f && isFalse(f.value)
        ? at(f, 'kube-apiserver --service-account-lookup=false: tokens of deleted service accounts stay valid')
        : undefined;
    });
  },
});
