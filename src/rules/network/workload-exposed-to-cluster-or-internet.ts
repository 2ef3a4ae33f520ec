import * as iv from '../../engines/netpol/intervals.js';
import { ALL_IPV4 } from '../../engines/netpol/ip.js';
import type { NpPort } from '../../engines/netpol/model.js';
import { defineRule } from '../rule.js';
import { K8S_NETPOL_DOC, NSA_CISA_NETWORK, reachabilityOf } from './shared.js';

export const rule = defineRule({
  id: 'workload-exposed-to-cluster-or-internet',
  title: 'NetworkPolicy opens a workload to the entire cluster or to 0.0.0.0/0',
  category: 'network',
  severity: 'high',
  appliesTo: ['NetworkPolicy'],
  needs: 'scope',
  description:
    'An ingress rule of this policy admits traffic from every pod in every namespace (`namespaceSelector: {}` with no or an empty podSelector, or no `from` at all) or from every IPv4 address (`ipBlock: 0.0.0.0/0`). The selected workloads are reachable by anything that gets a foothold anywhere in the cluster, or from the internet when a load balancer or node port reaches them.',
  remediation:
    'Name the namespaces and pods that need the traffic (namespaceSelector with labels, podSelector), and narrow ipBlock to the address ranges of the real clients.',
  references: [NSA_CISA_NETWORK, K8S_NETPOL_DOC, { title: 'MITRE ATT&CK T1210 (Exploitation of Remote Services)' }],
  check(obj, ctx) {
    const r = reachabilityOf(ctx);
    const p = r.model.policies.find((x) => x.object === obj);
    if (!p?.ingress) return undefined;
    const hits = [];
    for (const rule of p.ingress) {
      if (rule.peers.length === 0) {
        hits.push({
          path: rule.path,
          message:
            rule.ports.length === 0
              ? `ingress rule ${rule.index} has no "from" and no "ports", so it admits every pod and every address on every port`
              : `ingress rule ${rule.index} has no "from", so it admits every pod and every address, but only ${portsText(rule.ports)}`,
        });
        continue;
      }
      for (const peer of rule.peers) {
        if (peer.type === 'ip' && iv.isSubset(ALL_IPV4, peer.block))
          hits.push({
            path: `${peer.path}/ipBlock/cidr`,
            message: `ingress rule ${rule.index} admits every IPv4 address (0.0.0.0/0), ${portsText(rule.ports)}`,
          });
        if (
          peer.type === 'pods' &&
          peer.nsSel !== undefined &&
          Object.keys(peer.nsSel.matchLabels ?? {}).length === 0 &&
          (peer.nsSel.matchExpressions ?? []).length === 0 &&
          (peer.podSel === undefined ||
            (Object.keys(peer.podSel.matchLabels ?? {}).length === 0 &&
              (peer.podSel.matchExpressions ?? []).length === 0))
        )
          hits.push({
            path: `${peer.path}/namespaceSelector`,
            message: `ingress rule ${rule.index} admits every pod in every namespace (the entire cluster), ${portsText(rule.ports)}`,
          });
      }
    }
    return hits;
  },
});

/** `on every port`, `on ports 8080/TCP, 53/UDP`, `on every UDP port`: what a rule's `ports` open. */
function portsText(ports: readonly NpPort[]): string {
  if (ports.length === 0) return 'on every port';
  const each = ports.map((p) =>
    p.port === undefined
      ? `every ${p.protocol} port`
      : `${typeof p.port === 'string' ? JSON.stringify(p.port) : p.port}${p.endPort !== undefined ? `-${p.endPort}` : ''}/${p.protocol}`,
  );
  if (ports.length === 1 && ports[0]?.port === undefined) return `on ${each[0]}`;
  return `on port${ports.length === 1 && ports[0]?.endPort === undefined ? '' : 's'} ${each.join(', ')}`;
}
