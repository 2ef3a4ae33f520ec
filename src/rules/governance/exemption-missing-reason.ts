import { defineRule } from '../rule.js';

/** Reported by exemption handling, not by a check; listed here so that `rules` and `explain` know it. */
export const rule = defineRule({
  id: 'exemption-missing-reason',
  title: 'Annotation exemption without a reason',
  category: 'governance',
  severity: 'medium',
  appliesTo: [],
  needs: 'object',
  description:
    'An object carries the kubeprint.dev/exempt annotation without kubeprint.dev/exempt-reason. Exemptions must say why; this one is not applied.',
  remediation: 'Add kubeprint.dev/exempt-reason with the justification, or remove the exemption annotation.',
  references: [],
  check: () => undefined,
});
