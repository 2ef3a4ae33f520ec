import { forbiddenDetail } from '../../engines/pss/index.js';
import { defineRule } from '../rule.js';
import { namespaceOfWorkload, verdict } from './namespace-policies.js';
import { PSS_DOC } from './pss-check-rule.js';

export const rule = defineRule({
  id: 'pss-enforce-violation',
  title: "Workload violates its namespace's enforced Pod Security level",
  category: 'pod-security',
  severity: 'high',
  appliesTo: 'workloads',
  needs: 'scope',
  description:
    "The workload's pods violate the level that its namespace enforces (pod-security.kubernetes.io/enforce, at enforce-version). A bare Pod is rejected at admission; a controller (Deployment, Job, ...) is admitted with a warning, but the pods it creates are rejected, so it never runs. Judged only when the Namespace object is in the same scope.",
  remediation:
    'Change the pod template so that `kubeprint pss` allows it at the namespace level, or move the workload to a namespace whose level it meets.',
  references: [
    { title: 'Pod Security Admission', url: 'https://kubernetes.io/docs/concepts/security/pod-security-admission/' },
    { title: 'Pod Security Standards', url: PSS_DOC },
  ],
  check: (obj, ctx) => {
    const ns = namespaceOfWorkload(obj, ctx);
    if (!ctx.workload || !ns) return undefined;
    const { level, version } = ns.policy.enforce;
    if (level === 'privileged') return undefined;
    const r = verdict(ctx.workload, level, version);
    if (r.allowed) return undefined;
    const outcome =
      obj.kind === 'Pod'
        ? 'the Pod is rejected at admission'
        : `the ${obj.kind} is admitted with a warning but its pods are never created`;
    return [
      {
        message: `violates namespace "${ns.object.name}" enforce level ${level}:${version} (${outcome}): ${forbiddenDetail(r.violations)}`,
        path: r.violations[0]?.path ?? '',
      },
    ];
  },
});
