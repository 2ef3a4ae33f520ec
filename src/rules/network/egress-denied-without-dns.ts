import { defineRule } from '../rule.js';
import { egressAnywhere, K8S_NETPOL_DOC, reachabilityOf, scopeHasPolicies } from './shared.js';

export const rule = defineRule({
  id: 'egress-denied-without-dns',
  title: 'Egress is restricted but DNS is not allowed',
  category: 'network',
  severity: 'medium',
  appliesTo: 'workloads',
  needs: 'scope',
  description:
    'NetworkPolicies isolate this workload for egress and none of their rules allows UDP port 53 to any destination. The pods cannot resolve names (Services included), which breaks them in ways that look unrelated to policy. Where AdminNetworkPolicies or a BaselineAdminNetworkPolicy are in the scope, all three tiers are evaluated against every destination, with the cluster DNS taken as kube-system pods labelled `k8s-app: kube-dns`.',
  remediation:
    'Add an egress rule that allows UDP and TCP port 53 to the cluster DNS pods (for example `namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: kube-system}}` with `podSelector: {matchLabels: {k8s-app: kube-dns}}`).',
  references: [K8S_NETPOL_DOC],
  check(obj, ctx) {
    if (!scopeHasPolicies(ctx)) return undefined;
    const r = reachabilityOf(ctx);
    const pod = r.podOf(obj);
    if (!pod) return undefined;
    if (r.hasAdmin) {
      // admin tiers may allow DNS over NetworkPolicies, or deny it under them
      if (egressAnywhere(ctx, r, { type: 'pod', pod }).has('UDP', 53)) return undefined;
      return [
        {
          message: `egress of ${pod.namespace}/${pod.name} allows UDP 53 (DNS) to no destination, the cluster DNS included, through AdminNetworkPolicies, NetworkPolicies and the baseline`,
        },
      ];
    }
    if (!r.isolation(pod).egress) return undefined;
    if (r.egressOpenings(pod).has('UDP', 53)) return undefined;
    return [
      {
        message: `egress of ${pod.namespace}/${pod.name} is restricted by NetworkPolicies and no rule allows UDP 53 (DNS)`,
      },
    ];
  },
});
