import { defineRule } from '../rule.js';
import { K8S_NETPOL_DOC, reachabilityOf } from './shared.js';

export const rule = defineRule({
  id: 'netpol-selects-no-pods',
  title: 'NetworkPolicy selects no pods',
  category: 'network',
  severity: 'low',
  appliesTo: ['NetworkPolicy'],
  needs: 'scope',
  description:
    'The podSelector of this NetworkPolicy matches no workload of the scanned manifests in its namespace. The policy protects nothing: often a label was renamed in the workload and not in the policy, leaving the workload open.',
  remediation:
    'Fix the podSelector (or the pod template labels) so that the policy selects the workloads it is meant to protect, or delete the policy.',
  references: [K8S_NETPOL_DOC],
  check(obj, ctx) {
    const r = reachabilityOf(ctx);
    const p = r.model.policies.find((x) => x.object === obj);
    if (!p) return undefined;
    if (!r.pods.some((w) => !w.synthetic && w.namespace === p.namespace)) return undefined; // nothing to judge against
    if (r.selectedBy(p).length > 0) return undefined;
    return [{ path: '/spec/podSelector', message: `podSelector matches no workload in namespace "${p.namespace}"` }];
  },
});
