import { matchesMapSelector } from '../../model/selector.js';
import { defineRule, type RuleHit } from '../rule.js';
import { K8S_NETPOL_DOC, reachabilityOf } from './shared.js';

export const rule = defineRule({
  id: 'service-port-unreachable',
  title: 'No NetworkPolicy lets anyone reach a Service port',
  category: 'network',
  severity: 'low',
  appliesTo: ['Service'],
  needs: 'scope',
  description:
    'Every pod behind this Service is isolated for ingress by NetworkPolicies, and no ingress rule allows the target port from any source. The port is dead: clients time out. Either the Service port is obsolete or a policy is missing.',
  remediation:
    'Allow the port in an ingress rule of a policy that selects the pods (from the clients that need it), or remove the port from the Service.',
  references: [K8S_NETPOL_DOC],
  check(obj, ctx) {
    const r = reachabilityOf(ctx);
    const svc = r.model.services.find((s) => s.namespace === (obj.namespace ?? 'default') && s.name === obj.name);
    if (!svc?.selector || Object.keys(svc.selector).length === 0) return undefined;
    const sel = svc.selector;
    const pods = r.pods.filter(
      (p) => !p.synthetic && p.namespace === svc.namespace && matchesMapSelector(sel, p.labels),
    );
    if (pods.length === 0 || pods.some((p) => !r.isolation(p).ingress)) return undefined;
    const hits: RuleHit[] = [];
    svc.ports.forEach((sp, i) => {
      const target = sp.targetPort ?? sp.port;
      const reachable = pods.some((p) => {
        const num = typeof target === 'number' ? target : p.ports.find((c) => c.name === target)?.port;
        if (num === undefined) return false;
        const open = r.ingressOpenings(p).someSource;
        return open.has('TCP', num) || open.has('UDP', num) || open.has('SCTP', num);
      });
      if (!reachable)
        hits.push({
          path: `/spec/ports/${i}`,
          message: `port ${sp.name ?? sp.port} (target ${target}) is not allowed by any ingress rule of the policies isolating the selected pods`,
        });
    });
    return hits;
  },
});
