import { matchesMapSelector } from '../../model/selector.js';
import { defineRule, type RuleHit } from '../rule.js';
import { ingressFromAnywhere, K8S_NETPOL_DOC, reachabilityOf, scopeHasPolicies } from './shared.js';

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
    // without any policy no pod is isolated, and every port is open
    if (!scopeHasPolicies(ctx)) return undefined;
    const r = reachabilityOf(ctx);
    const { services, podsByNs } = ctx.memo('service-port-unreachable:index', () => {
      const podsByNs = new Map<string, typeof r.pods>();
      for (const p of r.pods) {
        if (p.synthetic) continue;
        const list = podsByNs.get(p.namespace);
        if (list) list.push(p);
        else podsByNs.set(p.namespace, [p]);
      }
      return { services: new Map(r.model.services.map((s) => [`${s.namespace}/${s.name}`, s])), podsByNs };
    });
    const svc = services.get(`${obj.namespace ?? 'default'}/${obj.name}`);
    if (!svc?.selector || Object.keys(svc.selector).length === 0) return undefined;
    const sel = svc.selector;
    const pods = (podsByNs.get(svc.namespace) ?? []).filter((p) => matchesMapSelector(sel, p.labels));
    if (pods.length === 0) return undefined;
    // without admin tiers, only NetworkPolicies decide: a pod they do not isolate takes every port
    if (!r.hasAdmin && pods.some((p) => !r.isolation(p).ingress)) return undefined;
    const openings = (p: (typeof pods)[number]) =>
      r.hasAdmin ? ingressFromAnywhere(ctx, r, { type: 'pod', pod: p }) : r.ingressOpenings(p).someSource;
    const hits: RuleHit[] = [];
    svc.ports.forEach((sp, i) => {
      const target = sp.targetPort ?? sp.port;
      const reachable = pods.some((p) => {
        const num = typeof target === 'number' ? target : p.ports.find((c) => c.name === target)?.port;
        if (num === undefined) return false;
        const open = openings(p);
        return open.has('TCP', num) || open.has('UDP', num) || open.has('SCTP', num);
      });
      if (!reachable)
        hits.push({
          path: `/spec/ports/${i}`,
          message: r.hasAdmin
            ? `port ${sp.name ?? sp.port} (target ${target}) is reachable from no source through AdminNetworkPolicies, NetworkPolicies and the baseline`
            : `port ${sp.name ?? sp.port} (target ${target}) is not allowed by any ingress rule of the policies isolating the selected pods`,
        });
    });
    return hits;
  },
});
