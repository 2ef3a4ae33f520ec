import { defineRule } from '../rule.js';

/** Reported by the sources, not by a check; listed here so that `rules` and `explain` know it. */
export const rule = defineRule({
  id: 'invalid-yaml',
  title: 'YAML document cannot be parsed',
  category: 'governance',
  severity: 'high',
  appliesTo: [],
  needs: 'object',
  description:
    'A YAML or JSON document could not be parsed. The rest of the file and the run go on; the broken document is not checked, so problems in it stay hidden until it is fixed.',
  remediation:
    'Fix the syntax at the reported line and column (indentation, an unclosed quote or bracket, a tab used for indentation), or remove the file from the scanned paths.',
  references: [],
  check: () => undefined,
});
