import { defineRule } from '../rule.js';
import { containerImages, describeContainer } from './container-images.js';
import { K8S_IMAGE_NAMES } from './refs.js';

export const rule = defineRule({
  id: 'image-ref-invalid',
  title: 'Image reference is missing or invalid',
  category: 'supply-chain',
  severity: 'medium',
  appliesTo: 'workloads',
  needs: 'object',
  description:
    'A container has no image, or its image is not a valid reference (`[registry/]repository[:tag][@digest]`, lowercase repository). A digest must be one the runtimes accept (the kubelet, containerd and CRI-O parse it with go-digest): sha256 as exactly 64 lowercase hex digits (sha384: 96, sha512: 128); a truncated or uppercase digest, or another algorithm, is rejected. The pod cannot start (InvalidImageName), and no supply-chain rule can judge an image it cannot parse; often a template value was left empty or a digest was copied wrong.',
  remediation:
    'Write the image as `registry/repository:tag@sha256:digest` with a lowercase repository and the full digest (`crane digest` prints it), and check the value that rendered it (Helm values, Kustomize images).',
  references: [K8S_IMAGE_NAMES],
  check(_obj, ctx) {
    const hits = [];
    for (const { container, path, text, parsed } of containerImages(ctx)) {
      if (text === undefined) {
        hits.push({ path, message: `${describeContainer(container)} has no image` });
      } else if (parsed && !parsed.ok) {
        hits.push({ path, message: `${describeContainer(container)}: ${parsed.error}` });
      }
    }
    return hits;
  },
});
