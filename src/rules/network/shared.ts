import { type Endpoint, Reachability } from '../../engines/netpol/analyze.js';
import type { ConnSet } from '../../engines/netpol/conn.js';
import { buildModel, type ExtraPods } from '../../engines/netpol/model.js';
import type { RuleContext } from '../rule.js';

/** The reachability engine over the rule's scope, computed once per scope. */
const POLICY_KINDS = ['NetworkPolicy', 'AdminNetworkPolicy', 'BaselineAdminNetworkPolicy'];

/** Whether the scope has any policy at all; without one no pod is isolated and nothing needs computing. */
export function scopeHasPolicies(ctx: RuleContext): boolean {
  return POLICY_KINDS.some((k) => ctx.scope.ofKind(k).length > 0);
}

export function reachabilityOf(ctx: RuleContext): Reachability {
  return ctx.memo('netpol', () => new Reachability(buildModel(ctx.scope.objects, operatorPods(ctx))));
}

/**
 * The pods known operators make from custom resources of the scope
 * (prometheus-operator's Prometheus and Alertmanager, config
 * `operatorWorkloads`): policies select them and name them as peers.
 */
function operatorPods(ctx: RuleContext): ExtraPods[] {
  const out: ExtraPods[] = [];
  for (const w of ctx.scope.operatorWorkloads(ctx.config.operatorWorkloads)) {
    if (!w.pods) continue;
    out.push({
      object: w.object,
      namespace: w.object.namespace ?? 'default',
      name: w.object.name,
      kind: w.kind,
      labels: { ...w.pods.labels },
      ports: w.pods.ports.map((p) => ({ name: p.name, port: p.port, protocol: p.protocol })),
    });
  }
  return out;
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

/**
 * The cluster DNS as most distributions run it (kube-system, `k8s-app: kube-dns`,
 * CoreDNS included): a destination for judging DNS egress through admin
 * network policies, which often allow it by that namespace and label.
 */
const CLUSTER_DNS: Endpoint = {
  type: 'pod',
  pod: {
    id: -1,
    namespace: 'kube-system',
    name: 'kube-dns',
    kind: 'Deployment',
    labels: { 'k8s-app': 'kube-dns' },
    ports: [
      { name: 'dns', port: 53, protocol: 'UDP' },
      { name: 'dns-tcp', port: 53, protocol: 'TCP' },
    ],
    object: undefined,
    synthetic: true,
  },
};

/**
 * With admin network policies in the scope: every connection a workload may
 * open to any destination (the analysed workloads, the address space cut where
 * policies cut it, and the cluster DNS), through all three tiers.
 */
export function egressAnywhere(ctx: RuleContext, r: Reachability, pod: Endpoint & { type: 'pod' }): ConnSet {
  const dests = ctx.memo('netpol:egress-destinations', () => [
    CLUSTER_DNS,
    ...r.pods.map((p): Endpoint => ({ type: 'pod', pod: p })),
    ...r.ipEndpoints().destinations,
  ]);
  let out: ConnSet | undefined;
  for (const d of dests) {
    if (d.type === 'pod' && d.pod === pod.pod) continue;
    const c = r.xgress(pod, d, false);
    out = out ? out.union(c) : c;
  }
  return out ?? r.xgress(pod, CLUSTER_DNS, false);
}

/**
 * With admin network policies in the scope: every connection any source (the
 * analysed workloads, the address space cut where policies cut it) may open
 * to a workload, through all three tiers.
 */
export function ingressFromAnywhere(ctx: RuleContext, r: Reachability, pod: Endpoint & { type: 'pod' }): ConnSet {
  const sources = ctx.memo('netpol:ingress-sources', () => [
    ...r.pods.map((p): Endpoint => ({ type: 'pod', pod: p })),
    ...r.ipEndpoints().sources,
  ]);
  let out: ConnSet | undefined;
  for (const s of sources) {
    if (s.type === 'pod' && s.pod === pod.pod) continue;
    const c = r.xgress(s, pod, true);
    out = out ? out.union(c) : c;
  }
  return out ?? r.xgress(r.ipEndpoints().sources[0] as Endpoint, pod, true);
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

/** A record field, or `{}` when absent or not a mapping (rules read untrusted shapes). */
export function rec(v: unknown): Record<string, unknown> {
  return isRecord(v) ? v : {};
}

/** `Service shop/web` (the namespace as written, `default` when none is). */
export function objectName(o: { kind: string; namespace: string | undefined; name: string }): string {
  return `${o.kind} ${o.namespace ?? 'default'}/${o.name}`;
}

export const K8S_SERVICE_DOC = {
  title: 'Kubernetes: Service',
  url: 'https://kubernetes.io/docs/concepts/services-networking/service/',
};
export const MITRE_T1557 = {
  title: 'MITRE ATT&CK T1557 (Adversary-in-the-Middle)',
  url: 'https://attack.mitre.org/techniques/T1557/',
};
