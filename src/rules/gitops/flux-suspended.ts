import { defineRule } from '../rule.js';
import { describeFlux, isFlux, specOf } from './flux.js';
import { FLUX_KS_SUSPEND } from './flux-refs.js';

const KINDS = [
  'Kustomization',
  'HelmRelease',
  'GitRepository',
  'OCIRepository',
  'HelmRepository',
  'Bucket',
  'HelmChart',
];

export const rule = defineRule({
  id: 'flux-suspended',
  title: 'Flux object suspended in git',
  category: 'gitops',
  severity: 'medium',
  appliesTo: KINDS,
  needs: 'object',
  cel: {
    matchKinds: KINDS,
    validations: [
      {
        expression: '!(has(object.spec.suspend) && object.spec.suspend == true)',
        message: 'Flux objects must not be committed with suspend: true',
      },
    ],
  },
  description:
    'A Flux object is committed with `spec.suspend: true`: its controller stops reconciling it. A suspended Kustomization or HelmRelease no longer applies what git says (fixes and security updates never land, drift is not corrected), and a suspended source stops fetching, which freezes everything built on it. `flux suspend` is meant for an incident, as a patch on the live object that a later commit lifts; a suspension written in git is easily forgotten, and the cluster silently stops following the repository.',
  remediation:
    'Remove `suspend: true` (or set it to false); to pause during an incident, run `flux suspend …` on the live object and `flux resume …` afterwards, and track the pause in the incident, not in git.',
  references: [FLUX_KS_SUSPEND],
  check(obj) {
    if (!isFlux(obj) || !KINDS.includes(obj.kind)) return undefined;
    if (specOf(obj)?.suspend !== true) return undefined;
    return [
      {
        path: '/spec/suspend',
        message: `${describeFlux(obj)} is suspended (suspend: true): Flux does not reconcile it`,
      },
    ];
  },
});
