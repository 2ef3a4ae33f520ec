import { defineRule } from '../rule.js';
import { describeContainer, parsedImages } from './container-images.js';
import { registryMatcher } from './image-registry-not-allowed.js';
import { MITRE_T1204_003, MITRE_T1525, NSA_CISA, SLSA } from './refs.js';

export const rule = defineRule({
  id: 'image-registry-denied',
  title: 'Image from a denied registry or repository',
  category: 'supply-chain',
  severity: 'high',
  appliesTo: 'workloads',
  needs: 'object',
  needsConfig: true,
  description:
    'A container image comes from a registry or repository that `registries.deny` in .kubeprint.yaml lists (for example a public registry the organisation mirrors, or a repository known to be compromised). The deny list wins over `registries.allow`: an image that both lists match is denied. Does nothing until `registries.deny` is set. An image outside `registries.allow` is reported by image-registry-not-allowed as well.',
  remediation:
    'Reference the image from an approved mirror or registry instead; if the entry in `registries.deny` is too broad, narrow its glob (`docker.io/untrusted/*` rather than `docker.io`).',
  references: [
    { title: 'CIS Kubernetes Benchmark 5.5.1 (image provenance)' },
    NSA_CISA,
    MITRE_T1204_003,
    MITRE_T1525,
    SLSA,
  ],
  check(_obj, ctx) {
    const deny = ctx.config.registries?.deny;
    if (!deny) return undefined;
    const denied = ctx.memo('image-registry-denied/matcher', () => registryMatcher(deny));
    return parsedImages(ctx)
      .filter(({ ref }) => denied(ref))
      .map(({ container, path, ref }) => ({
        path,
        message: `${describeContainer(container)} uses image "${ref.original}" (${ref.registry}/${ref.repository}), which registries.deny denies`,
      }));
  },
});
