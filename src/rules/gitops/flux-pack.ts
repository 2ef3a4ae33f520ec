import type { Rule } from '../rule.js';
import { rule as fluxSourceInsecure } from './flux-source-insecure.js';

/** Flux: sources (GitRepository, OCIRepository, HelmRepository, Bucket, HelmChart), Kustomization and HelmRelease hygiene. */
export const fluxRules: readonly Rule[] = [fluxSourceInsecure];
