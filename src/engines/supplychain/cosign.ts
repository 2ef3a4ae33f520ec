/**
 * cosign's classic signature and attestation layers, verified. Pure: the
 * caller fetches manifests and blobs. A signature layer is a simple-signing
 * payload with the signature in the `dev.cosignproject.cosign/signature`
 * annotation, optionally a Fulcio certificate and chain and a Rekor bundle; an
 * attestation layer is a DSSE envelope around an in-toto statement. When a
 * Rekor bundle is present, the pieces are assembled into a Sigstore bundle
 * (v0.1, inclusion promise) and handed to the same verifier as `verify-bundle`,
 * so the log entry, its signed timestamp and the certificate chain are checked
 * by the Sigstore libraries.
 */
import { createHash, verify as cryptoVerify, type KeyObject, X509Certificate } from 'node:crypto';
import { dsse } from '@sigstore/core';
import { type ExpectedSigner, verifyBundle } from './bundle-verify.js';

export const ANNOTATION = {
  signature: 'dev.cosignproject.cosign/signature',
  certificate: 'dev.sigstore.cosign/certificate',
  chain: 'dev.sigstore.cosign/chain',
  bundle: 'dev.sigstore.cosign/bundle',
} as const;

export const SIMPLE_SIGNING = 'application/vnd.dev.cosign.simplesigning.v1+json';
export const DSSE_ENVELOPE = 'application/vnd.dsse.envelope.v1+json';

/** One layer of a `.sig` or `.att` manifest, with its blob. */
export interface CosignLayer {
  mediaType: string;
  annotations: Record<string, string>;
  blob: Buffer;
}

export interface ClassicOptions {
  trustedRoot: unknown;
  /** Reject a keyed signature that has no transparency-log entry. */
  requireTlog: boolean;
}

export type LayerResult =
  | { ok: true; tlog: boolean; identity?: string; issuer?: string }
  | { ok: false; reason: string };

export type AttestationResult =
  | { ok: true; tlog: boolean; statement: InTotoStatement; identity?: string; issuer?: string }
  | { ok: false; reason: string };

export interface InTotoStatement {
  _type: string;
  predicateType: string;
  subject: Array<{ name?: string; digest: Record<string, string> }>;
  predicate: unknown;
}

/** Verify one simple-signing layer for the image `digest` against one expected signer. */
export function verifySignatureLayer(
  digest: string,
  layer: CosignLayer,
  signer: ExpectedSigner,
  opts: ClassicOptions,
): LayerResult {
  const sigB64 = layer.annotations[ANNOTATION.signature];
  if (sigB64 === undefined) return { ok: false, reason: 'layer has no signature annotation' };
  const payloadProblem = simpleSigningProblem(layer.blob, digest);
  if (payloadProblem) return { ok: false, reason: payloadProblem };
  const signature = Buffer.from(sigB64, 'base64');
  const rekor = layer.annotations[ANNOTATION.bundle];
  if (rekor !== undefined) {
    const built = sigstoreBundleFromClassic(layer, rekor, {
      $case: 'messageSignature',
      messageSignature: {
        messageDigest: { algorithm: 'SHA2_256', digest: createHash('sha256').update(layer.blob).digest('base64') },
        signature: signature.toString('base64'),
      },
    });
    if (typeof built === 'string') return { ok: false, reason: built };
    const r = verifyBundle({
      bundle: built,
      artifact: { $case: 'bytes', bytes: layer.blob },
      trustedRoot: opts.trustedRoot,
      signer,
    });
    if (!r.ok) return { ok: false, reason: `${r.code}: ${r.reason}` };
    return withIdentity({ ok: true, tlog: true }, r.signer);
  }
  if (signer.$case === 'keyless')
    return { ok: false, reason: 'a keyless signature needs a transparency-log entry, and this one has none' };
  if (opts.requireTlog)
    return { ok: false, reason: 'the signature has no transparency-log entry (policy requires one)' };
  if (!verifyWithKey(signer.publicKey, layer.blob, signature))
    return { ok: false, reason: 'signature does not verify with the key' };
  return { ok: true, tlog: false };
}

/** Verify one DSSE attestation layer (cosign attest) for the image `digest`. */
export function verifyAttestationLayer(
  digest: string,
  layer: CosignLayer,
  signer: ExpectedSigner,
  opts: ClassicOptions,
): AttestationResult {
  let env: { payloadType?: unknown; payload?: unknown; signatures?: unknown };
  try {
    env = JSON.parse(layer.blob.toString('utf8'));
  } catch {
    return { ok: false, reason: 'attestation layer is not a JSON DSSE envelope' };
  }
  if (typeof env.payloadType !== 'string' || typeof env.payload !== 'string' || !Array.isArray(env.signatures)) {
    return { ok: false, reason: 'attestation layer is not a DSSE envelope' };
  }
  const payload = Buffer.from(env.payload, 'base64');
  const statement = parseStatement(env.payloadType, payload, digest);
  if (typeof statement === 'string') return { ok: false, reason: statement };
  const sigs = (env.signatures as Array<{ sig?: unknown; keyid?: unknown }>).filter((s) => typeof s.sig === 'string');
  if (sigs.length === 0) return { ok: false, reason: 'DSSE envelope has no signatures' };
  const rekor = layer.annotations[ANNOTATION.bundle];
  if (rekor !== undefined) {
    const built = sigstoreBundleFromClassic(layer, rekor, {
      $case: 'dsseEnvelope',
      dsseEnvelope: {
        payload: env.payload,
        payloadType: env.payloadType,
        signatures: sigs.slice(0, 1).map((s) => ({ sig: s.sig, keyid: typeof s.keyid === 'string' ? s.keyid : '' })),
      },
    });
    if (typeof built === 'string') return { ok: false, reason: built };
    const hex = digest.replace(/^sha256:/, '');
    const r = verifyBundle({
      bundle: built,
      artifact: { $case: 'sha256', hex },
      trustedRoot: opts.trustedRoot,
      signer,
    });
    if (!r.ok) return { ok: false, reason: `${r.code}: ${r.reason}` };
    return withIdentity({ ok: true, tlog: true, statement }, r.signer);
  }
  if (signer.$case === 'keyless')
    return { ok: false, reason: 'a keyless attestation needs a transparency-log entry, and this one has none' };
  if (opts.requireTlog)
    return { ok: false, reason: 'the attestation has no transparency-log entry (policy requires one)' };
  const pae = dsse.preAuthEncoding(env.payloadType, payload);
  const good = sigs.some((s) => verifyWithKey(signer.publicKey, pae, Buffer.from(s.sig as string, 'base64')));
  if (!good) return { ok: false, reason: 'attestation signature does not verify with the key' };
  return { ok: true, tlog: false, statement };
}

/** `r` with the signer's identity and issuer, where known. */
export function withIdentity<T extends { ok: true }>(r: T, s: { identity?: string; issuer?: string }): T {
  const out: T & { identity?: string; issuer?: string } = { ...r };
  if (s.identity !== undefined) out.identity = s.identity;
  if (s.issuer !== undefined) out.issuer = s.issuer;
  return out;
}

/** Why a simple-signing payload does not cover `digest`, or undefined. */
export function simpleSigningProblem(payload: Buffer, digest: string): string | undefined {
  let doc: unknown;
  try {
    doc = JSON.parse(payload.toString('utf8'));
  } catch {
    return 'signature payload is not JSON';
  }
  const critical = (doc as { critical?: { image?: Record<string, unknown>; type?: unknown } } | null)?.critical;
  const signed = critical?.image?.['docker-manifest-digest'];
  if (typeof signed !== 'string') return 'signature payload names no image digest';
  if (signed !== digest) return `signature covers ${signed}, not ${digest}`;
  return undefined;
}

/** The in-toto statement of a DSSE payload, which must name `digest` as a subject, or why it is not one. */
export function parseStatement(payloadType: string, payload: Buffer, digest: string): InTotoStatement | string {
  if (payloadType !== 'application/vnd.in-toto+json') return `attestation payload type is ${payloadType}, not in-toto`;
  let s: unknown;
  try {
    s = JSON.parse(payload.toString('utf8'));
  } catch {
    return 'in-toto statement is not JSON';
  }
  const st = s as Partial<InTotoStatement> | null;
  if (!st || typeof st.predicateType !== 'string' || !Array.isArray(st.subject))
    return 'in-toto statement is malformed';
  const hex = digest.replace(/^sha256:/, '');
  if (!st.subject.some((x) => x && typeof x === 'object' && x.digest?.sha256 === hex)) {
    return `attestation subject does not name ${digest}`;
  }
  return st as InTotoStatement;
}

/** Verify a signature with a public key: ECDSA and RSA over SHA-256 (P-384 over SHA-384), Ed25519 as is. */
export function verifyWithKey(key: KeyObject, data: Buffer, signature: Buffer): boolean {
  try {
    if (key.asymmetricKeyType === 'ed25519') return cryptoVerify(null, data, key, signature);
    const curve = key.asymmetricKeyDetails?.namedCurve;
    const hash = curve === 'secp384r1' ? 'sha384' : curve === 'secp521r1' ? 'sha512' : 'sha256';
    return cryptoVerify(hash, data, key, signature);
  } catch {
    return false;
  }
}

/**
 * A v0.1 Sigstore bundle (JSON) from a classic layer's Rekor bundle
 * annotation and certificate, or the reason it cannot be built.
 */
function sigstoreBundleFromClassic(
  layer: CosignLayer,
  rekorJSON: string,
  content: Record<string, unknown>,
): object | string {
  let rekor: { SignedEntryTimestamp?: unknown; Payload?: Record<string, unknown> };
  try {
    rekor = JSON.parse(rekorJSON);
  } catch {
    return 'the Rekor bundle annotation is not JSON';
  }
  const p = rekor.Payload;
  if (
    !p ||
    typeof p.body !== 'string' ||
    typeof rekor.SignedEntryTimestamp !== 'string' ||
    typeof p.logID !== 'string'
  ) {
    return 'the Rekor bundle annotation is incomplete';
  }
  let kind = '';
  let version = '';
  try {
    const body = JSON.parse(Buffer.from(p.body, 'base64').toString('utf8')) as { kind?: unknown; apiVersion?: unknown };
    kind = String(body.kind ?? '');
    version = String(body.apiVersion ?? '');
  } catch {
    return 'the Rekor entry body is not JSON';
  }
  const certPEM = layer.annotations[ANNOTATION.certificate];
  let verificationMaterial: Record<string, unknown>;
  const tlogEntry = {
    logIndex: String(p.logIndex),
    logId: { keyId: Buffer.from(p.logID, 'hex').toString('base64') },
    kindVersion: { kind, version },
    integratedTime: String(p.integratedTime),
    inclusionPromise: { signedEntryTimestamp: rekor.SignedEntryTimestamp },
    canonicalizedBody: p.body,
  };
  if (certPEM) {
    let der: Buffer;
    try {
      der = new X509Certificate(certPEM).raw;
    } catch {
      return 'the certificate annotation is not a PEM certificate';
    }
    verificationMaterial = {
      x509CertificateChain: { certificates: [{ rawBytes: der.toString('base64') }] },
      tlogEntries: [tlogEntry],
    };
  } else {
    verificationMaterial = { publicKey: { hint: '' }, tlogEntries: [tlogEntry] };
  }
  return { mediaType: 'application/vnd.dev.sigstore.bundle+json;version=0.1', verificationMaterial, ...content };
}
