import { defineRule } from '../rule.js';

/** Reported by the sources, not by a check; listed here so that `rules` and `explain` know it. */
export const rule = defineRule({
  id: 'duplicate-key',
  title: 'Mapping has a duplicate key',
  category: 'governance',
  severity: 'medium',
  appliesTo: [],
  needs: 'object',
  description:
    'A mapping repeats a key. The API server keeps only the last value, so an earlier value (often a security setting) silently disappears.',
  remediation: 'Remove or merge the repeated key so that each key appears once.',
  references: [],
  check: () => undefined,
});
