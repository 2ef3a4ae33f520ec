import { annotationsOf, metadataOf } from '../../model/kube-object.js';
import { celList } from '../cel.js';
import { COMPONENTS, controlPlaneContainers } from '../control-plane/flags.js';
import { defineRule } from '../rule.js';
import { isLongRunning, isRecord, kindName } from './shared.js';

/**
 * Annotations of pods that something other than a controller runs on
 * purpose: the kubelet's static and mirror pods, and hooks that Helm or
 * Argo CD run once and judge by exit code.
 */
const MANAGED_ANNOTATIONS = [
  'kubernetes.io/config.mirror',
  'kubernetes.io/config.source',
  'helm.sh/hook',
  'argocd.argoproj.io/hook',
];

/** The first three arguments of a container (command, then args), where the control-plane binary is named. */
const ARGV = '((has(c.command) ? c.command : []) + (has(c.args) ? c.args : []))';

export const rule = defineRule({
  id: 'bare-pod',
  title: 'Pod is not managed by a controller',
  category: 'resilience',
  severity: 'medium',
  appliesTo: ['Pod'],
  needs: 'object',
  cel: {
    matchKinds: ['Pod'],
    variables: [
      {
        name: 'controlled',
        expression:
          'has(object.metadata.ownerReferences) && object.metadata.ownerReferences.exists(r, has(r.controller) && r.controller == true)',
      },
      {
        name: 'runOnPurpose',
        expression: `has(object.metadata.annotations) && ${celList(MANAGED_ANNOTATIONS)}.exists(k, k in object.metadata.annotations)`,
      },
      {
        name: 'controlPlane',
        expression: `has(object.metadata.namespace) && object.metadata.namespace == 'kube-system' && object.spec.containers.exists(c, [0, 1, 2].exists(i, i < size(${ARGV}) && ${ARGV}[i].trim().matches('(^|/)(${COMPONENTS.join('|')})$')))`,
      },
    ],
    validations: [
      {
        expression: 'variables.controlled || variables.runOnPurpose || variables.controlPlane',
        message:
          'Pods must be created by a controller (Deployment, StatefulSet, DaemonSet, Job): a bare Pod is not recreated when its node fails or it is evicted',
      },
    ],
  },
  description:
    'A Pod created directly, with no controller (no ownerReference with controller: true), is not recreated when its node fails, is drained or upgraded, or when the pod is evicted: whatever it served stays down until someone notices. The disruption controller treats such pods as unmanaged and leaves them out of the expected count of a PodDisruptionBudget with maxUnavailable or a percentage. Run it from a Deployment (or a StatefulSet or DaemonSet), and a one-off task from a Job, which retries it elsewhere. Pods that run without a controller on purpose are left alone: static and mirror pods of the kubelet (the kubernetes.io/config.mirror or config.source annotations, and control-plane manifests in kube-system, as the control-plane rules recognise them), Helm hooks and tests (helm.sh/hook) and Argo CD hooks. Run-to-completion pods (restartPolicy Never or OnFailure) are reported at low severity. Pods read from a live cluster that a ReplicaSet, Job or operator controls are not reported.',
  remediation:
    'Wrap the pod spec in a Deployment (`apiVersion: apps/v1, kind: Deployment, spec: {replicas: 2, selector: {matchLabels: {app: web}}, template: {metadata: {labels: {app: web}}, spec: <the pod spec>}}`), or in a Job (`apiVersion: batch/v1, kind: Job, spec: {backoffLimit: 3, template: {spec: <the pod spec>}}`) for a task that runs once.',
  references: [
    {
      title: 'Kubernetes: Configuration best practices, naked Pods',
      url: 'https://kubernetes.io/docs/concepts/configuration/overview/#naked-pods-vs-replicasets-deployments-and-jobs',
    },
    {
      title: 'Kubernetes: Pods, working with Pods',
      url: 'https://kubernetes.io/docs/concepts/workloads/pods/#working-with-pods',
    },
    { title: 'Kubescape C-0073 (Naked pods); Kyverno policy prevent-naked-pods' },
  ],
  check(obj, ctx) {
    const refs = metadataOf(obj.raw).ownerReferences;
    const owners = Array.isArray(refs) ? refs.filter(isRecord) : [];
    if (owners.some((r) => r.controller === true)) return undefined;
    const annotations = annotationsOf(obj.raw);
    if (MANAGED_ANNOTATIONS.some((a) => a in annotations)) return undefined;
    if (controlPlaneContainers(obj).length > 0) return undefined;
    const task = ctx.workload !== undefined && !isLongRunning(ctx.workload);
    const owner = owners[0];
    const why = task
      ? 'if its node fails or it is evicted, nothing runs it again (a Job would retry it)'
      : 'if its node fails or it is evicted, nothing recreates it';
    return [
      {
        message: owner
          ? `${kindName(obj)} is owned by ${typeof owner.kind === 'string' ? owner.kind : 'an object'}${typeof owner.name === 'string' ? ` "${owner.name}"` : ''} but has no controller: ${why}`
          : `${kindName(obj)} is created directly, with no controller: ${why}`,
        path: owner ? '/metadata/ownerReferences' : '/metadata',
        ...(task ? { severity: 'low' as const } : {}),
      },
    ];
  },
});
