import picomatch from 'picomatch';
import { DEFAULT_REGISTRY, type ImageRef } from '../../model/image-ref.js';
import { defineRule } from '../rule.js';
import { describeContainer, parsedImages } from './container-images.js';
import { MITRE_T1204_003, MITRE_T1525, NSA_CISA, SLSA } from './refs.js';

/** True when an image matches one entry of `registries.allow`. */
export type RegistryMatcher = (ref: ImageRef) => boolean;

/**
 * Compile `registries.allow`. An entry is either a registry (`ghcr.io`,
 * `registry.example.com:5000`, or a glob such as `*.dkr.ecr.*.amazonaws.com`)
 * or, when it has a `/`, a glob over `registry/repository` (`ghcr.io/acme/*`;
 * `*` stays within one path segment, `**` crosses them). A repository entry
 * without glob characters also allows the repositories below it. Entries get
 * the same Docker Hub defaults as images: `nginx` is `docker.io/library/nginx`,
 * `acme/*` is `docker.io/acme/*`.
 */
export function registryMatcher(allow: readonly string[]): RegistryMatcher {
  const registries: Array<(registry: string) => boolean> = [];
  const names: Array<(name: string) => boolean> = [];
  for (const raw of allow) {
    const entry = raw.trim().replace(/\/+$/, '');
    if (entry === '') continue;
    const slash = entry.indexOf('/');
    const first = slash < 0 ? entry : entry.slice(0, slash);
    const isHost = looksLikeHost(first);
    if (slash < 0 && isHost) {
      const host = normaliseRegistry(first);
      registries.push(picomatch.scan(host).isGlob ? picomatch(host) : (r) => r === host);
      continue;
    }
    let pattern: string;
    if (!isHost) {
      // Docker Hub shorthand
      pattern = slash < 0 ? `${DEFAULT_REGISTRY}/library/${entry}` : `${DEFAULT_REGISTRY}/${entry}`;
    } else {
      pattern = `${normaliseRegistry(first)}${entry.slice(slash)}`;
    }
    names.push(picomatch(picomatch.scan(pattern).isGlob ? pattern : [pattern, `${pattern}/**`]));
  }
  return (ref) => {
    const registry = ref.registry.toLowerCase();
    if (registries.some((m) => m(registry))) return true;
    const name = `${registry}/${ref.repository}`;
    return names.some((m) => m(name));
  };
}

function looksLikeHost(s: string): boolean {
  return s.includes('.') || s.includes(':') || s === 'localhost' || s.startsWith('[');
}

function normaliseRegistry(host: string): string {
  const h = host.toLowerCase();
  return h === 'index.docker.io' || h === 'registry-1.docker.io' ? DEFAULT_REGISTRY : h;
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
