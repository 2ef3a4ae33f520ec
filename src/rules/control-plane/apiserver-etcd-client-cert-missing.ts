import { cis, defineControlPlaneRule, flagDoc, forComponents, requireFlags } from './flags.js';

export const rule = defineControlPlaneRule({
  id: 'apiserver-etcd-client-cert-missing',
  title: 'API server talks to etcd without a client certificate',
  category: 'control-plane',
  severity: 'high',
  appliesTo: ['Pod'],
  needs: 'object',
  flags: { 'kube-apiserver': ['etcd-certfile', 'etcd-keyfile'] },
  description:
    'etcd holds every secret of the cluster; without client-certificate authentication from the API server, etcd must accept unauthenticated clients.',
  remediation:
    'Set `--etcd-certfile` and `--etcd-keyfile` and require client certificates on etcd (`--client-cert-auth`).',
  references: [
    cis('1.2.23', 'Ensure that the --etcd-certfile and --etcd-keyfile arguments are set as appropriate'),
    flagDoc('kube-apiserver'),
  ],
  check(obj) {
    return forComponents(obj, ['kube-apiserver'], (c) => {
      return requireFlags(c, ['etcd-certfile', 'etcd-keyfile'], 'the API server does not authenticate to etcd');
    });
  },
});
