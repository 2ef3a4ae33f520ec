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

/** Why a reference is invalid; tests and rules use the code, people read `error`. */
export type ImageRefErrorCode =
  | 'empty'
  | 'too-long'
  | 'syntax'
  | 'uppercase'
  /** The name and tag are valid; the digest after `@` is malformed (wrong length, uppercase hex, not `algorithm:encoded`). */
  | 'digest-invalid'
  /** The digest follows the OCI grammar but its algorithm is not one the runtimes accept. */
  | 'digest-unsupported';

export type ImageRefParse = { ok: true; ref: ImageRef } | { ok: false; code: ImageRefErrorCode; error: string };

const ALNUM = '[a-z0-9]+';
const SEPARATOR = '(?:[._]|__|[-]+)';
const PATH_COMPONENT = `${ALNUM}(?:${SEPARATOR}${ALNUM})*`;
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const DOMAIN_NAME = `${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*`;
const IPV6 = '\\[(?:[a-fA-F0-9:]+)\\]';
const DOMAIN = `(?:${DOMAIN_NAME}|${IPV6})(?::[0-9]+)?`;
const NAME = `(?:${DOMAIN}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*`;
const TAG = '[\\w][\\w.-]{0,127}';

/**
 * The digests a kubelet, containerd or CRI-O accepts: distribution/reference
 * hands the digest to go-digest's `Parse`, which knows sha256, sha384 and
 * sha512, each as exactly the hash's size in lowercase hex. Any other
 * algorithm (even one the OCI grammar allows) is ErrDigestUnsupported, a
 * wrong length or uppercase hex ErrDigestInvalidLength/Format: the pod fails
 * with InvalidImageName.
 */
const DIGEST_HEX_LENGTH: ReadonlyMap<string, number> = new Map([
  ['sha256', 64],
  ['sha384', 96],
  ['sha512', 128],
]);
/** A digest the runtimes accept, as one RE2-compatible expression (also used in generated CEL). */
export const DIGEST_PATTERN = `(?:${[...DIGEST_HEX_LENGTH].map(([a, n]) => `${a}:[a-f0-9]{${n}}`).join('|')})`;
/** The OCI image-spec digest grammar: `algorithm ":" encoded`. */
const OCI_DIGEST = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;

/** The grammar of a valid image reference as one regular expression (RE2-compatible; also used in generated CEL). */
export const IMAGE_REFERENCE_PATTERN = `^(${NAME})(?::(${TAG}))?(?:@(${DIGEST_PATTERN}))?$`;
/**
 * A reference whose name and tag are valid, whatever follows its first `@`
 * (RE2-compatible): with IMAGE_REFERENCE_PATTERN, tells a malformed digest
 * from a malformed name.
 */
export const IMAGE_NAME_PATTERN = `^(${NAME})(?::(${TAG}))?(?:@(.*))?$`;
const REFERENCE = new RegExp(IMAGE_REFERENCE_PATTERN);
const NAME_AND_TAG = new RegExp(IMAGE_NAME_PATTERN);
const DOMAIN_RE = new RegExp(`^${DOMAIN}$`);

export const DEFAULT_REGISTRY = 'docker.io';

export function parseImageRef(text: string): ImageRefParse {
  const s = text.trim();
  if (s === '') return { ok: false, code: 'empty', error: 'image reference is empty' };
  if (s.length > 4096) return { ok: false, code: 'too-long', error: 'image reference is too long' };
  const m = REFERENCE.exec(s);
  if (!m) return whyInvalid(s);
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
  if (/[A-Z]/.test(repository))
    return { ok: false, code: 'uppercase', error: `"${s}": repository name must be lowercase` };
  if (registry === 'index.docker.io') registry = DEFAULT_REGISTRY;
  if (registry === DEFAULT_REGISTRY && !repository.includes('/')) repository = `library/${repository}`;
  return { ok: true, ref: { original: text, registry, repository, tag, digest, name: `${registry}/${repository}` } };
}

/** Why `s` (trimmed, not empty) does not match the reference grammar. */
function whyInvalid(s: string): ImageRefParse {
  const named = NAME_AND_TAG.exec(s);
  const digest = named?.[3];
  if (digest !== undefined) {
    if (!OCI_DIGEST.test(digest))
      return {
        ok: false,
        code: 'digest-invalid',
        error: `"${s}": digest "${digest}" is not algorithm:encoded (OCI image-spec digest grammar)`,
      };
    const colon = digest.indexOf(':');
    const algorithm = digest.slice(0, colon);
    const encoded = digest.slice(colon + 1);
    const length = DIGEST_HEX_LENGTH.get(algorithm);
    if (length === undefined)
      return {
        ok: false,
        code: 'digest-unsupported',
        error: `"${s}": digest algorithm "${algorithm}" is not one Kubernetes runtimes accept (${[...DIGEST_HEX_LENGTH.keys()].join(', ')})`,
      };
    const upper = /[A-F]/.test(encoded) ? ', uppercase hex included' : '';
    return {
      ok: false,
      code: 'digest-invalid',
      error: `"${s}": a ${algorithm} digest is ${length} lowercase hex digits, this one has ${encoded.length} characters${upper}`,
    };
  }
  if (REFERENCE.test(s.toLowerCase()))
    return { ok: false, code: 'uppercase', error: `"${s}": repository name must be lowercase` };
  return { ok: false, code: 'syntax', error: `"${s}" is not a valid image reference` };
}

/** The tag that the runtime pulls: the written tag, or `latest` when neither tag nor digest is given. */
export function effectiveTag(ref: ImageRef): string | undefined {
  if (ref.tag) return ref.tag;
  return ref.digest ? undefined : 'latest';
}
