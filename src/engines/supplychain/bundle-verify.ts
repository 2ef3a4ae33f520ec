/**
 * Sigstore bundle verification: a bundle (message signature or DSSE envelope),
 * the artifact it claims to sign, a trusted root and the expected signer (a
 * keyless identity or a public key). Pure: every input comes in as data; the
 * Sigstore libraries do the cryptography and the transparency-log checks, and
 * this module adds the consistency checks a client owes on top of them
 * (artifact digest, in-toto subject, no root certificate in the chain,
 * well-formed trust root) and the identity matching.
 */
import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import type { Bundle } from '@sigstore/bundle';
import { bundleFromJSON } from '@sigstore/bundle';
import { dsse, X509Certificate } from '@sigstore/core';
import { TrustedRoot } from '@sigstore/protobuf-specs';
import { type SignedEntity, toSignedEntity, toTrustMaterial, Verifier } from '@sigstore/verify';
import { type IdentityMatcher, matchesIdentity } from './identity.js';

/** The artifact: its bytes, or (for DSSE bundles only) its sha256 digest. */
export type Artifact = { $case: 'bytes'; bytes: Buffer } | { $case: 'sha256'; hex: string };

/** Who must have signed. */
export type ExpectedSigner =
  | { $case: 'keyless'; identity: IdentityMatcher; issuer: IdentityMatcher }
  | { $case: 'key'; publicKey: KeyObject };

export interface BundleVerifyInput {
  /** The bundle as parsed JSON. */
  bundle: unknown;
  artifact: Artifact;
  /** The trusted root as parsed JSON (`application/vnd.dev.sigstore.trustedroot+json`). */
  trustedRoot: unknown;
  signer: ExpectedSigner;
}

export type BundleVerifyCode =
  | 'BUNDLE_INVALID'
  | 'TRUST_ROOT_INVALID'
  | 'ARTIFACT_MISMATCH'
  | 'CERTIFICATE_INVALID'
  | 'SIGNATURE_INVALID'
  | 'TLOG_INVALID'
  | 'TIMESTAMP_INVALID'
  | 'IDENTITY_MISMATCH'
  | 'KEY_MISMATCH';

export interface VerifiedSigner {
  /** Certificate subject alternative name (keyless). */
  identity?: string;
  /** OIDC issuer from the Fulcio extension (keyless). */
  issuer?: string;
}

export type BundleVerifyResult =
  | {
      ok: true;
      signer: VerifiedSigner;
      /** The DSSE payload type and payload, when the bundle carries an envelope. */
      envelope?: { payloadType: string; payload: Buffer };
    }
  | { ok: false; code: BundleVerifyCode; reason: string };

function fail(code: BundleVerifyCode, reason: string): BundleVerifyResult {
  return { ok: false, code, reason };
}

const HASHES: Record<number, string> = {
  0: 'sha256',
  1: 'sha256',
  2: 'sha384',
  3: 'sha512',
  4: 'sha3-256',
  5: 'sha3-384',
};

/**
 * Verify one Sigstore bundle. Never throws for bad input: every failure is a
 * result with a code and a one-line reason.
 */
export function verifyBundle(input: BundleVerifyInput): BundleVerifyResult {
  let bundle: Bundle;
  try {
    bundle = bundleFromJSON(input.bundle);
  } catch (err) {
    return fail('BUNDLE_INVALID', `bundle is not valid: ${messageOf(err)}`);
  }
  const rootProblem = trustedRootProblem(input.trustedRoot);
  if (rootProblem) return fail('TRUST_ROOT_INVALID', rootProblem);
  let root: TrustedRoot;
  try {
    root = TrustedRoot.fromJSON(input.trustedRoot);
  } catch (err) {
    return fail('TRUST_ROOT_INVALID', `trusted root is not valid: ${messageOf(err)}`);
  }

  // Consistency of the content with the artifact, before any cryptography.
  const content = bundle.content;
  let artifactBytes: Buffer | undefined;
  let envelope: { payloadType: string; payload: Buffer } | undefined;
  if (content.$case === 'messageSignature') {
    if (input.artifact.$case !== 'bytes') {
      return fail('ARTIFACT_MISMATCH', 'a message-signature bundle needs the artifact itself, not only its digest');
    }
    artifactBytes = input.artifact.bytes;
    const md = content.messageSignature.messageDigest;
    if (md) {
      const alg = HASHES[md.algorithm] ?? 'sha256';
      const actual = createHash(alg).update(artifactBytes).digest();
      if (!actual.equals(Buffer.from(md.digest))) {
        return fail('ARTIFACT_MISMATCH', `the bundle's message digest does not match the artifact's ${alg}`);
      }
    }
  } else {
    const env = content.dsseEnvelope;
    envelope = { payloadType: env.payloadType, payload: Buffer.from(env.payload) };
    const want =
      input.artifact.$case === 'sha256'
        ? input.artifact.hex.toLowerCase()
        : createHash('sha256').update(input.artifact.bytes).digest('hex');
    const subjectProblem = inTotoSubjectProblem(env.payloadType, envelope.payload, want);
    if (subjectProblem) return fail('ARTIFACT_MISMATCH', subjectProblem);
  }

  const chainProblem = certificateChainProblem(bundle);
  if (chainProblem) return fail('CERTIFICATE_INVALID', chainProblem);

  let entity: SignedEntity;
  try {
    entity = toSignedEntity(bundle, artifactBytes);
  } catch (err) {
    return fail('BUNDLE_INVALID', `bundle cannot be read: ${messageOf(err)}`);
  }
  if (content.$case === 'dsseEnvelope') entity = withRekorV2DsseDigest(entity, bundle, content.dsseEnvelope);
  if (input.signer.$case === 'key' && entity.key.$case !== 'public-key') {
    return fail('KEY_MISMATCH', 'a public key was given but the bundle is signed with a certificate');
  }
  if (input.signer.$case === 'keyless' && entity.key.$case !== 'certificate') {
    return fail('KEY_MISMATCH', 'a certificate identity was given but the bundle is signed with a key');
  }
  const expectedSigner = input.signer;
  try {
    const keys =
      expectedSigner.$case === 'key'
        ? () => ({ publicKey: expectedSigner.publicKey, validFor: () => true })
        : undefined;
    const trust = toTrustMaterial(root, keys);
    const signer = new Verifier(trust).verify(entity);
    if (expectedSigner.$case === 'key') {
      // The library verified against the key we handed it; nothing more to match.
      return envelope ? { ok: true, signer: {}, envelope } : { ok: true, signer: {} };
    }
    const identity = signer.identity?.subjectAlternativeName;
    const issuer = signer.identity?.extensions?.issuer;
    if (!matchesIdentity(expectedSigner.identity, identity)) {
      return fail(
        'IDENTITY_MISMATCH',
        `certificate identity is ${identity ?? '(none)'}, expected ${describe(expectedSigner.identity)}`,
      );
    }
    if (!matchesIdentity(expectedSigner.issuer, issuer)) {
      return fail(
        'IDENTITY_MISMATCH',
        `certificate OIDC issuer is ${issuer ?? '(none)'}, expected ${describe(expectedSigner.issuer)}`,
      );
    }
    const verified: VerifiedSigner = {};
    if (identity !== undefined) verified.identity = identity;
    if (issuer !== undefined) verified.issuer = issuer;
    return envelope ? { ok: true, signer: verified, envelope } : { ok: true, signer: verified };
  } catch (err) {
    return fail(codeOfLibraryError(err), messageOf(err));
  }
}

/**
 * Rekor v2 logs a DSSE envelope as a hashedrekord 0.0.2 entry over
 * Hash(PAE(payloadType, payload)) (rekor-v2-spec §6.1.4), while
 * `@sigstore/verify` 3.x compares a DSSE entry's digest with Hash(payload).
 * When every log entry is such a hashedrekord, compare with the PAE digest;
 * the signature itself is verified over the PAE either way.
 */
function withRekorV2DsseDigest(
  entity: SignedEntity,
  bundle: Bundle,
  env: { payloadType: string; payload: Buffer },
): SignedEntity {
  const entries = bundle.verificationMaterial.tlogEntries;
  const allHashedRekordV2 =
    entries.length > 0 &&
    entries.every((e) => e.kindVersion?.kind === 'hashedrekord' && e.kindVersion.version === '0.0.2');
  if (!allHashedRekordV2) return entity;
  const paeDigest = createHash('sha256').update(dsse.preAuthEncoding(env.payloadType, env.payload)).digest();
  const inner = entity.signature;
  return {
    ...entity,
    signature: {
      signature: inner.signature,
      compareSignature: (sig) => inner.compareSignature(sig),
      compareDigest: (digest) => digest.length === paeDigest.length && digest.equals(paeDigest),
      verifySignature: (key) => inner.verifySignature(key),
    },
  };
}

function describe(m: IdentityMatcher): string {
  return m.$case === 'exact' ? m.value : `/${m.pattern}/`;
}

function codeOfLibraryError(err: unknown): BundleVerifyCode {
  const code = err && typeof err === 'object' && 'code' in err ? String((err as { code: unknown }).code) : '';
  if (code.startsWith('TLOG')) return 'TLOG_INVALID';
  if (code.startsWith('TIMESTAMP')) return 'TIMESTAMP_INVALID';
  if (code.startsWith('CERTIFICATE')) return 'CERTIFICATE_INVALID';
  if (code.startsWith('PUBLIC_KEY')) return 'KEY_MISMATCH';
  if (code === 'UNTRUSTED_SIGNER_ERROR') return 'IDENTITY_MISMATCH';
  return 'SIGNATURE_INVALID';
}

function messageOf(err: unknown): string {
  if (err instanceof Error) {
    const code = 'code' in err ? `${String((err as { code: unknown }).code)}: ` : '';
    return `${code}${err.message}`.replace(/\s*\n\s*/g, ' ');
  }
  return String(err);
}

/**
 * An in-toto statement must name the artifact as a subject (by sha256).
 * Returns why not, or undefined.
 */
export function inTotoSubjectProblem(payloadType: string, payload: Buffer, sha256Hex: string): string | undefined {
  if (payloadType !== 'application/vnd.in-toto+json') {
    return `DSSE payload type is ${payloadType}, not an in-toto statement`;
  }
  let statement: unknown;
  try {
    statement = JSON.parse(payload.toString('utf8'));
  } catch {
    return 'DSSE payload is not JSON';
  }
  const subjects = isRecord(statement) && Array.isArray(statement.subject) ? statement.subject : [];
  for (const s of subjects) {
    if (isRecord(s) && isRecord(s.digest) && typeof s.digest.sha256 === 'string') {
      if (s.digest.sha256.toLowerCase() === sha256Hex) return undefined;
    }
  }
  return `the in-toto statement has no subject with sha256 ${sha256Hex}`;
}

/** A bundle must not carry a self-signed (root) certificate: roots come only from the trusted root. */
function certificateChainProblem(bundle: Bundle): string | undefined {
  const vm = bundle.verificationMaterial.content;
  if (vm.$case !== 'x509CertificateChain') return undefined;
  const certs = vm.x509CertificateChain.certificates;
  if (certs.length === 0) return 'the bundle has an empty certificate chain';
  for (const c of certs.slice(1)) {
    try {
      const cert = X509Certificate.parse(Buffer.from(c.rawBytes));
      if (cert.issuer.equals(cert.subject)) return 'the bundle certificate chain contains a root certificate';
    } catch (err) {
      return `a certificate in the bundle cannot be parsed: ${messageOf(err)}`;
    }
  }
  return undefined;
}

/**
 * The trusted root's time ranges must have a start: a missing bound is a
 * malformed root, never "valid since forever".
 */
export function trustedRootProblem(json: unknown): string | undefined {
  if (!isRecord(json)) return 'trusted root is not a JSON object';
  for (const field of ['tlogs', 'ctlogs'] as const) {
    const list = json[field];
    if (list === undefined) continue;
    if (!Array.isArray(list)) return `trusted root: ${field} is not a list`;
    for (const [i, log] of list.entries()) {
      const pk = isRecord(log) ? log.publicKey : undefined;
      const validFor = isRecord(pk) ? pk.validFor : undefined;
      if (!isRecord(validFor) || typeof validFor.start !== 'string') {
        return `trusted root: ${field}[${i}].publicKey.validFor.start is missing`;
      }
    }
  }
  for (const field of ['certificateAuthorities', 'timestampAuthorities'] as const) {
    const list = json[field];
    if (list === undefined) continue;
    if (!Array.isArray(list)) return `trusted root: ${field} is not a list`;
    for (const [i, ca] of list.entries()) {
      const validFor = isRecord(ca) ? ca.validFor : undefined;
      if (!isRecord(validFor) || typeof validFor.start !== 'string') {
        return `trusted root: ${field}[${i}].validFor.start is missing`;
      }
    }
  }
  return undefined;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Parse a PEM public key; undefined when it is not one. */
export function publicKeyFromPEM(pem: string): KeyObject | undefined {
  try {
    return createPublicKey(pem);
  } catch {
    return undefined;
  }
}
