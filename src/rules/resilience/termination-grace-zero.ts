import { CONTROLLED } from '../cel.js';
import { defineRule } from '../rule.js';
import { intOf, isControlled, kindName, shown } from './shared.js';

export const rule = defineRule({
  id: 'termination-grace-zero',
  title: 'Pods are killed without a grace period',
  category: 'resilience',
  severity: 'low',
  appliesTo: 'workloads',
  needs: 'object',
  cel: {
    matchKinds: 'workloads',
    variables: [CONTROLLED],
    validations: [
      {
        expression:
          'variables.controlled || !has(variables.podSpec.terminationGracePeriodSeconds) || variables.podSpec.terminationGracePeriodSeconds != 0',
        message: 'terminationGracePeriodSeconds must not be 0',
      },
    ],
  },
  description:
    'With terminationGracePeriodSeconds 0 the kubelet sends SIGKILL at once on every deletion, eviction and rollout: in-flight requests fail, preStop hooks never run, and data not yet flushed is lost. Endpoints are also removed asynchronously, so clients keep sending traffic to a pod that is already gone.',
  remediation:
    'Remove terminationGracePeriodSeconds (the default is 30) or set it to the time the process needs to drain, e.g. `terminationGracePeriodSeconds: 30`, and handle SIGTERM in the application (stop accepting, finish in-flight work, exit).',
  references: [
    {
      title: 'Kubernetes: Termination of Pods',
      url: 'https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#pod-termination',
    },
    {
      title: 'Kubernetes: Container lifecycle hooks',
      url: 'https://kubernetes.io/docs/concepts/containers/container-lifecycle-hooks/',
    },
  ],
  check(obj, ctx) {
    const w = ctx.workload;
    if (!w || isControlled(obj)) return undefined;
    const raw = w.podSpec.terminationGracePeriodSeconds;
    if (intOf(raw) !== 0) return undefined;
    return [
      {
        message: `${kindName(obj)} has terminationGracePeriodSeconds ${shown(raw)}: ${obj.kind === 'Pod' ? 'the pod is' : 'its pods are'} killed without a chance to shut down`,
        path: `${w.podSpecPath}/terminationGracePeriodSeconds`,
      },
    ];
  },
});
