import { defineRule } from '../rule.js';
import { isolatesWholeNamespace, K8S_NETPOL_DOC, NSA_CISA_NETWORK } from './shared.js';

export const rule = defineRule({
  id: 'namespace-without-default-deny-egress',
  title: 'Namespace has no default-deny egress NetworkPolicy',
  category: 'network',
  severity: 'medium',
  appliesTo: ['Namespace'],
  needs: 'scope',
  description:
    'No NetworkPolicy in this namespace selects every pod (`podSelector: {}`) with policy type Egress. Pods that no policy selects accept all egress traffic, so a new workload is open until someone writes a policy for it.',
  remediation:
    'Add a NetworkPolicy with `podSelector: {}` and `policyTypes: [Egress]` (and no egress rules) to the namespace, then allow the traffic each workload needs with narrower policies.',
  references: [
    { title: 'CIS Kubernetes Benchmark 5.3.2 (all namespaces have NetworkPolicies defined)' },
    NSA_CISA_NETWORK,
    K8S_NETPOL_DOC,
  ],
  check(obj, ctx) {
    if (isolatesWholeNamespace(ctx, obj.name, 'egress')) return undefined;
    return [
      {
        path: '/metadata/name',
        message: `namespace "${obj.name}" has no NetworkPolicy that selects all pods for Egress, so unselected pods accept all egress traffic`,
      },
    ];
  },
});
