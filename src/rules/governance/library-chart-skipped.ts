import { defineRule } from '../rule.js';

/** Reported by the sources, not by a check; listed here so that `rules` and `explain` know it. */
export const rule = defineRule({
  id: 'library-chart-skipped',
  title: 'Library chart not rendered on its own',
  category: 'governance',
  severity: 'info',
  appliesTo: [],
  needs: 'object',
  description:
    'A Helm chart with `type: library` in Chart.yaml defines templates for other charts and renders no objects itself (helm refuses to install or template it), so kubeprint does not render it alone. Its templates are judged wherever an application chart that depends on it is rendered.',
  remediation:
    'Nothing to fix. Scan the application charts that depend on the library chart to judge what it produces.',
  references: [],
  check: () => undefined,
});
