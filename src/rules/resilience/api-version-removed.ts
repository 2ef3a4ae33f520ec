import { defineRule } from '../rule.js';
import { apiStatus, DEPRECATION_GUIDE, DEPRECATION_POLICY, replacementAdvice, targetMinor } from './api-lifecycle.js';

// No CEL twin: an admission policy only ever sees API versions the server still serves.
export const rule = defineRule({
  id: 'api-version-removed',
  title: 'API version no longer served by the target Kubernetes release',
  category: 'resilience',
  severity: 'high',
  appliesTo: '*',
  needs: 'object',
  description:
    "The object's apiVersion is one the target Kubernetes release no longer serves (`extensions/v1beta1` Deployments, `policy/v1beta1` PodDisruptionBudgets, `batch/v1beta1` CronJobs, `autoscaling/v2beta2` HorizontalPodAutoscalers, `flowcontrol.apiserver.k8s.io/v1beta3`, …): applying it fails, so the change never deploys, and an upgrade to that release breaks the pipeline that applies it. An API version newer than the target release (a `v1beta2` the target does not have yet) is reported too. The target release is `--kubernetes-version` (or `kubernetesVersion` in the config), by default the newest release kubeprint knows. The lifecycle of every beta and alpha version comes from the data the API server itself uses (the prerelease-lifecycle annotations of Kubernetes' API types).",
  remediation:
    'Move the object to the replacement API version the message names (`kubectl convert` or the migration guide list the field changes), and render Helm charts for the target release (`helm template --kube-version`).',
  references: [DEPRECATION_GUIDE, DEPRECATION_POLICY],
  check(obj, ctx) {
    const target = ctx.memo('api-lifecycle-target', () => targetMinor(ctx.config));
    const s = apiStatus(obj, target);
    if (s?.$case === 'removed')
      return [
        {
          path: '/apiVersion',
          message: `${obj.apiVersion} ${obj.kind} is not served from Kubernetes ${s.entry.removed} on (target 1.${target}): ${replacementAdvice(s)}`,
        },
      ];
    if (s?.$case === 'not-yet-served')
      return [
        {
          path: '/apiVersion',
          message: `${obj.apiVersion} ${obj.kind} is served only from Kubernetes ${s.entry.introduced} on (target 1.${target})`,
        },
      ];
    return undefined;
  },
});
