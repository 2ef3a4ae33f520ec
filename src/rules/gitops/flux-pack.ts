import type { Rule } from '../rule.js';
import { rule as fluxCrossNamespaceSourceRef } from './flux-cross-namespace-source-ref.js';
import { rule as fluxDependencyHealthUnchecked } from './flux-dependency-health-unchecked.js';
import { rule as fluxDependsOnCycle } from './flux-depends-on-cycle.js';
import { rule as fluxForceEnabled } from './flux-force-enabled.js';
import { rule as fluxGitRefNotPinned } from './flux-git-ref-not-pinned.js';
import { rule as fluxHelmPassCredentials } from './flux-helm-pass-credentials.js';
import { rule as fluxKustomizationPruneDisabled } from './flux-kustomization-prune-disabled.js';
import { rule as fluxOciRefLatest } from './flux-oci-ref-latest.js';
import { rule as fluxServiceAccountMissing } from './flux-service-account-missing.js';
import { rule as fluxSopsDecryptionMissing } from './flux-sops-decryption-missing.js';
import { rule as fluxSourceInsecure } from './flux-source-insecure.js';
import { rule as fluxSourceNotAllowed } from './flux-source-not-allowed.js';
import { rule as fluxSourceNotFound } from './flux-source-not-found.js';
import { rule as fluxSourceVerificationMissing } from './flux-source-verification-missing.js';
import { rule as fluxSuspended } from './flux-suspended.js';
import { rule as fluxValuesSecret } from './flux-values-secret.js';
import { rule as fluxVerifyIdentityOpen } from './flux-verify-identity-open.js';
import { rule as fluxVersionUnbounded } from './flux-version-unbounded.js';

/** Flux: sources (GitRepository, OCIRepository, HelmRepository, Bucket, HelmChart), Kustomization and HelmRelease hygiene. */
export const fluxRules: readonly Rule[] = [
  // sources: transport, pinning, provenance
  fluxSourceInsecure,
  fluxHelmPassCredentials,
  fluxSourceNotAllowed,
  fluxGitRefNotPinned,
  fluxOciRefLatest,
  fluxVersionUnbounded,
  fluxSourceVerificationMissing,
  fluxVerifyIdentityOpen,
  fluxValuesSecret,
  // tenancy
  fluxCrossNamespaceSourceRef,
  fluxServiceAccountMissing,
  // reconciliation
  fluxKustomizationPruneDisabled,
  fluxForceEnabled,
  fluxSuspended,
  fluxDependencyHealthUnchecked,
  fluxSopsDecryptionMissing,
  // cross-object
  fluxSourceNotFound,
  fluxDependsOnCycle,
];
