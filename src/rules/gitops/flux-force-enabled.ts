import { defineRule, type RuleHit } from '../rule.js';
import { describeFlux, isFlux, isMap, specOf } from './flux.js';
import { FLUX_HELM_RELEASES, FLUX_KS_FORCE } from './flux-refs.js';

export const rule = defineRule({
  id: 'flux-force-enabled',
  title: 'Flux recreates objects by force',
  category: 'gitops',
  severity: 'medium',
  appliesTo: ['Kustomization', 'HelmRelease'],
  needs: 'object',
  cel: {
    matchKinds: ['Kustomization', 'HelmRelease'],
    validations: [
      {
        expression:
          "!(object.kind == 'Kustomization' && has(object.spec.force) && object.spec.force == true) && !(object.kind == 'HelmRelease' && ((has(object.spec.upgrade) && has(object.spec.upgrade.force) && object.spec.upgrade.force == true) || (has(object.spec.rollback) && has(object.spec.rollback.force) && object.spec.rollback.force == true)))",
        message: 'Flux must not force updates by deleting and recreating objects',
      },
    ],
  },
  description:
    "A Flux Kustomization sets `force: true`, or a HelmRelease sets `upgrade.force: true` or `rollback.force: true`: when an update cannot be applied (an immutable field changed, such as a Deployment's selector, a Job's template or a Service's clusterIP), Flux deletes the object and creates it again instead of failing. The pods go away at once, with no rolling update and no PodDisruptionBudget, a PersistentVolumeClaim recreated can lose its volume binding, and a mistaken change destroys what it touches without anyone being asked. Without force the reconciliation fails and says why, and a person decides. Flux's per-object annotation `kustomize.toolkit.fluxcd.io/force: enabled` limits forcing to the objects that need it.",
  remediation:
    'Remove `force: true`; when a change of an immutable field is intended, recreate that object deliberately, or annotate only it with `kustomize.toolkit.fluxcd.io/force: enabled`.',
  references: [FLUX_KS_FORCE, FLUX_HELM_RELEASES],
  check(obj) {
    const spec = specOf(obj);
    if (!spec) return undefined;
    const hits: RuleHit[] = [];
    if (isFlux(obj, 'Kustomization') && spec.force === true)
      hits.push({
        path: '/spec/force',
        message: `${describeFlux(obj)} deletes and recreates objects whose update fails (force: true)`,
      });
    if (isFlux(obj, 'HelmRelease'))
      for (const action of ['upgrade', 'rollback'] as const) {
        const a = spec[action];
        if (isMap(a) && a.force === true)
          hits.push({
            path: `/spec/${action}/force`,
            message: `${describeFlux(obj)} replaces resources by force on ${action} (${action}.force: true)`,
          });
      }
    return hits;
  },
});
