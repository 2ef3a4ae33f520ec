import type { Rule } from '../rule.js';

/** Flux: sources (GitRepository, OCIRepository, HelmRepository, Bucket, HelmChart), Kustomization and HelmRelease hygiene. */
export const fluxRules: readonly Rule[] = [];
