import type { KyvernoMap } from './kyverno-map.js';

/** Kyverno's argo/ policies → kubeprint Argo CD rules. */
export const kyvernoArgoMap: KyvernoMap = {
  equivalents: {
    'application-prevent-default-project/default-project': {
      ruleIds: ['argocd-application-default-project'],
      note: 'kubeprint also reports an empty project (Argo CD reads it as default) and ApplicationSet templates in default',
    },
    'application-field-validation/source-path-chart': {
      ruleIds: ['argocd-application-source-conflict'],
      note: 'both agree that path and chart together are wrong; Kyverno also fails a source with neither (a git source at the repository root, a multi-source Application) which Argo CD accepts, so kubeprint does not',
    },
    'application-field-validation/destination-server-name': {
      ruleIds: ['argocd-application-destination-conflict'],
    },
  },
  noEquivalent: {
    'applicationset-name-matches-project':
      "a naming convention (the template's project must equal the ApplicationSet's name); kubeprint judges the risk the convention guards against, a project the generators choose (argocd-applicationset-templated-project), and has no opinion on names",
    'appproject-clusterresourceblacklist':
      'requires every AppProject to carry an explicit */* clusterResourceBlacklist, even one with no allow list, which Argo CD already lets create no cluster-scoped object; kubeprint judges what a project permits (argocd-project-cluster-resources-wildcard, argocd-project-sensitive-cluster-resources), so a project with no allow list passes there and fails here',
    'application-prevent-updates-project':
      'an UPDATE check (spec.project must not change once created): it compares the old object with the new, which a scan of files or of a cluster, seeing one version, cannot',
    'argo-cluster-generation-from-rancher-capi':
      'a generate policy (it creates Argo CD cluster Secrets from Rancher CAPI clusters); it judges nothing',
  },
};
