import { defineRule } from '../rule.js';
import { K8S_NETPOL_DOC, NSA_CISA_NETWORK, reachabilityOf, scopeHasPolicies } from './shared.js';

export const rule = defineRule({
  id: 'workload-without-network-policy',
  title: 'Workload selected by no NetworkPolicy in a namespace that has them',
  category: 'network',
  severity: 'medium',
  appliesTo: 'workloads',
  needs: 'scope',
  description:
    "No NetworkPolicy selects this workload's pods, for ingress or egress, although the scanned manifests hold NetworkPolicies for its namespace: the pods accept connections from anywhere and may connect anywhere, usually because the workload was added (or its labels changed) after the policies were written. The rule looks only at namespaces for which the scope holds at least one NetworkPolicy, so manifests that ship no policies at all are left to the namespace rules (`namespace-without-default-deny-ingress`/`-egress`, on Namespace objects). Pods on the host network (which NetworkPolicies do not govern) and the subjects of AdminNetworkPolicies or the BaselineAdminNetworkPolicy (whose traffic cluster policy already rules) are not reported.",
  remediation:
    "Add a NetworkPolicy that selects the workload's pod labels and allows only the traffic it needs, or a default-deny policy (`podSelector: {}`, `policyTypes: [Ingress, Egress]`) for the whole namespace so that new workloads start closed.",
  references: [
    { title: 'CIS Kubernetes Benchmark 5.3.2 (all namespaces have NetworkPolicies defined)' },
    { title: 'Kubescape C-0260 (Missing network policy)' },
    NSA_CISA_NETWORK,
    K8S_NETPOL_DOC,
  ],
  check(obj, ctx) {
    const w = ctx.workload;
    if (!w || !scopeHasPolicies(ctx)) return undefined;
    if (w.podSpec.hostNetwork === true) return undefined;
    const r = reachabilityOf(ctx);
    const pod = ctx.memo('netpol:pod-by-object', () => new Map(r.pods.map((p) => [p.object, p]))).get(obj);
    if (!pod || pod.synthetic) return undefined;
    const nsPolicies = ctx.memo('workload-without-network-policy:by-namespace', () => {
      const m = new Map<string, string[]>();
      for (const p of r.model.policies) m.set(p.namespace, [...(m.get(p.namespace) ?? []), p.name]);
      return m;
    });
    const names = nsPolicies.get(pod.namespace);
    if (!names) return undefined;
    const iso = r.isolation(pod);
    if (iso.ingress || iso.egress) return undefined;
    const admins = r.model.baseline ? [...r.model.adminPolicies, r.model.baseline] : r.model.adminPolicies;
    if (admins.some((a) => r.isAdminSubject(a, pod) && a.ingress.length + a.egress.length > 0)) return undefined;
    const shown = names.length > 3 ? `${names.slice(0, 3).join(', ')} and ${names.length - 3} more` : names.join(', ');
    const labels = w.podMetadata.labels;
    return [
      {
        path: `${w.templatePath}/metadata${labels && typeof labels === 'object' ? '/labels' : ''}`,
        message: `${w.kind} ${pod.namespace}/${obj.name} is selected by no NetworkPolicy (namespace "${pod.namespace}" has ${names.length === 1 ? 'policy' : 'policies'} ${shown}): its pods accept all ingress and may open any egress`,
      },
    ];
  },
});
