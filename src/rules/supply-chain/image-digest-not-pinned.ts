import { IMAGE_HAS_DIGEST, imageNameValid } from '../cel.js';
import { defineRule } from '../rule.js';
import {
  containerImages,
  describeContainer,
  ISTIO_INJECTED_VARIABLE,
  imageChosenByInjectorCel,
} from './container-images.js';
import { K8S_IMAGE_NAMES, MITRE_T1525, SLSA } from './refs.js';

export const rule = defineRule({
  id: 'image-digest-not-pinned',
  title: 'Image not pinned by digest',
  category: 'supply-chain',
  severity: 'medium',
  appliesTo: 'workloads',
  needs: 'object',
  cel: {
    matchKinds: 'workloads',
    variables: [ISTIO_INJECTED_VARIABLE],
    validations: [
      {
        // a malformed digest pins nothing; a reference invalid before its digest is image-ref-invalid's alone
        expression: `variables.containers.all(c, !has(c.image) || ${imageChosenByInjectorCel('c')} || !${imageNameValid('c')} || ${IMAGE_HAS_DIGEST('c')})`,
        message: 'images must be pinned by digest (@sha256:…)',
      },
    ],
  },
  description:
    'A container image is referenced by tag only. Tags are mutable: whoever can push to the repository (or compromise it) can change what this workload runs without any change to the manifest, and signature or provenance checks done on one image do not hold for the next. A malformed digest (truncated, uppercase hex, an algorithm other than sha256/sha384/sha512) pins nothing and is reported too.',
  remediation:
    'Reference the image by digest, keeping the tag for readers: `registry/repo:1.2.3@sha256:<digest>` (`crane digest`, `docker buildx imagetools inspect` or `skopeo inspect` print it); let Renovate or Dependabot update digests.',
  references: [K8S_IMAGE_NAMES, SLSA, MITRE_T1525],
  check(_obj, ctx) {
    const hits = [];
    for (const { container, path, text, parsed } of containerImages(ctx)) {
      if (!parsed) continue;
      if (parsed.ok) {
        if (parsed.ref.digest) continue;
        hits.push({
          path,
          message: `${describeContainer(container)} uses image "${parsed.ref.original}", which is not pinned by digest (@sha256:…)`,
        });
      } else if (parsed.code === 'digest-invalid' || parsed.code === 'digest-unsupported') {
        hits.push({
          path,
          message: `${describeContainer(container)} uses image "${text}", whose digest is malformed or of an algorithm runtimes do not accept, so it is not pinned (sha256:<64 lowercase hex>)`,
        });
      }
    }
    return hits;
  },
});
