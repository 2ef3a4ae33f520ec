import { VERIFY_RULE_LIST } from '../engines/supplychain/usage.js';
import { controlPlaneRules } from './control-plane/pack.js';
import { argocdRules } from './gitops/argocd-pack.js';
import { fluxRules } from './gitops/flux-pack.js';
import { governanceRules } from './governance/pack.js';
import { identityRules } from './identity/pack.js';
import { networkRules } from './network/pack.js';
import { hardeningRules } from './pod-security/hardening-pack.js';
import { pssRules } from './pod-security/pss-pack.js';
import { resilienceRules } from './resilience/pack.js';
import type { Rule, RuleMeta } from './rule.js';
import { supplyChainRules } from './supply-chain/pack.js';

/**
 * Every rule, in one explicit, ordered list. Rule packs contribute arrays;
 * order here is the order of `kubeprint rules` and of SARIF's rule table.
 */
export const RULES: readonly Rule[] = [
  ...governanceRules,
  ...resilienceRules,
  ...pssRules,
  ...hardeningRules,
  ...supplyChainRules,
  ...networkRules,
  ...identityRules,
  ...controlPlaneRules,
  ...argocdRules,
  ...fluxRules,
];

/** A rule whose findings an engine emits when asked, not a per-object check. */
export interface EngineRuleMeta extends RuleMeta {
  /** What emits its findings, in words (`image verification (scan --verify-images, images verify)`). */
  readonly emittedBy: string;
}

/**
 * Rules whose findings come from an engine that runs only on request (image
 * verification talks to registries), so they are not in RULES and the
 * per-object scan never runs them. They are listed, explained, configured
 * (`rules.<id>`: severity, enabled) and documented like every other rule.
 */
export const ENGINE_RULES: readonly EngineRuleMeta[] = [...VERIFY_RULE_LIST];

/** Every rule id kubeprint can report: RULES, then ENGINE_RULES (`kubeprint rules`, `explain`, the reference). */
export const RULE_CATALOGUE: readonly RuleMeta[] = [...RULES, ...ENGINE_RULES];

const byId = new Map(RULES.map((r) => [r.id, r]));
const metaById = new Map(RULE_CATALOGUE.map((r) => [r.id, r]));

/** A rule of the per-object scan (RULES). */
export function ruleById(id: string): Rule | undefined {
  return byId.get(id);
}

/** Any rule kubeprint can report, engine-emitted ones included. */
export function ruleMetaById(id: string): RuleMeta | undefined {
  return metaById.get(id);
}

/** What emits a rule's findings when it is not a per-object check. */
export function emittedBy(rule: RuleMeta): string | undefined {
  return 'emittedBy' in rule && typeof rule.emittedBy === 'string' ? rule.emittedBy : undefined;
}
