import { defineRule } from '../rule.js';
import { isolatesWholeNamespace, K8S_NETPOL_DOC, NSA_CISA_NETWORK } from './shared.js';

export const rule = defineRule({
  id: 'namespace-without-default-deny-ingress',
  title: 'Namespace has no default-deny ingress NetworkPolicy',
  category: 'network',
  severity: 'medium',
  appliesTo: ['Namespace'],
  needs: 'scope',
  description:
    'No NetworkPolicy in this namespace selects every pod (`podSelector: {}`) with policy type Ingress. Pods that no policy selects accept all ingress traffic, so a new workload is open until someone writes a policy for it.',
  remediation:
    'Add a NetworkPolicy with `podSelector: {}` and `policyTypes: [Ingress]` (and no ingress rules) to the namespace, then allow the traffic each workload needs with narrower policies.',
  references: [
    { title: 'CIS Kubernetes Benchmark 5.3.2 (all namespaces have NetworkPolicies defined)' },
    NSA_CISA_NETWORK,
    K8S_NETPOL_DOC,
  ],
  check(obj, ctx) {
    if (isolatesWholeNamespace(ctx, obj.name, 'ingress')) return undefined;
    return [
      {
        path: '/metadata/name',
        message: `namespace "${obj.name}" has no NetworkPolicy that selects all pods for Ingress, so unselected pods accept all ingress traffic`,
      },
    ];
  },
});
