import { defineRule } from '../rule.js';

/** Reported by the sources, not by a check; listed here so that `rules` and `explain` know it. */
export const rule = defineRule({
  id: 'render-failed',
  title: 'Kustomization or Helm chart failed to render',
  category: 'governance',
  severity: 'high',
  appliesTo: [],
  needs: 'object',
  description:
    'A kustomization or chart could not be rendered (the tool is missing or failed), so none of its objects were checked. kubeprint never skips a stack silently.',
  remediation:
    'Install the named tool (kustomize or kubectl, helm) or fix the error the tool printed; run the same kustomize build or helm template command to reproduce it.',
  references: [],
  check: () => undefined,
});
