import { cis, defineControlPlaneRule, flagDoc, forComponents, requireFlags } from './flags.js';

export const rule = defineControlPlaneRule({
  id: 'apiserver-etcd-ca-missing',
  title: 'API server does not verify etcd',
  category: 'control-plane',
  severity: 'high',
  appliesTo: ['Pod'],
  needs: 'object',
  flags: { 'kube-apiserver': ['etcd-cafile'] },
  description:
    'Without --etcd-cafile the API server does not verify the etcd server certificate, so a machine in the middle can serve it forged cluster state.',
  remediation: 'Set `--etcd-cafile` to the CA of the etcd serving certificates.',
  references: [
    cis('1.2.26', 'Ensure that the --etcd-cafile argument is set as appropriate'),
    flagDoc('kube-apiserver'),
  ],
  check(obj) {
    return forComponents(obj, ['kube-apiserver'], (c) => {
      return requireFlags(c, ['etcd-cafile'], 'the etcd server certificate is not verified');
    });
  },
});
