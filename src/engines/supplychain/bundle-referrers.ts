/**
 * cosign's new bundle format (`--new-bundle-format`, the default from cosign
 * 3): a Sigstore bundle stored as an OCI 1.1 referrer of the image, an
 * artifact manifest whose `subject` is the image and whose one layer is the
 * bundle. `cosign sign` writes a DSSE envelope around an in-toto statement
 * with predicate type `https://sigstore.dev/cosign/sign/v1` and the image
 * digest as subject; `cosign attest` the same envelope with the attestation's
 * predicate. Pure: the caller fetches manifests and blobs.
 *
 * What binds a bundle to the image is what was signed: the in-toto subject
 * (or, for a message-signature bundle, the message digest over the manifest
 * bytes). The artifact manifest's `subject` is only where the bundle was
 * filed, and is checked as well so that a misfiled bundle is named as such.
 */
import { createHash } from 'node:crypto';
import { type Bundle, bundleFromJSON } from '@sigstore/bundle';
import { dsse } from '@sigstore/core';
import { type ExpectedSigner, verifyBundle } from './bundle-verify.js';
import { type ClassicOptions, type InTotoStatement, parseStatement, verifyWithKey } from './cosign.js';
import type { Manifest } from './registry.js';

/** The artifact and layer media type cosign writes (bundle v0.3); older bundle versions are read too. */
export const SIGSTORE_BUNDLE = 'application/vnd.dev.sigstore.bundle.v0.3+json';
const BUNDLE_TYPE = /^application\/vnd\.dev\.sigstore\.bundle(?:\.v0\.[1-3])?\+json(?:;\s*version=0\.[1-3])?$/;
/** What `cosign sign --new-bundle-format` signs: a statement with no predicate. */
export const COSIGN_SIGN_PREDICATE = 'https://sigstore.dev/cosign/sign/v1';
/** Annotation on the artifact manifest naming the statement's predicate type (unsigned: a hint only). */
export const PREDICATE_ANNOTATION = 'dev.sigstore.bundle.predicateType';
const OCI_EMPTY = 'application/vnd.oci.empty.v1+json';

export function isBundleMediaType(t: unknown): boolean {
  return typeof t === 'string' && BUNDLE_TYPE.test(t);
}

/**
 * Whether a descriptor from the referrers list may be a bundle artifact. The
 * referrers API names the manifest's artifact type; the `sha256-<hex>` index
 * that cosign writes where the registry has no referrers API names the config
 * media type instead (`application/vnd.oci.empty.v1+json`), so those are
 * candidates too and the manifest itself decides.
 */
export function mayBeBundleReferrer(descriptor: Record<string, unknown>): boolean {
  if (typeof descriptor.digest !== 'string') return false;
  const t = descriptor.artifactType;
  return t === undefined || t === '' || t === OCI_EMPTY || isBundleMediaType(t);
}

/** A bundle artifact manifest that refers to the image. */
export interface BundleArtifact {
  /** The artifact manifest's digest. */
  digest: string;
  /** Digests of its bundle layers. */
  layers: string[];
  /** The predicate type the manifest's annotation claims (unsigned). */
  predicateType?: string;
}

/**
 * The bundle layers of an artifact manifest filed for `imageDigest`, undefined
 * when the manifest is no bundle artifact, or why it does not count.
 */
export function bundleArtifact(m: Manifest, imageDigest: string): BundleArtifact | string | undefined {
  const config = asRecord(m.json.config);
  const isBundle =
    isBundleMediaType(m.json.artifactType) ||
    isBundleMediaType(config.mediaType) ||
    isBundleMediaType(config.artifactType);
  if (!isBundle) return undefined;
  const subject = asRecord(m.json.subject).digest;
  if (subject !== imageDigest) {
    return `bundle artifact ${m.digest} refers to ${typeof subject === 'string' ? subject : 'no image'}, not ${imageDigest}`;
  }
  const layers = (Array.isArray(m.json.layers) ? m.json.layers : [])
    .map(asRecord)
    .filter((l) => isBundleMediaType(l.mediaType) && typeof l.digest === 'string')
    .map((l) => l.digest as string);
  if (layers.length === 0) return `bundle artifact ${m.digest} has no bundle layer`;
  const out: BundleArtifact = { digest: m.digest, layers };
  const predicateType = asRecord(m.json.annotations)[PREDICATE_ANNOTATION];
  if (typeof predicateType === 'string') out.predicateType = predicateType;
  return out;
}

export type ImageBundleResult =
  | {
      ok: true;
      /** A cosign signature (sign/v1 statement or a message signature over the manifest), or an attestation. */
      kind: 'signature' | 'attestation';
      tlog: boolean;
      statement?: InTotoStatement;
      identity?: string;
      issuer?: string;
    }
  | { ok: false; reason: string };

/**
 * Verify one bundle (parsed JSON) for the image whose manifest digest is
 * `imageDigest` (and whose manifest bytes are `manifest`, needed only for a
 * message-signature bundle) against one expected signer. A bundle with a
 * transparency-log entry goes through `verifyBundle` (`@sigstore/verify` and
 * kubeprint's checks); one without is accepted only for a key signer when the
 * policy allows unlogged signatures, and then its signature is checked with
 * the key.
 */
export function verifyImageBundle(
  imageDigest: string,
  manifest: Buffer | undefined,
  json: unknown,
  signer: ExpectedSigner,
  opts: ClassicOptions,
): ImageBundleResult {
  let bundle: Bundle;
  try {
    bundle = bundleFromJSON(json);
  } catch (err) {
    return { ok: false, reason: `bundle is not valid: ${err instanceof Error ? err.message : String(err)}` };
  }
  const hex = imageDigest.replace(/^sha256:/, '');
  const content = bundle.content;
  let statement: InTotoStatement | undefined;
  if (content.$case === 'dsseEnvelope') {
    const parsed = parseStatement(
      content.dsseEnvelope.payloadType,
      Buffer.from(content.dsseEnvelope.payload),
      imageDigest,
    );
    if (typeof parsed === 'string') return { ok: false, reason: parsed };
    statement = parsed;
  } else {
    if (!manifest) return { ok: false, reason: 'a message-signature bundle needs the image manifest' };
    const md = content.messageSignature.messageDigest;
    if (!md || createHash('sha256').update(manifest).digest().compare(Buffer.from(md.digest)) !== 0) {
      return { ok: false, reason: `the bundle's message digest is not ${imageDigest}` };
    }
  }
  const kind =
    statement === undefined || statement.predicateType === COSIGN_SIGN_PREDICATE ? 'signature' : 'attestation';
  const found = (tlog: boolean, who: { identity?: string; issuer?: string } = {}): ImageBundleResult => {
    const r: ImageBundleResult = { ok: true, kind, tlog };
    if (statement) r.statement = statement;
    if (who.identity !== undefined) r.identity = who.identity;
    if (who.issuer !== undefined) r.issuer = who.issuer;
    return r;
  };

  if (bundle.verificationMaterial.tlogEntries.length > 0) {
    const r = verifyBundle({
      bundle: json,
      artifact:
        content.$case === 'dsseEnvelope'
          ? { $case: 'sha256', hex }
          : { $case: 'bytes', bytes: manifest ?? Buffer.alloc(0) },
      trustedRoot: opts.trustedRoot,
      signer,
    });
    if (!r.ok) return { ok: false, reason: `${r.code}: ${r.reason}` };
    return found(true, r.signer);
  }
  if (signer.$case === 'keyless')
    return { ok: false, reason: 'a keyless bundle needs a transparency-log entry, and this one has none' };
  if (bundle.verificationMaterial.content.$case !== 'publicKey')
    return { ok: false, reason: 'a public key was given but the bundle is signed with a certificate' };
  if (opts.requireTlog) return { ok: false, reason: 'the bundle has no transparency-log entry (policy requires one)' };
  let good: boolean;
  if (content.$case === 'dsseEnvelope') {
    const env = content.dsseEnvelope;
    const pae = dsse.preAuthEncoding(env.payloadType, Buffer.from(env.payload));
    good = env.signatures.some((s) => verifyWithKey(signer.publicKey, pae, Buffer.from(s.sig)));
  } else {
    good = verifyWithKey(
      signer.publicKey,
      manifest ?? Buffer.alloc(0),
      Buffer.from(content.messageSignature.signature),
    );
  }
  if (!good) return { ok: false, reason: 'bundle signature does not verify with the key' };
  return found(false);
}

function asRecord(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}
