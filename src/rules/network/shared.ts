import { Reachability } from '../../engines/netpol/analyze.js';
import { buildModel } from '../../engines/netpol/model.js';
import type { RuleContext } from '../rule.js';

/** The reachability engine over the rule's scope, computed once per scope. */
const POLICY_KINDS = ['NetworkPolicy', 'AdminNetworkPolicy', 'BaselineAdminNetworkPolicy'];

/** Whether the scope has any policy at all; without one no pod is isolated and nothing needs computing. */
export function scopeHasPolicies(ctx: RuleContext): boolean {
  return POLICY_KINDS.some((k) => ctx.scope.ofKind(k).length > 0);
}

export function reachabilityOf(ctx: RuleContext): Reachability {
  return ctx.memo('netpol', () => new Reachability(buildModel(ctx.scope.objects)));
}

export const NSA_CISA_NETWORK = {
  title: 'NSA/CISA Kubernetes Hardening Guide: network separation and hardening',
  url: 'https://media.defense.gov/2022/Aug/29/2003066362/-1/-1/0/CTR_KUBERNETES_HARDENING_GUIDANCE_1.2_20220829.PDF',
};
export const K8S_NETPOL_DOC = {
  title: 'Kubernetes: Network Policies',
  url: 'https://kubernetes.io/docs/concepts/services-networking/network-policies/',
};

/**
 * Whether a NetworkPolicy of namespace `ns` selects every pod (`podSelector: {}`)
 * for a direction, which makes every pod of the namespace isolated in it.
 */
export function isolatesWholeNamespace(ctx: RuleContext, ns: string, direction: 'ingress' | 'egress'): boolean {
  return reachabilityOf(ctx).model.policies.some(
    (p) =>
      p.namespace === ns &&
      p[direction] !== undefined &&
      Object.keys(p.podSel.matchLabels ?? {}).length === 0 &&
      (p.podSel.matchExpressions ?? []).length === 0,
  );
}
