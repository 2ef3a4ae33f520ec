import type { RuleHit } from '../rule.js';
import { at, cis, controlPlaneContainers, defineControlPlaneRule, flagDoc } from './flags.js';

export const rule = defineControlPlaneRule({
  id: 'etcd-ca-shared-with-apiserver',
  title: 'etcd trusts the same CA as the API server',
  category: 'control-plane',
  severity: 'medium',
  appliesTo: ['Pod'],
  needs: 'scope',
  flags: { 'kube-apiserver': ['client-ca-file'], etcd: ['trusted-ca-file', 'peer-trusted-ca-file'] },
  description:
    "etcd's --trusted-ca-file (clients) or --peer-trusted-ca-file (peers) is the same file as the API server's --client-ca-file. Every client certificate the cluster CA signs (kubelets, users, controllers) is then also a valid etcd client (or peer) certificate, and etcd's certificate authentication no longer limits who can read and write the whole cluster state. Compared between the etcd and kube-apiserver static pod manifests of one scan scope (the same node's /etc/kubernetes/manifests).",
  remediation:
    'Give etcd its own CA (kubeadm: /etc/kubernetes/pki/etcd/ca.crt) for --trusted-ca-file and --peer-trusted-ca-file, and issue the API server an etcd client certificate from it (--etcd-certfile/--etcd-keyfile).',
  references: [cis('2.7', 'Ensure that a unique Certificate Authority is used for etcd'), flagDoc('etcd')],
  check(obj, ctx) {
    const etcd = controlPlaneContainers(obj).filter((c) => c.component === 'etcd');
    if (etcd.length === 0) return undefined;
    const clientCAs = ctx.memo('control-plane:apiserver-client-cas', () => {
      const out = new Set<string>();
      for (const pod of ctx.scope.ofKind('Pod'))
        for (const c of controlPlaneContainers(pod)) {
          const ca = c.component === 'kube-apiserver' ? c.value('client-ca-file') : undefined;
          if (ca) out.add(normalisePath(ca));
        }
      return out;
    });
    const hits: RuleHit[] = [];
    for (const c of etcd) {
      for (const [name, who] of [
        ['trusted-ca-file', 'client certificates'],
        ['peer-trusted-ca-file', 'peer certificates (members joining the cluster)'],
      ] as const) {
        const f = c.flag(name);
        if (f?.value && clientCAs.has(normalisePath(f.value)))
          hits.push(
            at(f, `etcd --${name}=${f.value} trusts for ${who} the CA the API server trusts for all cluster clients`),
          );
      }
    }
    return hits;
  },
});

/** `/etc//kubernetes/./pki/ca.crt` and `/etc/kubernetes/pki/ca.crt` name the same file. */
function normalisePath(p: string): string {
  const out: string[] = [];
  for (const seg of p.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') out.pop();
    else out.push(seg);
  }
  return `${p.startsWith('/') ? '/' : ''}${out.join('/')}`;
}
