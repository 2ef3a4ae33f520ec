import { Reachability } from '../../engines/netpol/analyze.js';
import { buildModel } from '../../engines/netpol/model.js';
import type { RuleContext } from '../rule.js';

/** The reachability engine over the rule's scope, computed once per scope. */
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
