import type { Rule } from '../rule.js';
import { rule as fluxHelmPassCredentials } from './flux-helm-pass-credentials.js';
import { rule as fluxOciRefLatest } from './flux-oci-ref-latest.js';
import { rule as fluxSourceInsecure } from './flux-source-insecure.js';
import { rule as fluxVersionUnbounded } from './flux-version-unbounded.js';

/** Flux: sources (GitRepository, OCIRepository, HelmRepository, Bucket, HelmChart), Kustomization and HelmRelease hygiene. */
export const fluxRules: readonly Rule[] = [
  fluxSourceInsecure,
  fluxHelmPassCredentials,
  fluxOciRefLatest,
  fluxVersionUnbounded,
];
