import { defineRule } from '../rule.js';
import { describeFlux, isAdminNamespace, isFlux, multiTenant, specOf, text } from './flux.js';
import { FLUX_KS_SERVICE_ACCOUNT, FLUX_MULTI_TENANCY, FLUX_RFC_MULTI_TENANCY, MITRE_T1078 } from './flux-refs.js';

export const rule = defineRule({
  id: 'flux-service-account-missing',
  title: 'Tenant Flux object does not impersonate a service account',
  category: 'gitops',
  severity: 'high',
  appliesTo: ['Kustomization', 'HelmRelease'],
  needs: 'object',
  needsConfig: true,
  description:
    "With Flux locked down for tenants (`gitops.flux.multiTenant`), a Kustomization or HelmRelease outside the admin namespaces (`gitops.flux.adminNamespaces`, default `flux-system`) has no `spec.serviceAccountName`. kustomize-controller and helm-controller then apply its manifests with their own identity (cluster-admin in a default installation), so a tenant's repository can create ClusterRoleBindings or write into other tenants' namespaces; only the controllers' `--default-service-account` flag, which this check cannot see, would stop that. Naming a service account of the tenant's namespace makes Flux impersonate it, and RBAC bounds what the tenant deploys. An object whose namespace is not written is judged as a tenant's.",
  remediation:
    "Set `spec.serviceAccountName` to a service account of the tenant's namespace bound to the tenant's Role, and run the controllers with `--default-service-account` so that a missing name fails closed.",
  references: [FLUX_MULTI_TENANCY, FLUX_KS_SERVICE_ACCOUNT, FLUX_RFC_MULTI_TENANCY, MITRE_T1078],
  check(obj, ctx) {
    if (!multiTenant(ctx.config) || (!isFlux(obj, 'Kustomization') && !isFlux(obj, 'HelmRelease'))) return undefined;
    if (isAdminNamespace(obj.namespace, ctx.config)) return undefined;
    const spec = specOf(obj);
    if (!spec || text(spec.serviceAccountName)) return undefined;
    return [
      {
        path: '/spec',
        message: `${describeFlux(obj)}${obj.namespace ? ` in namespace "${obj.namespace}"` : ''} names no serviceAccountName: Flux applies it with the controller's own identity (cluster-admin in a default installation) unless the controller runs with --default-service-account`,
      },
    ];
  },
});
