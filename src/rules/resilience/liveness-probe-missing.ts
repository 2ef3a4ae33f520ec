import { SERVING_VARIABLES } from '../cel.js';
import { defineRule } from '../rule.js';
import { containersWithoutProbe } from './shared.js';

export const rule = defineRule({
  id: 'liveness-probe-missing',
  title: 'Container has no liveness probe',
  category: 'resilience',
  severity: 'low',
  appliesTo: 'workloads',
  needs: 'object',
  cel: {
    matchKinds: 'workloads',
    variables: SERVING_VARIABLES,
    validations: [
      {
        expression: 'variables.controlled || !variables.longRunning || variables.serving.all(c, has(c.livenessProbe))',
        message: 'containers of long-running workloads (and native sidecars) must have a livenessProbe',
      },
    ],
  },
  description:
    'Without a livenessProbe the kubelet restarts a container only when its process exits; a process that deadlocks or hangs stays up, keeps its place in the rollout and serves errors until someone notices. A liveness probe must check only the process itself (not databases or other services), or an outage of a dependency restarts every replica at once; that is why this rule is low severity. Checked on app containers and native sidecars of long-running workloads; Jobs, CronJobs and bare Pods with restartPolicy Never or OnFailure run to completion and are skipped, and so are pods and ReplicaSets controlled by a workload (their owner is checked).',
  remediation:
    'Add a cheap livenessProbe that fails only when the process must be restarted, more tolerant than the readiness probe, e.g. `livenessProbe: {httpGet: {path: /healthz, port: 8080}, periodSeconds: 10, failureThreshold: 6}`; for slow starters add a startupProbe instead of a long initialDelaySeconds.',
  references: [
    {
      title: 'Kubernetes: Configure Liveness, Readiness and Startup Probes',
      url: 'https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/#define-a-liveness-command',
    },
    {
      title: 'Kubernetes: Container probes',
      url: 'https://kubernetes.io/docs/concepts/workloads/pods/pod-lifecycle/#container-probes',
    },
  ],
  check(obj, ctx) {
    return containersWithoutProbe(obj, ctx.workload, 'livenessProbe');
  },
});
