import { defineRule } from '../rule.js';

/** Reported by exemption handling, not by a check; listed here so that `rules` and `explain` know it. */
export const rule = defineRule({
  id: 'exemption-expired',
  title: 'Exemption has expired',
  category: 'governance',
  severity: 'medium',
  appliesTo: [],
  needs: 'object',
  description:
    'An exemption in .kubeprint.yaml is past its expiry date. It no longer exempts anything; the findings it covered are reported again.',
  remediation: 'Fix the findings it covered, or renew the exemption with a new expiry date after review by its owner.',
  references: [],
  check: () => undefined,
});
