import { type ImageMatcher, imageMatcher } from '../../model/image-glob.js';
import { defineRule } from '../rule.js';
import { describeContainer, parsedImages } from './container-images.js';
import { MITRE_T1204_003, MITRE_T1525, NSA_CISA, SLSA } from './refs.js';

/** True when an image matches one entry of `registries.allow` (or `registries.deny`). */
export type RegistryMatcher = ImageMatcher;

/**
 * Compile `registries.allow` or `registries.deny`: registries or
 * `registry/repository` globs, with Docker Hub defaults (see `imageMatcher`).
 */
export function registryMatcher(entries: readonly string[]): RegistryMatcher {
  return imageMatcher(entries);
}

export const rule = defineRule({
  id: 'image-registry-not-allowed',
  title: 'Image from a registry outside the allowlist',
  category: 'supply-chain',
  severity: 'high',
  appliesTo: 'workloads',
  needs: 'object',
  needsConfig: true,
  description:
    'A container image comes from a registry or repository that `registries.allow` in .kubeprint.yaml does not list. Images from unvetted sources bypass the scanning, signing and provenance controls applied to the approved registries. Does nothing until `registries.allow` is set.',
  remediation:
    'Mirror the image into an approved registry and reference it there, or, after review, add its registry (`ghcr.io`) or repository glob (`ghcr.io/acme/*`) to `registries.allow`.',
  references: [
    { title: 'CIS Kubernetes Benchmark 5.5.1 (image provenance)' },
    NSA_CISA,
    MITRE_T1204_003,
    MITRE_T1525,
    SLSA,
  ],
  check(_obj, ctx) {
    const allow = ctx.config.registries?.allow;
    if (!allow) return undefined;
    const allowed = ctx.memo('image-registry-not-allowed/matcher', () => registryMatcher(allow));
    return parsedImages(ctx)
      .filter(({ ref }) => !allowed(ref))
      .map(({ container, path, ref }) => ({
        path,
        message: `${describeContainer(container)} uses image "${ref.original}" (${ref.registry}/${ref.repository}), which registries.allow does not allow`,
      }));
  },
});
