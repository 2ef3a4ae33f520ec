import { defineRule, type RuleHit } from '../rule.js';
import { hasResource, isControlled, nearestPath, type ResourceName, resourcedContainers } from './shared.js';

const NAMES: Record<ResourceName, string> = { cpu: 'CPU', memory: 'memory' };

export const rule = defineRule({
  id: 'resource-requests-missing',
  title: 'Container has no CPU or memory request',
  category: 'resilience',
  severity: 'medium',
  appliesTo: 'workloads',
  needs: 'object',
  description:
    'The scheduler places pods by their requests. A container without CPU and memory requests is scheduled as if it needed nothing, so nodes get overcommitted; it gets BestEffort (or Burstable) quality of service, is evicted first under node pressure and gets almost no CPU when the node is busy. A request counts as set when written on the container, implied by a limit (the API server copies it), set by pod-level resources, or given by a LimitRange default in the same namespace and scope. Init containers are checked too; their requests also size the pod.',
  remediation:
    'Set requests from observed usage on every container, e.g. `resources: {requests: {cpu: 100m, memory: 128Mi}, limits: {memory: 256Mi}}`, or give the namespace a LimitRange with `limits: [{type: Container, defaultRequest: {cpu: 100m, memory: 128Mi}}]`.',
  references: [
    {
      title: 'Kubernetes: Resource Management for Pods and Containers',
      url: 'https://kubernetes.io/docs/concepts/configuration/manage-resources-containers/',
    },
    {
      title: 'Kubernetes: Pod Quality of Service Classes',
      url: 'https://kubernetes.io/docs/concepts/workloads/pods/pod-qos/',
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
    const hits: RuleHit[] = [];
    for (const c of resourcedContainers(w)) {
      const missing = (['cpu', 'memory'] as const).filter((r) => !hasResource(w, c, 'requests', r, ctx));
      if (missing.length === 0) continue;
      const what = missing.map((r) => NAMES[r]).join(' or ');
      hits.push({
        message: `${c.kind === 'initContainers' ? 'init container' : 'container'} "${c.name}" has no ${what} request`,
        path: nearestPath(c.spec, c.path, ['resources', 'requests']),
      });
    }
    return hits;
  },
});
