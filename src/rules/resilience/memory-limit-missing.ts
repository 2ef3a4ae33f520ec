import { defineRule } from '../rule.js';
import { hasResource, isControlled, nearestPath, resourcedContainers } from './shared.js';

export const rule = defineRule({
  id: 'memory-limit-missing',
  title: 'Container has no memory limit',
  category: 'resilience',
  severity: 'medium',
  appliesTo: 'workloads',
  needs: 'object',
  description:
    'Memory cannot be throttled: a container without a memory limit that leaks or spikes takes memory from its neighbours until the node runs out, and the kernel or kubelet then kills or evicts other pods on the node. A limit keeps the failure inside the container (it alone is OOM-killed and restarted). A limit counts as set when written on the container, set by pod-level resources, or given by a LimitRange default in the same namespace and scope. Init containers are checked too. CPU limits are deliberately not required: CPU is throttled, not killed, and CPU limits often cost latency.',
  remediation:
    'Set a memory limit on every container, usually equal to or a little above the memory request, e.g. `resources: {requests: {memory: 256Mi}, limits: {memory: 256Mi}}`, or give the namespace a LimitRange with `limits: [{type: Container, default: {memory: 512Mi}}]`.',
  references: [
    {
      title: 'Kubernetes: Resource Management for Pods and Containers',
      url: 'https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/#requests-and-limits',
    },
    {
      title: 'Kubernetes: Assign Memory Resources to Containers and Pods',
      url: 'https://kubernetes.io/docs/tasks/configure-pod-container/assign-memory-resource/',
    },
    {
      title: 'NSA-CISA Kubernetes Hardening Guidance v1.2, resource policies',
      url: 'https://media.defense.gov/2022/Aug/29/2003066362/-1/-1/0/CTR_KUBERNETES_HARDENING_GUIDANCE_1.2_20220829.PDF',
    },
  ],
  check(obj, ctx) {
    const w = ctx.workload;
    // Pods created by a controller would repeat the owner's finding once per replica.
    if (!w || isControlled(obj)) return undefined;
    return resourcedContainers(w)
      .filter((c) => !hasResource(w, c, 'limits', 'memory', ctx))
      .map((c) => ({
        message: `${c.kind === 'initContainers' ? 'init container' : 'container'} "${c.name}" has no memory limit`,
        path: nearestPath(c.spec, c.path, ['resources', 'limits']),
      }));
  },
});
