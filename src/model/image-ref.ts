/**
 * Container image references, following the Docker reference grammar
 * (distribution/reference): [registry/]repository[:tag][@digest], with the
 * docker.io and library/ defaults.
 */
export interface ImageRef {
  /** The text as written. */
  readonly original: string;
  /** Registry host[:port]; `docker.io` when none is given. */
  readonly registry: string;
  /** Repository path, with `library/` added for single-name Docker Hub images. */
  readonly repository: string;
  readonly tag: string | undefined;
  readonly digest: string | undefined;
  /** registry/repository */
  readonly name: string;
}

export type ImageRefParse = { ok: true; ref: ImageRef } | { ok: false; error: string };

const ALNUM = '[a-z0-9]+';
const SEPARATOR = '(?:[._]|__|[-]+)';
const PATH_COMPONENT = `${ALNUM}(?:${SEPARATOR}${ALNUM})*`;
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN_NAME = `${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*`;
const IPV6 = '\\[(?:[a-fA-F0-9:]+)\\]';
const DOMAIN = `(?:${DOMAIN_NAME}|${IPV6})(?::[0-9]+)?`;
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9A-Fa-f]{32,}';

/** The grammar of an image reference as one regular expression (RE2-compatible; also used in generated CEL). */
export const IMAGE_REFERENCE_PATTERN = `^((?:${DOMAIN}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*)(?::(${TAG}))?(?:@(${DIGEST}))?$`;
const REFERENCE = new RegExp(IMAGE_REFERENCE_PATTERN);
const DOMAIN_RE = new RegExp(`^${DOMAIN}$`);

export const DEFAULT_REGISTRY = 'docker.io';

export function parseImageRef(text: string): ImageRefParse {
  const s = text.trim();
  if (s === '') return { ok: false, error: 'image reference is empty' };
  if (s.length > 4096) return { ok: false, error: 'image reference is too long' };
  const m = REFERENCE.exec(s);
  if (!m) return { ok: false, error: `"${s}" is not a valid image reference` };
  const nameText = m[1] as string;
  const tag = m[2];
  const digest = m[3];
  let registry = DEFAULT_REGISTRY;
  let repository = nameText;
  const slash = nameText.indexOf('/');
  if (slash >= 0) {
    const first = nameText.slice(0, slash);
    // The first component is a registry when it looks like a host: a dot, a port, or localhost.
    if (
      (first.includes('.') || first.includes(':') || first === 'localhost' || first.startsWith('[')) &&
      DOMAIN_RE.test(first)
    ) {
      registry = first;
      repository = nameText.slice(slash + 1);
    }
  }
  if (/[A-Z]/.test(repository)) return { ok: false, error: `"${s}": repository name must be lowercase` };
  if (registry === 'index.docker.io') registry = DEFAULT_REGISTRY;
  if (registry === DEFAULT_REGISTRY && !repository.includes('/')) repository = `library/${repository}`;
  return { ok: true, ref: { original: text, registry, repository, tag, digest, name: `${registry}/${repository}` } };
}

/** The tag that the runtime pulls: the written tag, or `latest` when neither tag nor digest is given. */
export function effectiveTag(ref: ImageRef): string | undefined {
  if (ref.tag) return ref.tag;
  return ref.digest ? undefined : 'latest';
}
