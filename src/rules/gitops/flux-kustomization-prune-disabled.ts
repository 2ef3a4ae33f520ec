import { defineRule } from '../rule.js';
import { describeFlux, isFlux, specOf } from './flux.js';
import { FLUX_KS_PRUNE } from './flux-refs.js';

export const rule = defineRule({
  id: 'flux-kustomization-prune-disabled',
  title: 'Flux Kustomization does not prune',
  category: 'gitops',
  severity: 'low',
  appliesTo: ['Kustomization'],
  needs: 'object',
  cel: {
    matchKinds: ['Kustomization'],
    validations: [
      {
        expression: '!(has(object.spec.prune) && object.spec.prune == false)',
        message: 'Flux Kustomizations should prune (prune: true)',
      },
    ],
  },
  description:
    'A Flux Kustomization sets `prune: false`: objects removed from git (or renamed) stay in the cluster and keep running, so the cluster drifts from the repository, a deleted Deployment, RoleBinding or NetworkPolicy exception lives on, and nothing reports it. With `prune: true` kustomize-controller garbage-collects what it applied before and git no longer holds. Objects that must survive a removal can opt out one by one with the annotation `kustomize.toolkit.fluxcd.io/prune: disabled`.',
  remediation:
    'Set `prune: true`, and mark the few objects that must outlive their manifests (namespaces with data, PersistentVolumeClaims) with `kustomize.toolkit.fluxcd.io/prune: disabled`.',
  references: [FLUX_KS_PRUNE],
  check(obj) {
    if (!isFlux(obj, 'Kustomization')) return undefined;
    if (specOf(obj)?.prune !== false) return undefined;
    return [
      {
        path: '/spec/prune',
        message: `${describeFlux(obj)} does not prune: objects removed from git stay in the cluster`,
      },
    ];
  },
});
