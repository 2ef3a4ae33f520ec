import { join } from '../../model/pointer.js';
import type { Workload } from '../../model/workload.js';
import { CONTROLLED, celString } from '../cel.js';
import { defineRule, type RuleHit } from '../rule.js';
import { isControlled, isRecord, rec, resourcedContainers, shown } from './shared.js';

/** A quantity that is zero (`0`, `0Mi`, `0.0`, `0e3`): the kubelet enforces only a positive sizeLimit. */
const ZERO_QUANTITY = /^[+-]?(0+(\.0*)?|\.0+)([KMGTPE]i|[mkMGTPE]|[eE][+-]?[0-9]+)?$/;

function limitOf(m: unknown): boolean {
  const v = rec(rec(m).limits)['ephemeral-storage'];
  return v !== undefined && v !== null && v !== '';
}

/**
 * Whether the pod has an ephemeral-storage limit: the kubelet sums the
 * containers' limits (pod-level resources count too) and evicts the pod when
 * its containers' writable layers, logs and disk-backed emptyDir volumes
 * together go past it.
 */
function storageLimited(w: Workload): boolean {
  return limitOf(w.podSpec.resources) || resourcedContainers(w).some((c) => limitOf(c.spec.resources));
}

const SIZED = `(has(v.emptyDir.sizeLimit) && !string(v.emptyDir.sizeLimit).matches(${celString(ZERO_QUANTITY.source)}))`;
const MEMORY = "(has(v.emptyDir.medium) && v.emptyDir.medium == 'Memory')";
const HUGEPAGES = "(has(v.emptyDir.medium) && v.emptyDir.medium.startsWith('HugePages'))";

export const rule = defineRule({
  id: 'emptydir-size-limit-missing',
  title: 'emptyDir volume has no size limit',
  category: 'resilience',
  severity: 'low',
  appliesTo: 'workloads',
  needs: 'object',
  cel: {
    matchKinds: 'workloads',
    variables: [
      CONTROLLED,
      {
        name: 'storageLimited',
        expression:
          "(has(variables.podSpec.resources) && has(variables.podSpec.resources.limits) && 'ephemeral-storage' in variables.podSpec.resources.limits) || ((has(variables.podSpec.initContainers) ? variables.podSpec.initContainers : []) + variables.podSpec.containers).exists(c, has(c.resources) && has(c.resources.limits) && 'ephemeral-storage' in c.resources.limits)",
      },
    ],
    validations: [
      {
        expression: `variables.controlled || !has(variables.podSpec.volumes) || variables.podSpec.volumes.all(v, !has(v.emptyDir) || !${MEMORY} || ${SIZED})`,
        message: 'memory-backed emptyDir volumes (medium: Memory) must set a sizeLimit',
      },
      {
        expression: `variables.controlled || !has(variables.podSpec.volumes) || variables.podSpec.volumes.all(v, !has(v.emptyDir) || ${MEMORY} || ${HUGEPAGES} || ${SIZED} || variables.storageLimited)`,
        message: 'emptyDir volumes must set a sizeLimit, or the pod an ephemeral-storage limit',
      },
    ],
  },
  description:
    "An emptyDir volume without sizeLimit can grow until the node runs out: on disk it fills the node's filesystem, and the kubelet's disk-pressure evictions then take other pods with it; with medium: Memory it is a tmpfs whose pages count as the pod's memory and stay there when a container restarts, so a full volume exhausts the node's memory or OOM-kills the container again on every restart. A disk-backed emptyDir is bounded when the pod has an ephemeral-storage limit (on any container, or pod-level resources): the kubelet evicts the pod when its containers, logs and emptyDir volumes together pass it. Memory-backed volumes are reported at medium severity whatever the limits; huge-page volumes are bounded by their hugepages limits and not reported; a sizeLimit of 0 sets no limit. Pods that a workload controller creates are judged through their owner. A LimitRange default is applied by the API server at admission, so it is not counted in files.",
  remediation:
    'Give each emptyDir a sizeLimit that fits what it holds, e.g. `emptyDir: {sizeLimit: 1Gi}` or `emptyDir: {medium: Memory, sizeLimit: 64Mi}`; for disk-backed volumes an ephemeral-storage limit on the containers (`resources: {limits: {ephemeral-storage: 2Gi}}`) also bounds them.',
  references: [
    { title: 'Kubernetes: Volumes, emptyDir', url: 'https://kubernetes.io/docs/concepts/storage/volumes/#emptydir' },
    {
      title: 'Kubernetes: Local ephemeral storage',
      url: 'https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/#local-ephemeral-storage',
    },
    {
      title: 'Kubernetes: Node-pressure eviction',
      url: 'https://kubernetes.io/docs/concepts/scheduling-eviction/node-pressure-eviction/',
    },
    { title: 'Kyverno policy require-emptydir-requests-limits; Gatekeeper K8sEmptyDirHasSizeLimit' },
  ],
  check(obj, ctx) {
    const w = ctx.workload;
    // Pods created by a controller would repeat the owner's finding once per replica.
    if (!w || isControlled(obj)) return undefined;
    const volumes = w.podSpec.volumes;
    if (!Array.isArray(volumes)) return undefined;
    const hits: RuleHit[] = [];
    const limited = storageLimited(w);
    volumes.forEach((v, i) => {
      if (!isRecord(v) || !isRecord(v.emptyDir)) return;
      const dir = v.emptyDir;
      const path = join(w.podSpecPath, 'volumes', i, 'emptyDir');
      const name = typeof v.name === 'string' ? `volume "${v.name}"` : `volume #${i}`;
      const medium = dir.medium;
      if (typeof medium === 'string' && medium.startsWith('HugePages')) return;
      const size = dir.sizeLimit;
      const sizeSet = size !== undefined && size !== null;
      const zero = sizeSet && ZERO_QUANTITY.test(String(size));
      if (sizeSet && !zero) return;
      const what = zero ? `has sizeLimit ${shown(size)}, which sets no limit` : 'has no sizeLimit';
      if (medium === 'Memory') {
        hits.push({
          message: `${name} is a memory-backed emptyDir (medium: Memory) and ${what}: what is written there counts as the pod's memory and stays when a container restarts, so filling it can exhaust the node's memory or OOM-kill the container on every restart`,
          path: zero ? join(path, 'sizeLimit') : path,
          severity: 'medium',
        });
        return;
      }
      if (limited) return;
      hits.push({
        message: `${name} is an emptyDir on the node's disk and ${what}, and no container has an ephemeral-storage limit: the pod can fill the node's disk and get other pods evicted`,
        path: zero ? join(path, 'sizeLimit') : path,
      });
    });
    return hits;
  },
});
