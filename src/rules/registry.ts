import { governanceRules } from './governance/pack.js';
import type { Rule } from './rule.js';

/**
 * Every rule, in one explicit, ordered list. Rule packs contribute arrays;
 * order here is the order of `kubeprint rules` and of SARIF's rule table.
 */
export const RULES: readonly Rule[] = [...governanceRules];

const byId = new Map(RULES.map((r) => [r.id, r]));

export function ruleById(id: string): Rule | undefined {
  return byId.get(id);
}
