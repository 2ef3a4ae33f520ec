import { defineRule } from '../rule.js';
import { describeFlux, isFlux, isMap, specOf, text } from './flux.js';
import { FLUX_OCI_REF, MITRE_T1195 } from './flux-refs.js';

export const rule = defineRule({
  id: 'flux-oci-ref-latest',
  title: 'OCIRepository follows the latest tag',
  category: 'gitops',
  severity: 'medium',
  appliesTo: ['OCIRepository'],
  needs: 'object',
  cel: {
    matchKinds: ['OCIRepository'],
    validations: [
      {
        expression:
          "has(object.spec.ref) && ((has(object.spec.ref.digest) && object.spec.ref.digest != '') || (has(object.spec.ref.semver) && object.spec.ref.semver != '') || (has(object.spec.ref.tag) && object.spec.ref.tag != '' && object.spec.ref.tag != 'latest'))",
        message: 'OCIRepository must name a digest, a semver range or a tag other than latest',
      },
    ],
  },
  description:
    'An OCIRepository has no `spec.ref`, an empty one, or `ref.tag: latest` (with no `digest` or `semver`, which take precedence): Flux then pulls whatever `latest` points to at each interval, so any push of `latest` is deployed, unreviewed, and what runs cannot be told from git. A `digest` pins the artifact; a `semver` range is judged by flux-version-unbounded; any other tag is accepted here.',
  remediation:
    'Set `spec.ref.digest` (`sha256:…`) to pin the artifact, or `spec.ref.tag` to a release tag, or `spec.ref.semver` to a bounded range (`~1.4`, `>=1.4.0 <2.0.0`); let a bot propose updates.',
  references: [FLUX_OCI_REF, MITRE_T1195],
  check(obj) {
    if (!isFlux(obj, 'OCIRepository')) return undefined;
    const spec = specOf(obj);
    if (!spec) return undefined;
    const ref = spec.ref;
    if (!isMap(ref)) {
      if (ref !== undefined && ref !== null) return undefined;
      return [{ path: '/spec', message: `${describeFlux(obj)} has no spec.ref, so it pulls the tag "latest"` }];
    }
    if (text(ref.digest) || text(ref.semver)) return undefined;
    const tag = ref.tag;
    if (tag === 'latest')
      return [{ path: '/spec/ref/tag', message: `${describeFlux(obj)} pulls the mutable tag "latest"` }];
    if (tag === undefined || tag === null || tag === '')
      return [
        {
          path: '/spec/ref',
          message: `${describeFlux(obj)} names no tag, digest or semver range in spec.ref, so it pulls the tag "latest"`,
        },
      ];
    return undefined;
  },
});
