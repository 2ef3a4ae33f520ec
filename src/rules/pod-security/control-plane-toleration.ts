import { metadataOf } from '../../model/kube-object.js';
import { join } from '../../model/pointer.js';
import { celList } from '../cel.js';
import { defineRule, type RuleHit } from '../rule.js';
import { NSA_CISA } from './hardening-refs.js';

/** Taint keys that keep ordinary pods off control-plane nodes (kubeadm and most distributions; RKE's spelling). */
export const CONTROL_PLANE_TAINT_KEYS: readonly string[] = [
  'node-role.kubernetes.io/control-plane',
  'node-role.kubernetes.io/master',
  'node-role.kubernetes.io/controlplane',
];
const CP_KEYS = new Set(CONTROL_PLANE_TAINT_KEYS);

function isRecord(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

/** A pod a DaemonSet created (admission, or a cluster read without its owner). */
function ownedByDaemonSet(raw: Record<string, unknown>): boolean {
  const refs = metadataOf(raw).ownerReferences;
  return Array.isArray(refs) && refs.some((r) => isRecord(r) && r.kind === 'DaemonSet' && r.controller === true);
}

const blank = (v: unknown) => v === undefined || v === null || v === '';

/**
 * How a toleration lets a pod onto control-plane nodes, if it does. The
 * control-plane taints have effect NoSchedule, so a toleration counts when its
 * effect is empty (all effects) or NoSchedule, and it is either the wildcard
 * (`operator: Exists` with no key: every taint) or names a control-plane key
 * (with Exists, or Equal with any value: distributions differ on the value).
 */
function controlPlaneTolerance(t: unknown): 'wildcard' | string | undefined {
  if (!isRecord(t)) return undefined;
  if (!blank(t.effect) && t.effect !== 'NoSchedule') return undefined;
  const op = blank(t.operator) ? 'Equal' : t.operator;
  if (op === 'Exists' && blank(t.key)) return 'wildcard';
  if ((op === 'Exists' || op === 'Equal') && typeof t.key === 'string' && CP_KEYS.has(t.key)) return t.key;
  return undefined;
}

const CEL_BLANK = (f: string) => `(!has(t.${f}) || t.${f} == '')`;
const CEL_TOLERATES =
  `(${CEL_BLANK('effect')} || t.effect == 'NoSchedule') && (` +
  `(has(t.operator) && t.operator == 'Exists' && (${CEL_BLANK('key')} || t.key in ${celList(CONTROL_PLANE_TAINT_KEYS)})) || ` +
  `((${CEL_BLANK('operator')} || t.operator == 'Equal') && has(t.key) && t.key in ${celList(CONTROL_PLANE_TAINT_KEYS)}))`;

export const rule = defineRule({
  id: 'control-plane-toleration',
  title: 'Pod tolerates the control-plane taints',
  category: 'pod-security',
  severity: 'medium',
  appliesTo: 'workloads',
  needs: 'object',
  cel: {
    matchKinds: 'workloads',
    validations: [
      {
        expression: `!has(variables.podSpec.tolerations) || !variables.podSpec.tolerations.exists(t, ${CEL_TOLERATES})`,
        message: 'pods must not tolerate the control-plane taints (node-role.kubernetes.io/control-plane, /master)',
      },
    ],
  },
  description:
    "The pod has a toleration that lets it be scheduled on control-plane nodes: one naming the taint `node-role.kubernetes.io/control-plane` or `node-role.kubernetes.io/master` (or RKE's `node-role.kubernetes.io/controlplane`), or a wildcard (`operator: Exists` with no key) that tolerates every taint. Control-plane nodes hold the API server's and etcd's keys and data; a workload that lands there shares the node with them, competes for their resources, and after a container escape owns the cluster. Tolerations whose effect is only NoExecute or PreferNoSchedule do not match the control-plane taint (NoSchedule) and are not reported. DaemonSets and pods in kube-system are reported at low severity: node agents (CNI, kube-proxy, log and metrics collectors) and cluster add-ons such as CoreDNS tolerate these taints on purpose; exempt them with the annotation and a reason. Whether the nodes of a given cluster carry these taints, and whether node affinity keeps the pod elsewhere, is not judged. As the Kyverno policy restrict-controlplane-scheduling.",
  remediation:
    'Remove the toleration, or replace a wildcard (`operator: Exists` without a key) with the specific taints the workload must tolerate. For node agents that must run everywhere, keep it and exempt the DaemonSet with `kubeprint.dev/exempt: control-plane-toleration` and a reason, and keep their privileges minimal.',
  references: [
    {
      title: 'Kubernetes: taints and tolerations',
      url: 'https://kubernetes.io/docs/concepts/scheduling-eviction/taint-and-toleration/',
    },
    {
      title: 'Kubernetes: well-known taints, node-role.kubernetes.io/control-plane',
      url: 'https://kubernetes.io/docs/reference/labels-annotations-taints/#node-role-kubernetes-io-control-plane-taint',
    },
    {
      title: 'Kyverno policies: Restrict control plane scheduling',
      url: 'https://kyverno.io/policies/other/restrict-controlplane-scheduling/restrict-controlplane-scheduling/',
    },
    NSA_CISA,
  ],
  check(obj, ctx) {
    const w = ctx.workload;
    if (!w || !Array.isArray(w.podSpec.tolerations)) return undefined;
    const expected = obj.kind === 'DaemonSet' || ownedByDaemonSet(obj.raw) || obj.namespace === 'kube-system';
    const hits: RuleHit[] = [];
    w.podSpec.tolerations.forEach((t: unknown, i) => {
      const how = controlPlaneTolerance(t);
      if (how === undefined) return;
      const what =
        how === 'wildcard'
          ? 'tolerates every taint (operator: Exists with no key), the control-plane taints included'
          : `tolerates the control-plane taint ${how}`;
      hits.push({
        path: join(w.podSpecPath, 'tolerations', i),
        message: `pod ${what}, so it can be scheduled on control-plane nodes${expected ? ' (expected of node agents and kube-system add-ons: exempt them with a reason)' : ''}`,
        ...(expected ? { severity: 'low' as const } : {}),
      });
    });
    return hits;
  },
});
