import { controlPlaneRules } from './control-plane/pack.js';
import { governanceRules } from './governance/pack.js';
import { identityRules } from './identity/pack.js';
import { networkRules } from './network/pack.js';
import { hardeningRules } from './pod-security/hardening-pack.js';
import { pssRules } from './pod-security/pss-pack.js';
import { resilienceRules } from './resilience/pack.js';
import type { Rule } from './rule.js';
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
];

const byId = new Map(RULES.map((r) => [r.id, r]));

export function ruleById(id: string): Rule | undefined {
  return byId.get(id);
}
