import { defineRule } from '../rule.js';
import { apiStatus, DEPRECATION_GUIDE, DEPRECATION_POLICY, replacementAdvice, targetMinor } from './api-lifecycle.js';

// No CEL twin: the API server already answers a deprecated version with a warning.
export const rule = defineRule({
  id: 'api-version-deprecated',
  title: 'API version deprecated in the target Kubernetes release',
  category: 'resilience',
  severity: 'low',
  appliesTo: '*',
  needs: 'object',
  description:
    "The object's apiVersion is deprecated in the target Kubernetes release and will stop being served in a later one (the message says which). It still applies today, with a warning, but the release that removes it breaks whatever applies this file. The target release is `--kubernetes-version` (or `kubernetesVersion` in the config), by default the newest release kubeprint knows.",
  remediation:
    'Move the object to the replacement API version the message names before upgrading to the release that removes it.',
  references: [DEPRECATION_GUIDE, DEPRECATION_POLICY],
  check(obj, ctx) {
    const target = ctx.memo('api-lifecycle-target', () => targetMinor(ctx.config));
    const s = apiStatus(obj, target);
    if (s?.$case !== 'deprecated') return undefined;
    return [
      {
        path: '/apiVersion',
        message: `${obj.apiVersion} ${obj.kind} is deprecated since Kubernetes ${s.entry.deprecated} and not served from ${s.entry.removed} on (target 1.${target}): ${replacementAdvice(s)}`,
      },
    ];
  },
});
