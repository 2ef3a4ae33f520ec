import { SERVING_VARIABLES } from '../cel.js';
import { defineRule } from '../rule.js';
import { containersWithoutProbe } from './shared.js';

export const rule = defineRule({
  id: 'readiness-probe-missing',
  title: 'Container has no readiness probe',
  category: 'resilience',
  severity: 'medium',
  appliesTo: 'workloads',
  needs: 'object',
  cel: {
    matchKinds: 'workloads',
    variables: SERVING_VARIABLES,
    validations: [
      {
        expression: 'variables.controlled || !variables.longRunning || variables.serving.all(c, has(c.readinessProbe))',
        message: 'containers of long-running workloads (and native sidecars) must have a readinessProbe',
      },
    ],
  },
  description:
    'Without a readinessProbe a pod counts as ready as soon as its containers start: Services send it traffic before the application listens or while it cannot serve, and a rolling update moves on to the next pod before the new one works, so a broken release replaces every replica. Checked on app containers and native sidecars (init containers with restartPolicy Always) of long-running workloads; Jobs, CronJobs and bare Pods with restartPolicy Never or OnFailure run to completion and are skipped, and so are pods and ReplicaSets controlled by a workload (their owner is checked).',
  remediation:
    'Add a readinessProbe that answers only when the container can serve, e.g. `readinessProbe: {httpGet: {path: /ready, port: 8080}, periodSeconds: 5, failureThreshold: 3}` (or tcpSocket / grpc / exec for non-HTTP servers).',
  references: [
    {
      title: 'Kubernetes: Configure Liveness, Readiness and Startup Probes',
      url: 'https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/#define-readiness-probes',
    },
    {
      title: 'Kubernetes: Container probes',
      url: 'https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#container-probes',
    },
  ],
  check(obj, ctx) {
    return containersWithoutProbe(obj, ctx.workload, 'readinessProbe');
  },
});
