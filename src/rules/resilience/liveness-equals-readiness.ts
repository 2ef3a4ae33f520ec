import { defineRule } from '../rule.js';
import { isControlled, isLongRunning, isRecord, servingContainers } from './shared.js';

/** The probe fields that decide when it fails, with the API server's defaults filled in. */
const DEFAULTS: Record<string, number> = {
  initialDelaySeconds: 0,
  periodSeconds: 10,
  timeoutSeconds: 1,
  successThreshold: 1,
  failureThreshold: 3,
};
const HANDLERS = ['exec', 'httpGet', 'tcpSocket', 'grpc'];

function normalized(probe: Record<string, unknown>): string {
  const out: Record<string, unknown> = {};
  for (const h of HANDLERS) {
    const v = probe[h];
    if (v === undefined || v === null) continue;
    out[h] = h === 'httpGet' && isRecord(v) ? { scheme: 'HTTP', path: '/', ...v } : v;
  }
  for (const [k, d] of Object.entries(DEFAULTS)) out[k] = probe[k] ?? d;
  return stable(out);
}

/** JSON with sorted keys, so that key order does not matter. */
function stable(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stable).join(',')}]`;
  if (isRecord(v))
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stable(v[k])}`)
      .join(',')}}`;
  return JSON.stringify(v) ?? 'null';
}

function handlerText(probe: Record<string, unknown>): string {
  const h = HANDLERS.find((k) => probe[k] !== undefined && probe[k] !== null);
  if (!h) return 'no handler';
  const v = probe[h];
  if (h === 'httpGet' && isRecord(v)) return `httpGet ${String(v.path ?? '/')} port ${String(v.port)}`;
  if (h === 'tcpSocket' && isRecord(v)) return `tcpSocket port ${String(v.port)}`;
  if (h === 'grpc' && isRecord(v)) return `grpc port ${String(v.port)}`;
  if (h === 'exec' && isRecord(v) && Array.isArray(v.command)) return `exec ${v.command.map(String).join(' ')}`;
  return h;
}

export const rule = defineRule({
  id: 'liveness-equals-readiness',
  title: 'Liveness probe is identical to the readiness probe',
  category: 'resilience',
  severity: 'medium',
  appliesTo: 'workloads',
  needs: 'object',
  description:
    'When the liveness probe is the same check with the same timing as the readiness probe, a container that should only be taken out of load balancing (busy, a dependency down) is killed and restarted at the same moment. Under load this turns into restart loops across every replica. Probes are compared after the API server defaults (periodSeconds 10, timeoutSeconds 1, failureThreshold 3…) are filled in; the same endpoint with a more tolerant liveness timing is not reported.',
  remediation:
    'Make the liveness probe check only that the process is alive and be more tolerant than readiness, e.g. `readinessProbe: {httpGet: {path: /ready, port: 8080}, failureThreshold: 3}` and `livenessProbe: {httpGet: {path: /healthz, port: 8080}, failureThreshold: 6, periodSeconds: 10}`.',
  references: [
    {
      title: 'Kubernetes: Configure Liveness, Readiness and Startup Probes',
      url: 'https://kubernetes.io/docs/tasks/configure-pod-container/configure-liveness-readiness-startup-probes/',
    },
    {
      title: 'Kubernetes: Liveness, Readiness, and Startup Probes',
      url: 'https://kubernetes.io/docs/concepts/configuration/liveness-readiness-startup-probes/',
    },
  ],
  check(obj, ctx) {
    const w = ctx.workload;
    if (!w || isControlled(obj) || !isLongRunning(w)) return undefined;
    const hits = [];
    for (const c of servingContainers(w)) {
      const live = c.spec.livenessProbe;
      const ready = c.spec.readinessProbe;
      if (!isRecord(live) || !isRecord(ready)) continue;
      if (!HANDLERS.some((h) => live[h] !== undefined && live[h] !== null)) continue;
      if (normalized(live) !== normalized(ready)) continue;
      hits.push({
        message: `container "${c.name}" has a livenessProbe identical to its readinessProbe (${handlerText(live)})`,
        path: `${c.path}/livenessProbe`,
      });
    }
    return hits;
  },
});
