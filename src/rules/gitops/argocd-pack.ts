import type { Rule } from '../rule.js';

/** Argo CD: AppProject, Application and ApplicationSet hygiene. */
export const argocdRules: readonly Rule[] = [];
