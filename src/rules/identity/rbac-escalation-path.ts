import { formatChain, formatSubject, type Outcome, TECHNIQUES } from '../../engines/rbac/index.js';
import type { Severity } from '../../model/severity.js';
import { defineRule, type RuleHit } from '../rule.js';
import { RBAC_GOOD_PRACTICES, rbacOf, scopeHasBindings } from './rbac-context.js';

function severityOf(o: Outcome): Severity {
  switch (o.type) {
    case 'cluster-admin':
      return 'critical';
    case 'node':
    case 'namespace-admin':
      return 'high';
    default:
      return 'medium';
  }
}

export const rule = defineRule({
  id: 'rbac-escalation-path',
  title: 'Subject can escalate its privileges',
  category: 'identity',
  severity: 'high',
  appliesTo: ['ServiceAccount', 'RoleBinding', 'ClusterRoleBinding'],
  needs: 'scope',
  description:
    "A subject holds a permission that leads to more privilege: creating pods or pod controllers (run as any service account of the namespace, or a privileged pod that takes the node), exec into pods, reading Secrets, minting service account tokens, bind or escalate on roles, impersonation, nodes/proxy, approving certificate signing requests, changing admission webhooks, hostPath PersistentVolumes, patching namespaces (lowering Pod Security), or `*` on `*`. Paths are transitive: one finding per technique, with the shortest chain. The finding sits on the subject's ServiceAccount when it exists in the scope, otherwise on the binding that grants the first step.",
  remediation:
    'Remove the permission the chain starts with, or narrow it (resourceNames, a namespace without privileged service accounts, a namespace that enforces restricted Pod Security). `kubeprint rbac permissions SUBJECT` shows every grant and path.',
  references: [
    RBAC_GOOD_PRACTICES,
    {
      title: 'Kubernetes: privilege escalation risks',
      url: 'https://kubernetes.io/docs/concepts/security/rbac-good-practices/#privilege-escalation-risks',
    },
    { title: 'MITRE ATT&CK for Containers (T1610, T1611, T1609, T1552.007, T1528, T1098, T1078, T1649, T1562.001)' },
  ],
  check(obj, ctx) {
    if (!scopeHasBindings(ctx)) return undefined;
    const rbac = rbacOf(ctx);
    const ids: string[] = [];
    if (obj.kind === 'ServiceAccount') ids.push(`ServiceAccount:${obj.namespace ?? 'default'}:${obj.name}`);
    else {
      const b = rbac.policy.bindings.find((x) => x.object === obj);
      for (const { subject } of b?.subjects ?? []) {
        if (
          subject.kind === 'ServiceAccount' &&
          rbac.policy.serviceAccounts.has(`${subject.namespace}/${subject.name}`)
        )
          continue;
        ids.push(
          subject.kind === 'ServiceAccount'
            ? `ServiceAccount:${subject.namespace}:${subject.name}`
            : `${subject.kind}:${subject.name}`,
        );
      }
    }
    const hits: RuleHit[] = [];
    for (const id of new Set(ids)) {
      for (const p of rbac.escalation.pathsFrom(id)) {
        const first = p.steps[0];
        const last = p.steps[p.steps.length - 1];
        if (!first || !last) continue;
        // On a binding, report only the paths whose first step this binding grants.
        if (obj.kind !== 'ServiceAccount') {
          if (first.grant?.binding.object !== obj) continue;
        }
        const t = TECHNIQUES[p.technique];
        const via = first.grant ? formatSubject(first.grant.via) : undefined;
        const subjectIndex = first.grant?.binding.subjects.find((s) => formatSubject(s.subject) === via)?.index;
        hits.push({
          message: `${id} can escalate by ${t.title.charAt(0).toLowerCase()}${t.title.slice(1)}${t.attack ? ` (${t.attack})` : ''}: ${formatChain(id, p.steps)}`,
          ...(obj.kind !== 'ServiceAccount' && subjectIndex !== undefined ? { path: `/subjects/${subjectIndex}` } : {}),
          severity: severityOf(last.outcome),
        });
      }
    }
    return hits;
  },
});
