import { defineRule, type RuleHit } from '../rule.js';
import { K8S_NETPOL_DOC, reachabilityOf } from './shared.js';

export const rule = defineRule({
  id: 'netpol-rule-never-matches',
  title: 'NetworkPolicy rule can never match',
  category: 'network',
  severity: 'low',
  appliesTo: ['NetworkPolicy'],
  needs: 'scope',
  description:
    'A rule of this policy can never allow anything: its ipBlock `except` list removes the whole CIDR, its peers select no workload of the scanned manifests, or it names a port (a named port) that no pod it applies to defines. Such a rule is dead code that usually hides a typo.',
  remediation:
    'Fix the selectors, the CIDR or the port name so that the rule matches the traffic it was written for, or remove the rule.',
  references: [K8S_NETPOL_DOC],
  check(obj, ctx) {
    const r = reachabilityOf(ctx);
    const p = r.model.policies.find((x) => x.object === obj);
    if (!p) return undefined;
    const hits: RuleHit[] = [];
    const selected = r.selectedBy(p);
    for (const [dir, rules] of [
      ['ingress', p.ingress],
      ['egress', p.egress],
    ] as const) {
      for (const rule of rules ?? []) {
        for (const peer of rule.peers) {
          if (peer.type === 'ip' && peer.block.length === 0)
            hits.push({
              path: `${peer.path}/ipBlock`,
              message: `${dir} rule ${rule.index}: the except list removes the whole CIDR`,
            });
          if (peer.type === 'pods' && r.pods.some((w) => !w.synthetic) && r.peerPods(p, peer).length === 0)
            hits.push({
              path: peer.path,
              message: `${dir} rule ${rule.index}: the peer selects no workload in the scanned manifests`,
            });
        }
        // Named ports resolve against the destination: the selected pods for ingress, the peers for egress.
        const dsts =
          dir === 'ingress'
            ? selected
            : rule.peers.flatMap((peer) => (peer.type === 'pods' ? r.peerPods(p, peer) : []));
        for (const [i, port] of rule.ports.entries()) {
          if (typeof port.port !== 'string' || dsts.length === 0) continue;
          const name = port.port;
          if (!dsts.some((d) => d.ports.some((c) => c.name === name && c.protocol === port.protocol)))
            hits.push({
              path: `${rule.path}/ports/${i}/port`,
              message: `${dir} rule ${rule.index}: no destination pod defines a ${port.protocol} port named "${name}"`,
            });
        }
      }
    }
    return hits;
  },
});
