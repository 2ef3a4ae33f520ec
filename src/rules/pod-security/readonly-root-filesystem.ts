import { join } from '../../model/pointer.js';
import { IS_WINDOWS, scIs } from '../cel.js';
import { defineRule, type RuleHit } from '../rule.js';
import { describeContainer } from '../supply-chain/container-images.js';
import { NSA_CISA } from './hardening-refs.js';

function isRecord(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

export const rule = defineRule({
  id: 'readonly-root-filesystem',
  title: 'Container root filesystem is writable',
  category: 'pod-security',
  severity: 'medium',
  appliesTo: 'workloads',
  needs: 'object',
  cel: {
    matchKinds: 'workloads',
    variables: [IS_WINDOWS],
    validations: [
      {
        expression: `variables.isWindows || variables.containers.all(c, ${scIs('c', 'readOnlyRootFilesystem', 'true')})`,
        message: 'containers must set securityContext.readOnlyRootFilesystem: true',
      },
    ],
  },
  description:
    'A container (init and ephemeral containers included) does not set `securityContext.readOnlyRootFilesystem: true`. A writable root filesystem lets an attacker who gets code execution drop tools, change binaries and configuration, and persist until the container restarts. Windows pods (`spec.os.name: windows`) are not reported: the field is not supported there.',
  remediation:
    'Set `securityContext.readOnlyRootFilesystem: true` on the container and mount an `emptyDir` volume at each path the program must write to (for example /tmp, caches, PID files).',
  references: [
    NSA_CISA,
    { title: 'CIS Kubernetes Benchmark 5.7.3 (apply security contexts to pods and containers)' },
    {
      title: 'Kubernetes: configure a security context',
      url: 'https://kubernetes.io/docs/tasks/configure-pod-container/security-context/',
    },
    { title: 'MITRE ATT&CK T1105 Ingress Tool Transfer', url: 'https://attack.mitre.org/techniques/T1105/' },
  ],
  check(_obj, ctx) {
    const w = ctx.workload;
    if (!w) return undefined;
    const os = w.podSpec.os;
    if (isRecord(os) && os.name === 'windows') return undefined;
    const hits: RuleHit[] = [];
    for (const c of w.containers) {
      const sc = c.spec.securityContext;
      const value = isRecord(sc) ? sc.readOnlyRootFilesystem : undefined;
      if (value === true) continue;
      hits.push({
        path: join(c.path, 'securityContext', 'readOnlyRootFilesystem'),
        message:
          value === undefined
            ? `${describeContainer(c)} does not set securityContext.readOnlyRootFilesystem: true`
            : `${describeContainer(c)} sets securityContext.readOnlyRootFilesystem to ${JSON.stringify(value)}`,
      });
    }
    return hits;
  },
});
