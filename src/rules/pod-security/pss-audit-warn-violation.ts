import { forbiddenDetail } from '../../engines/pss/index.js';
import { defineRule, type RuleHit } from '../rule.js';
import { namespaceOfWorkload, verdict } from './namespace-policies.js';
import { PSS_DOC } from './pss-check-rule.js';

export const rule = defineRule({
  id: 'pss-audit-warn-violation',
  title: "Workload violates its namespace's audit or warn Pod Security level",
  category: 'pod-security',
  severity: 'medium',
  appliesTo: 'workloads',
  needs: 'scope',
  description:
    "The workload's pods violate the level its namespace audits or warns about (pod-security.kubernetes.io/audit or /warn, at their -version): it is admitted, but every create is logged or warned about, and it would break if the namespace started enforcing that level. Judged only when the Namespace object is in the same scope.",
  remediation:
    'Change the pod template so that `kubeprint pss` allows it at the audit/warn level before the namespace enforces it.',
  references: [
    {
      title: 'Pod Security Admission modes',
      url: 'https://kubernetes.io/docs/concepts/security/pod-security-admission/#pod-security-admission-labels-for-namespaces',
    },
    { title: 'Pod Security Standards', url: PSS_DOC },
  ],
  check: (obj, ctx) => {
    const ns = namespaceOfWorkload(obj, ctx);
    if (!ctx.workload || !ns) return undefined;
    const hits: RuleHit[] = [];
    const done = new Map<string, RuleHit>();
    for (const mode of ['audit', 'warn'] as const) {
      const { level, version } = ns.policy[mode];
      if (level === 'privileged') continue;
      const key = `${level}:${version}`;
      const same = done.get(key);
      if (same) {
        same.message = same.message.replace(
          /^violates namespace "([^"]*)" audit level/,
          'violates namespace "$1" audit and warn level',
        );
        continue;
      }
      const r = verdict(ctx.workload, level, version);
      if (r.allowed) continue;
      const hit: RuleHit = {
        message: `violates namespace "${ns.object.name}" ${mode} level ${key}: ${forbiddenDetail(r.violations)}`,
        path: r.violations[0]?.path ?? '',
      };
      done.set(key, hit);
      hits.push(hit);
    }
    return hits;
  },
});
