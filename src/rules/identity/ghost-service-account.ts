import { defineRule, type RuleContext } from '../rule.js';
import { ownEscalationPaths, RBAC_GOOD_PRACTICES, rbacOf } from './rbac-context.js';

export const rule = defineRule({
  id: 'ghost-service-account',
  title: 'Service account with permissions but no workload',
  category: 'identity',
  severity: 'medium',
  appliesTo: ['ServiceAccount'],
  needs: 'scope',
  description:
    'The service account is bound to roles but no workload in the same scope runs as it (pods an operator makes from a custom resource count: a Prometheus or Alertmanager runs as its spec.serviceAccountName; so does the account a Flux Kustomization or HelmRelease impersonates; config `operatorWorkloads` declares more). A ghost identity keeps its permissions after the workload that needed them is gone; anyone who can mint its token, read a legacy token Secret or create a pod in its namespace can use them unnoticed. It is worse when the account can escalate.',
  remediation:
    'Delete the service account and its bindings if nothing uses it any more, or move it next to the workload that does (same kustomization or chart) so the two are reviewed together.',
  references: [RBAC_GOOD_PRACTICES, { title: 'OWASP Kubernetes Top 10 K03 (overly permissive RBAC)' }],
  check(obj, ctx) {
    if (obj.name === 'default') return undefined; // default-service-account-permissions reports it
    const rbac = rbacOf(ctx);
    const ns = obj.namespace ?? 'default';
    if (rbac.facts.workloadsBySA.has(`${ns}/${obj.name}`)) return undefined;
    if (operatorServiceAccounts(ctx).has(`${ns}/${obj.name}`)) return undefined;
    const id = `ServiceAccount:${ns}:${obj.name}`;
    const bindings = rbac.policy.bindings.filter(
      (b) =>
        !b.bootstrap &&
        b.subjects.some(
          (s) => s.subject.kind === 'ServiceAccount' && s.subject.namespace === ns && s.subject.name === obj.name,
        ),
    );
    if (bindings.length === 0) return undefined;
    const techniques = ownEscalationPaths(rbac, id).map((p) => p.technique);
    const names = bindings.map((b) => `${b.kind} ${b.namespace ? `${b.namespace}/` : ''}${b.name}`).join(', ');
    return [
      {
        message: `ServiceAccount ${ns}/${obj.name} is bound (${names}) but no workload uses it${techniques.length ? `; it can escalate (${techniques.join(', ')})` : ''}`,
        ...(techniques.length ? { severity: 'high' as const } : {}),
      },
    ];
  },
});

/** `ns/name` of the service accounts that operators run pods as or impersonate for custom resources of the scope. */
function operatorServiceAccounts(ctx: RuleContext): Set<string> {
  return ctx.memo('identity:operator-service-accounts', () => {
    const out = new Set<string>();
    for (const w of ctx.scope.operatorWorkloads(ctx.config.operatorWorkloads))
      if (w.serviceAccount) out.add(`${w.object.namespace ?? 'default'}/${w.serviceAccount.name}`);
    return out;
  });
}
