import type { Reference } from '../rule.js';

export { MITRE_T1552, NSA_CISA } from '../references.js';

/** Flux documentation that the Flux rules cite. */
const doc = (title: string, path: string): Reference => ({
  title: `Flux: ${title}`,
  url: `https://fluxcd.io/flux/${path}`,
});

export const FLUX_GIT_REPOSITORIES = doc('GitRepository', 'components/source/gitrepositories/');
export const FLUX_GIT_REF = doc('GitRepository, reference', 'components/source/gitrepositories/#reference');
export const FLUX_GIT_VERIFY = doc('GitRepository, verification', 'components/source/gitrepositories/#verification');
export const FLUX_OCI_REPOSITORIES = doc('OCIRepository', 'components/source/ocirepositories/');
export const FLUX_OCI_REF = doc('OCIRepository, reference', 'components/source/ocirepositories/#reference');
export const FLUX_OCI_VERIFY = doc('OCIRepository, verification', 'components/source/ocirepositories/#verification');
export const FLUX_HELM_REPOSITORIES = doc('HelmRepository', 'components/source/helmrepositories/');
export const FLUX_HELM_PASS_CREDENTIALS = doc(
  'HelmRepository, pass credentials',
  'components/source/helmrepositories/#pass-credentials',
);
export const FLUX_HELM_CHARTS = doc('HelmChart', 'components/source/helmcharts/');
export const FLUX_BUCKETS = doc('Bucket', 'components/source/buckets/');
export const FLUX_KUSTOMIZATIONS = doc('Kustomization', 'components/kustomize/kustomizations/');
export const FLUX_KS_PRUNE = doc('Kustomization, prune', 'components/kustomize/kustomizations/#prune');
export const FLUX_KS_FORCE = doc('Kustomization, force', 'components/kustomize/kustomizations/#force');
export const FLUX_KS_WAIT = doc('Kustomization, wait', 'components/kustomize/kustomizations/#wait');
export const FLUX_KS_HEALTH = doc('Kustomization, health checks', 'components/kustomize/kustomizations/#health-checks');
export const FLUX_KS_DEPENDENCIES = doc(
  'Kustomization, dependencies',
  'components/kustomize/kustomizations/#dependencies',
);
export const FLUX_KS_SUSPEND = doc('Kustomization, suspend', 'components/kustomize/kustomizations/#suspend');
export const FLUX_KS_DECRYPTION = doc('Kustomization, decryption', 'components/kustomize/kustomizations/#decryption');
export const FLUX_KS_SERVICE_ACCOUNT = doc(
  'Kustomization, role-based access control',
  'components/kustomize/kustomizations/#role-based-access-control',
);
export const FLUX_HELM_RELEASES = doc('HelmRelease', 'components/helm/helmreleases/');
export const FLUX_HR_CHART_TEMPLATE = doc(
  'HelmRelease, chart template',
  'components/helm/helmreleases/#chart-template',
);
export const FLUX_HR_DEPENDENCIES = doc('HelmRelease, dependencies', 'components/helm/helmreleases/#dependencies');
export const FLUX_HR_VALUES = doc('HelmRelease, values', 'components/helm/helmreleases/#values');
export const FLUX_MULTI_TENANCY = doc('Multi-tenancy lockdown', 'installation/configuration/multitenancy/');
export const FLUX_SECURITY = doc('Security', 'security/');
export const FLUX_SOPS = doc('Manage Kubernetes secrets with SOPS', 'guides/mozilla-sops/');

export const FLUX_RFC_INSECURE_HTTP: Reference = {
  title: 'Flux RFC-0004: block insecure HTTP connections',
  url: 'https://github.com/fluxcd/flux2/tree/main/rfcs/0004-insecure-http',
};
export const FLUX_RFC_MULTI_TENANCY: Reference = {
  title: 'Flux RFC-0001: multi-tenancy',
  url: 'https://github.com/fluxcd/flux2/tree/main/rfcs/0001-multi-tenancy',
};
export const SEMVER_CONSTRAINTS: Reference = {
  title: 'Masterminds semver: version constraints (what Flux resolves)',
  url: 'https://github.com/Masterminds/semver#checking-version-constraints',
};

export const MITRE_T1195: Reference = {
  title: 'MITRE ATT&CK T1195 Supply Chain Compromise',
  url: 'https://attack.mitre.org/techniques/T1195/',
};
export const MITRE_T1557: Reference = {
  title: 'MITRE ATT&CK T1557 Adversary-in-the-Middle',
  url: 'https://attack.mitre.org/techniques/T1557/',
};
export const MITRE_T1078: Reference = {
  title: 'MITRE ATT&CK T1078 Valid Accounts',
  url: 'https://attack.mitre.org/techniques/T1078/',
};
export const SLSA: Reference = {
  title: 'SLSA: verifying artifacts',
  url: 'https://slsa.dev/spec/v1.0/verifying-artifacts',
};
