import { annotationsOf } from '../../model/kube-object.js';
import { WORKLOAD_KINDS } from '../../model/workload.js';
import { celString } from '../cel.js';
import { defineRule } from '../rule.js';
import { NSA_CISA } from './hardening-refs.js';

/**
 * Namespaced kinds that applications put in a namespace. Not listed: kinds
 * that harden the namespace itself (NetworkPolicy, ResourceQuota, LimitRange),
 * which belong in `default` as much as anywhere, and cluster-scoped kinds,
 * whose `metadata.namespace` means nothing.
 */
export const DEFAULT_NAMESPACE_KINDS: readonly string[] = [
  ...WORKLOAD_KINDS,
  'Service',
  'Ingress',
  'ConfigMap',
  'Secret',
  'PersistentVolumeClaim',
  'ServiceAccount',
  'Role',
  'RoleBinding',
  'HorizontalPodAutoscaler',
  'PodDisruptionBudget',
];

/** What Kubernetes itself keeps in `default`: the API server's Service, the namespace's account and CA bundle. */
const BUILT_IN: ReadonlyArray<readonly [kind: string, name: string]> = [
  ['Service', 'kubernetes'],
  ['ServiceAccount', 'default'],
  ['ConfigMap', 'kube-root-ca.crt'],
];

/** The token Secret that clusters before v1.24 create for the default service account. */
function isDefaultAccountToken(raw: Record<string, unknown>): boolean {
  return (
    raw.type === 'kubernetes.io/service-account-token' &&
    annotationsOf(raw)['kubernetes.io/service-account.name'] === 'default'
  );
}

const CEL_BUILT_IN = BUILT_IN.map(
  ([kind, name]) => `(object.kind == ${celString(kind)} && object.metadata.name == ${celString(name)})`,
).join(' || ');
const CEL_DEFAULT_TOKEN =
  "(object.kind == 'Secret' && has(object.type) && object.type == 'kubernetes.io/service-account-token' && has(object.metadata.annotations) && 'kubernetes.io/service-account.name' in object.metadata.annotations && object.metadata.annotations['kubernetes.io/service-account.name'] == 'default')";

export const rule = defineRule({
  id: 'workload-in-default-namespace',
  title: 'Object placed in the default namespace',
  category: 'pod-security',
  severity: 'low',
  appliesTo: DEFAULT_NAMESPACE_KINDS,
  needs: 'object',
  cel: {
    matchKinds: DEFAULT_NAMESPACE_KINDS,
    validations: [
      {
        expression: `!has(object.metadata.namespace) || object.metadata.namespace != 'default' || ${CEL_BUILT_IN} || ${CEL_DEFAULT_TOKEN}`,
        message:
          'workloads and their Services, ConfigMaps, Secrets and RBAC must not be placed in the default namespace',
      },
    ],
  },
  description:
    "A workload, or a Service, Ingress, ConfigMap, Secret, PersistentVolumeClaim, ServiceAccount, Role, RoleBinding, HorizontalPodAutoscaler or PodDisruptionBudget, says `metadata.namespace: default`. The default namespace is where everything lands that nobody placed: it usually has no Pod Security labels, no default-deny NetworkPolicy, no quota, and RBAC granted there reaches whatever else ends up in it, so objects in it cannot be isolated from each other (CIS 5.7.4, Kubescape C-0061 and C-0212, Trivy KSV110). Only an explicit `default` is reported: an object that names no namespace goes wherever `kubectl -n`, the kustomization or the Helm release puts it, which the manifest does not say, and `helm template` without `--namespace` writing `default` for `{{ .Release.Namespace }}` is not the chart's choice. In a live cluster every object has its namespace, so everything in `default` is reported. Not reported: what Kubernetes keeps there itself (the `kubernetes` Service, the `default` ServiceAccount and its token Secret, the `kube-root-ca.crt` ConfigMap), and objects that harden the namespace (NetworkPolicy, ResourceQuota, LimitRange).",
  remediation:
    'Create a namespace per application or team, with Pod Security labels, a default-deny NetworkPolicy and a ResourceQuota, and set `metadata.namespace` to it (or leave it out and let the kustomization or the Helm release set it). Move what runs in `default` there.',
  references: [
    { title: 'CIS Kubernetes Benchmark 5.7.4 (the default namespace should not be used)' },
    {
      title: 'Kubernetes: namespaces, the default namespace',
      url: 'https://kubernetes.io/docs/concepts/overview/working-with-objects/namespaces/#initial-namespaces',
    },
    { title: 'Kubescape C-0061 (pods in default namespace), C-0212 (the default namespace should not be used)' },
    NSA_CISA,
  ],
  check(obj) {
    if (obj.namespace !== 'default' || obj.source?.namespaceFromRender) return undefined;
    if (BUILT_IN.some(([kind, name]) => obj.kind === kind && obj.name === name)) return undefined;
    if (obj.kind === 'Secret' && isDefaultAccountToken(obj.raw)) return undefined;
    return [
      {
        path: '/metadata/namespace',
        message: `${obj.kind} ${obj.name} is placed in the default namespace`,
      },
    ];
  },
});
