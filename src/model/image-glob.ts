import picomatch from 'picomatch';
import { DEFAULT_REGISTRY, effectiveTag, type ImageRef } from './image-ref.js';

/** True when an image matches one entry of a list of image globs. */
export type ImageMatcher = (ref: ImageRef) => boolean;

/**
 * Compile a list of image globs (`registries.allow`, `registries.deny`, an
 * exemption's `images`). An entry is either a registry (`ghcr.io`,
 * `registry.example.com:5000`, or a glob such as `*.dkr.ecr.*.amazonaws.com`)
 * or, when it has a `/`, a glob over `registry/repository` (`ghcr.io/acme/*`;
 * `*` stays within one path segment, `**` crosses them). A repository entry
 * without glob characters also covers the repositories below it. Entries get
 * the same Docker Hub defaults as images: `nginx` is `docker.io/library/nginx`,
 * `acme/*` is `docker.io/acme/*`. A registry written without a port matches
 * that host on any port (`ghcr.io` covers `ghcr.io:443`), so a deny entry is
 * not bypassed by naming the port.
 *
 * With `tags`, an entry may end in `:tag` (a glob: `ghcr.io/acme/web:1.*`,
 * `nginx:1.14`); it then matches only images whose tag (`latest` when none is
 * written) matches, and never an image given by digest alone. Without a `/`,
 * `host:port` is a registry only when the host has a dot, is `localhost` or an
 * IPv6 address (`localhost:5000`), as in the Docker reference grammar;
 * otherwise `name:tag` (`redis:7`).
 */
export function imageMatcher(entries: readonly string[], opts: { tags?: boolean } = {}): ImageMatcher {
  const registries: Array<{ host: (registry: string) => boolean; anyPort: boolean }> = [];
  const names: Array<{
    name: (name: string) => boolean;
    anyPort: boolean;
    tag: ((tag: string | undefined) => boolean) | undefined;
  }> = [];
  for (const raw of entries) {
    let entry = raw.trim().replace(/\/+$/, '');
    if (entry === '') continue;
    let tag: string | undefined;
    if (opts.tags) {
      const last = entry.slice(entry.lastIndexOf('/') + 1);
      const colon = last.lastIndexOf(':');
      const slashed = entry.includes('/');
      const hostPort =
        !slashed &&
        (entry.startsWith('[') ||
          (colon > 0 && /^[0-9]+$/.test(last.slice(colon + 1)) && looksLikeDomain(last.slice(0, colon))));
      if (colon > 0 && !hostPort) {
        tag = last.slice(colon + 1);
        entry = entry.slice(0, entry.length - last.length + colon);
        if (tag === '' || entry === '') continue;
      }
    }
    const slash = entry.indexOf('/');
    const first = slash < 0 ? entry : entry.slice(0, slash);
    const isHost = tag === undefined ? looksLikeHost(first) : slash >= 0 && looksLikeHost(first);
    if (slash < 0 && isHost) {
      const host = normaliseRegistry(first);
      registries.push({
        host: picomatch.scan(host).isGlob ? picomatch(host) : (r) => r === host,
        anyPort: !hasPort(host),
      });
      continue;
    }
    let pattern: string;
    if (!isHost) {
      // Docker Hub shorthand
      pattern = slash < 0 ? `${DEFAULT_REGISTRY}/library/${entry}` : `${DEFAULT_REGISTRY}/${entry}`;
    } else {
      pattern = `${normaliseRegistry(first)}${entry.slice(slash)}`;
    }
    const below = tag === undefined && !picomatch.scan(pattern).isGlob;
    const tagMatch = tag === undefined ? undefined : picomatch(tag);
    names.push({
      name: picomatch(below ? [pattern, `${pattern}/**`] : pattern),
      anyPort: !isHost || !hasPort(first),
      tag: tagMatch && ((t) => t !== undefined && tagMatch(t)),
    });
  }
  return (ref) => {
    const registry = ref.registry.toLowerCase();
    const host = registry.replace(/:[0-9]+$/, '');
    if (registries.some((m) => m.host(registry) || (m.anyPort && m.host(host)))) return true;
    const name = `${registry}/${ref.repository}`;
    const hostName = `${host}/${ref.repository}`;
    return names.some(
      (m) => (m.name(name) || (m.anyPort && m.name(hostName))) && (m.tag === undefined || m.tag(effectiveTag(ref))),
    );
  };
}

/** The first component of a reference is a registry when it has a dot or a port, is localhost, or an IPv6 address. */
function looksLikeHost(s: string): boolean {
  return s.includes('.') || s.includes(':') || s === 'localhost' || s.startsWith('[');
}

function hasPort(host: string): boolean {
  return /:[0-9*?]+$/.test(host);
}

function looksLikeDomain(s: string): boolean {
  return s.includes('.') || s === 'localhost';
}

function normaliseRegistry(host: string): string {
  const h = host.toLowerCase();
  return h === 'index.docker.io' || h === 'registry-1.docker.io' ? DEFAULT_REGISTRY : h;
}
