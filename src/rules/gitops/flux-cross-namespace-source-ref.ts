import { join } from '../../model/pointer.js';
import { defineRule, type RuleHit } from '../rule.js';
import { describeFlux, isAdminNamespace, isFlux, multiTenant, sourceRefsOf } from './flux.js';
import { FLUX_MULTI_TENANCY, FLUX_RFC_MULTI_TENANCY, MITRE_T1078 } from './flux-refs.js';

export const rule = defineRule({
  id: 'flux-cross-namespace-source-ref',
  title: 'Tenant Flux object reads a source of another namespace',
  category: 'gitops',
  severity: 'high',
  appliesTo: ['Kustomization', 'HelmRelease'],
  needs: 'object',
  needsConfig: true,
  description:
    "With Flux locked down for tenants (`gitops.flux.multiTenant`), a Kustomization or HelmRelease outside the admin namespaces (`gitops.flux.adminNamespaces`, default `flux-system`) names a source in another namespace: `spec.sourceRef.namespace`, `spec.chart.spec.sourceRef.namespace` or `spec.chartRef.namespace`. A tenant who can name another tenant's GitRepository or HelmRepository deploys from it, with the credentials its owner gave it; Flux's multi-tenancy lockdown (`--no-cross-namespace-refs=true`) refuses such references, so the object also fails to reconcile there. A reference to its own namespace, written out, is fine; an object whose namespace is not written is judged as a tenant's.",
  remediation:
    "Define the source in the tenant's own namespace (a copy of the HelmRepository is cheap), or have the platform team deploy the release from its admin namespace.",
  references: [FLUX_MULTI_TENANCY, FLUX_RFC_MULTI_TENANCY, MITRE_T1078],
  check(obj, ctx) {
    if (!multiTenant(ctx.config) || !isFlux(obj)) return undefined;
    if (isAdminNamespace(obj.namespace, ctx.config)) return undefined;
    const hits: RuleHit[] = [];
    for (const ref of sourceRefsOf(obj)) {
      if (!ref.mayCrossNamespace || ref.namespace === undefined || ref.namespace === obj.namespace) continue;
      hits.push({
        path: join(ref.at, 'namespace'),
        message: `${describeFlux(obj)}${obj.namespace ? ` in namespace "${obj.namespace}"` : ''} reads ${ref.kind} "${ref.name}" of namespace "${ref.namespace}" (${ref.label})`,
      });
    }
    return hits;
  },
});
