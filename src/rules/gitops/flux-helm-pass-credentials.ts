import { defineRule } from '../rule.js';
import { describeFlux, isFlux, isMap, specOf, text } from './flux.js';
import { FLUX_HELM_PASS_CREDENTIALS, MITRE_T1552, MITRE_T1557 } from './flux-refs.js';

export const rule = defineRule({
  id: 'flux-helm-pass-credentials',
  title: 'HelmRepository passes its credentials to other hosts',
  category: 'gitops',
  severity: 'medium',
  appliesTo: ['HelmRepository'],
  needs: 'object',
  cel: {
    matchKinds: ['HelmRepository'],
    validations: [
      {
        expression:
          "!(has(object.spec.passCredentials) && object.spec.passCredentials == true && !(has(object.spec.type) && object.spec.type == 'oci'))",
        message: 'HelmRepository must not set passCredentials: true',
      },
    ],
  },
  description:
    "An HTTP(S) HelmRepository sets `passCredentials: true`: source-controller then sends the credentials of its `secretRef` to whatever host a chart URL in the repository index names, not only to the repository's own host. Whoever can change the index (or a chart's URL in it) collects the credentials, and Flux's documentation warns that they can be stolen by a man in the middle. Reported at medium with a `secretRef` and at low without one (nothing is passed until credentials are added). Ignored by Flux for OCI repositories (`type: oci`), which are not reported.",
  remediation:
    'Remove `passCredentials`, and serve the charts from the host of the repository URL (or point a second HelmRepository, with its own credentials, at the host that serves them).',
  references: [FLUX_HELM_PASS_CREDENTIALS, MITRE_T1552, MITRE_T1557],
  check(obj) {
    if (!isFlux(obj, 'HelmRepository')) return undefined;
    const spec = specOf(obj);
    if (spec?.passCredentials !== true || spec.type === 'oci') return undefined;
    const secret = isMap(spec.secretRef) ? text(spec.secretRef.name) : undefined;
    return [
      {
        path: '/spec/passCredentials',
        severity: secret ? 'medium' : 'low',
        message: secret
          ? `${describeFlux(obj)} sends the credentials of Secret "${secret}" to any host its index names (passCredentials: true)`
          : `${describeFlux(obj)} would send its credentials to any host its index names (passCredentials: true); it has no secretRef yet`,
      },
    ];
  },
});
