import { IMAGE_HAS_DIGEST, imageValid } from '../cel.js';
import { defineRule } from '../rule.js';
import { describeContainer, parsedImages } from './container-images.js';
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
    validations: [
      {
        expression: `variables.containers.all(c, !has(c.image) || !${imageValid('c')} || ${IMAGE_HAS_DIGEST('c')})`,
        message: 'images must be pinned by digest (@sha256:…)',
      },
    ],
  },
  description:
    'A container image is referenced by tag only. Tags are mutable: whoever can push to the repository (or compromise it) can change what this workload runs without any change to the manifest, and signature or provenance checks done on one image do not hold for the next.',
  remediation:
    'Reference the image by digest, keeping the tag for readers: `registry/repo:1.2.3@sha256:<digest>` (`crane digest`, `docker buildx imagetools inspect` or `skopeo inspect` print it); let Renovate or Dependabot update digests.',
  references: [K8S_IMAGE_NAMES, SLSA, MITRE_T1525],
  check(_obj, ctx) {
    return parsedImages(ctx)
      .filter(({ ref }) => !ref.digest)
      .map(({ container, path, ref }) => ({
        path,
        message: `${describeContainer(container)} uses image "${ref.original}", which is not pinned by digest (@sha256:…)`,
      }));
  },
});
