import type { KyvernoMap } from './kyverno-map.js';

/**
 * Kyverno excludes the flux-system namespace from its source policies (the
 * platform's own sources may come from anywhere): kubeprint does the same
 * with a config exemption by namespace.
 */
const exemptFluxSystem = `exemptions:
  - rules: [flux-source-not-allowed]
    namespace: flux-system
    reason: the platform's own sources, as Kyverno's policy excludes them
    owner: platform
    expires: "2099-12-31"
`;

/** `gitops.allowedSources` with Kyverno's patterns (`?*`: one character or more; `|` separates alternatives). */
const allowed = (...globs: string[]) =>
  `gitops:\n  allowedSources:\n${globs.map((g) => `    - "${g}"`).join('\n')}\n${exemptFluxSystem}`;

/** Kyverno's flux/ policies → kubeprint Flux rules. */
export const kyvernoFluxMap: KyvernoMap = {
  equivalents: {
    'verify-flux-sources/flux-github-repositories': {
      ruleIds: ['flux-source-not-allowed'],
      config: allowed('https://github.com/myorg/?*', 'ssh://git@github.com:myorg/?*'),
      note: "the policy's pattern as gitops.allowedSources; kubeprint applies one allowlist to every source kind, Kyverno one pattern per kind",
    },
    'verify-flux-sources/flux-buckets': {
      ruleIds: ['flux-source-not-allowed'],
      config: allowed('*.myorg.com'),
    },
    'verify-flux-sources/flux-helm-repositories': {
      ruleIds: ['flux-source-not-allowed'],
      config: allowed('https://?*.myorg.com/*'),
    },
    'verify-flux-sources/flux-image-repositories': {
      ruleIds: ['flux-source-not-allowed'],
      config: allowed('ghcr.io/myorg/*'),
      note: "image automation's ImageRepository (spec.image) is judged like the other sources",
    },
    'verify-git-repositories/github-repositories-only': {
      ruleIds: ['flux-source-not-allowed'],
      config: allowed('https://github.com/fluxcd/?*', 'ssh://git@github.com:fluxcd/?*'),
    },
  },
  noEquivalent: {
    'verify-flux-images':
      "verifies the Cosign keyless signatures of the Flux controllers' images at admission, against Rekor and ghcr.io; kubeprint's image verification (`kubeprint images verify`, `scan --verify-images` with an `images` policy) does the same from a registry, outside the per-object scan this comparison runs, and its chainsaw test has no good/bad objects to compare",
    'generate-flux-multi-tenant-resources':
      'a generate policy (it creates a ServiceAccount and a cluster-admin RoleBinding when a Namespace is labelled as a tenant); it judges nothing. kubeprint judges the tenancy it sets up: flux-service-account-missing, flux-cross-namespace-source-ref',
  },
};
