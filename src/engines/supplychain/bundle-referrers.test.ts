import { createHash, createPublicKey, generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { dsse } from '@sigstore/core';
import { describe, expect, it } from 'vitest';
import { corpus } from '../../../test/helpers/corpora.js';
import {
  bundleArtifact,
  COSIGN_SIGN_PREDICATE,
  mayBeBundleReferrer,
  SIGSTORE_BUNDLE,
  verifyImageBundle,
} from './bundle-referrers.js';
import type { ExpectedSigner } from './bundle-verify.js';
import type { ImagesPolicy, NamedSigner } from './policy.js';
import type { Manifest, RepoRef } from './registry.js';
import { productionTrustedRoot } from './trusted-root.js';
import { ImageVerifier, platformManifests, type RegistryReader } from './verify-image.js';

const sha256 = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const MANIFEST = Buffer.from('{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json"}');
const DIGEST = sha256(MANIFEST);
const OTHER = sha256(Buffer.from('another image'));
const noTlog = { trustedRoot: {}, requireTlog: false };

function keyPair(): { privateKey: KeyObject; signer: ExpectedSigner } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return { privateKey, signer: { $case: 'key', publicKey } };
}

/** What `cosign sign|attest --new-bundle-format --key K --tlog-upload=false` writes, signed here. */
function dsseBundle(key: KeyObject, subjectDigest: string, predicateType: string, predicate?: unknown): unknown {
  const statement: Record<string, unknown> = {
    _type: 'https://in-toto.io/Statement/v1',
    subject: [{ digest: { sha256: subjectDigest.replace('sha256:', '') } }],
    predicateType,
  };
  if (predicate !== undefined) statement.predicate = predicate;
  const payload = Buffer.from(JSON.stringify(statement));
  const payloadType = 'application/vnd.in-toto+json';
  const sig = sign('sha256', dsse.preAuthEncoding(payloadType, payload), key);
  return {
    mediaType: SIGSTORE_BUNDLE,
    verificationMaterial: { publicKey: { hint: 'k' } },
    dsseEnvelope: { payload: payload.toString('base64'), payloadType, signatures: [{ sig: sig.toString('base64') }] },
  };
}

function messageBundle(key: KeyObject, bytes: Buffer): unknown {
  return {
    mediaType: SIGSTORE_BUNDLE,
    verificationMaterial: { publicKey: { hint: 'k' } },
    messageSignature: {
      messageDigest: { algorithm: 'SHA2_256', digest: createHash('sha256').update(bytes).digest('base64') },
      signature: sign('sha256', bytes, key).toString('base64'),
    },
  };
}

function manifest(json: Record<string, unknown>): Manifest {
  const body = Buffer.from(JSON.stringify(json));
  return { digest: sha256(body), mediaType: String(json.mediaType ?? ''), body, json };
}

/** An artifact manifest as cosign files it (subject, bundle layer, predicate-type annotation). */
function artifactJSON(subject: string, layer: string, predicateType = COSIGN_SIGN_PREDICATE): Record<string, unknown> {
  return {
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    artifactType: SIGSTORE_BUNDLE,
    config: { mediaType: 'application/vnd.oci.empty.v1+json', digest: 'sha256:44136f', size: 2 },
    layers: [{ mediaType: SIGSTORE_BUNDLE, digest: layer, size: 1 }],
    annotations: { 'dev.sigstore.bundle.predicateType': predicateType },
    subject: { mediaType: 'application/vnd.oci.image.manifest.v1+json', digest: subject, size: 1 },
  };
}

describe('bundle referrers: which artifacts are bundles for the image', () => {
  it('candidates: the bundle artifact type, and the empty or absent type of cosign fallback indexes', () => {
    expect(mayBeBundleReferrer({ digest: 'sha256:a', artifactType: SIGSTORE_BUNDLE })).toBe(true);
    expect(mayBeBundleReferrer({ digest: 'sha256:a', artifactType: 'application/vnd.oci.empty.v1+json' })).toBe(true);
    expect(mayBeBundleReferrer({ digest: 'sha256:a' })).toBe(true);
    expect(
      mayBeBundleReferrer({ digest: 'sha256:a', artifactType: 'application/vnd.dev.cosign.artifact.sig.v1+json' }),
    ).toBe(false);
    expect(mayBeBundleReferrer({ artifactType: SIGSTORE_BUNDLE })).toBe(false);
  });

  it('reads the bundle layers and predicate type of an artifact filed for the image', () => {
    const m = manifest(artifactJSON(DIGEST, 'sha256:b1', 'https://slsa.dev/provenance/v0.2'));
    expect(bundleArtifact(m, DIGEST)).toEqual({
      digest: m.digest,
      layers: ['sha256:b1'],
      predicateType: 'https://slsa.dev/provenance/v0.2',
    });
  });

  it('an artifact filed for another image, or without a bundle layer, is named as such; other artifacts are skipped', () => {
    expect(bundleArtifact(manifest(artifactJSON(OTHER, 'sha256:b1')), DIGEST)).toMatch(
      new RegExp(`refers to ${OTHER}, not ${DIGEST}`),
    );
    const noLayer = { ...artifactJSON(DIGEST, 'sha256:b1'), layers: [] };
    expect(bundleArtifact(manifest(noLayer), DIGEST)).toMatch(/has no bundle layer/);
    const image = { schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', layers: [] };
    expect(bundleArtifact(manifest(image), DIGEST)).toBeUndefined();
  });
});

describe('verifyImageBundle: keyed, unlogged bundles', () => {
  const { privateKey, signer } = keyPair();
  const other = keyPair();

  it('a sign/v1 statement naming the image is a signature', () => {
    const r = verifyImageBundle(
      DIGEST,
      MANIFEST,
      dsseBundle(privateKey, DIGEST, COSIGN_SIGN_PREDICATE),
      signer,
      noTlog,
    );
    expect(r).toMatchObject({ ok: true, kind: 'signature', tlog: false });
  });

  it('another predicate is an attestation and carries its statement', () => {
    const b = dsseBundle(privateKey, DIGEST, 'https://slsa.dev/provenance/v0.2', { builder: { id: 'x' } });
    const r = verifyImageBundle(DIGEST, MANIFEST, b, signer, noTlog);
    expect(r).toMatchObject({
      ok: true,
      kind: 'attestation',
      statement: { predicateType: 'https://slsa.dev/provenance/v0.2', predicate: { builder: { id: 'x' } } },
    });
  });

  it('binding: a statement about another image does not count for this one', () => {
    const b = dsseBundle(privateKey, OTHER, COSIGN_SIGN_PREDICATE);
    const r = verifyImageBundle(DIGEST, MANIFEST, b, signer, noTlog);
    expect(r).toEqual({ ok: false, reason: `attestation subject does not name ${DIGEST}` });
    expect(verifyImageBundle(OTHER, undefined, b, signer, noTlog).ok).toBe(true);
  });

  it('another key, a tampered payload, a keyless signer or a policy requiring the log: rejected', () => {
    const b = dsseBundle(privateKey, DIGEST, COSIGN_SIGN_PREDICATE) as { dsseEnvelope: { payload: string } };
    expect(verifyImageBundle(DIGEST, MANIFEST, b, other.signer, noTlog)).toEqual({
      ok: false,
      reason: 'bundle signature does not verify with the key',
    });
    const statement = JSON.parse(Buffer.from(b.dsseEnvelope.payload, 'base64').toString('utf8'));
    statement.predicateType = 'https://slsa.dev/provenance/v0.2';
    const tampered = {
      ...b,
      dsseEnvelope: { ...b.dsseEnvelope, payload: Buffer.from(JSON.stringify(statement)).toString('base64') },
    };
    expect(verifyImageBundle(DIGEST, MANIFEST, tampered, signer, noTlog).ok).toBe(false);
    const keyless: ExpectedSigner = {
      $case: 'keyless',
      identity: { $case: 'regexp', pattern: '.*' },
      issuer: { $case: 'regexp', pattern: '.*' },
    };
    expect(verifyImageBundle(DIGEST, MANIFEST, b, keyless, noTlog)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/needs a transparency-log entry/),
    });
    expect(verifyImageBundle(DIGEST, MANIFEST, b, signer, { ...noTlog, requireTlog: true })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/policy requires one/),
    });
  });

  it('a message signature must be over the image manifest bytes', () => {
    expect(verifyImageBundle(DIGEST, MANIFEST, messageBundle(privateKey, MANIFEST), signer, noTlog)).toMatchObject({
      ok: true,
      kind: 'signature',
    });
    const elsewhere = messageBundle(privateKey, Buffer.from('another image'));
    expect(verifyImageBundle(DIGEST, MANIFEST, elsewhere, signer, noTlog)).toEqual({
      ok: false,
      reason: `the bundle's message digest is not ${DIGEST}`,
    });
  });

  it('malformed bundles are a reason, not a throw', () => {
    expect(verifyImageBundle(DIGEST, MANIFEST, { mediaType: SIGSTORE_BUNDLE }, signer, noTlog)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/^bundle is not valid/),
    });
  });
});

describe('platformManifests', () => {
  it('lists platform images and leaves out BuildKit attestation manifests', () => {
    const index = {
      manifests: [
        { digest: 'sha256:a', platform: { os: 'linux', architecture: 'amd64' } },
        { digest: 'sha256:b', platform: { os: 'linux', architecture: 'arm', variant: 'v7' } },
        {
          digest: 'sha256:c',
          platform: { os: 'unknown', architecture: 'unknown' },
          annotations: { 'vnd.docker.reference.type': 'attestation-manifest', 'vnd.docker.reference.digest': 'x' },
        },
      ],
    };
    expect(platformManifests(index)).toEqual([
      { platform: 'linux/amd64', digest: 'sha256:a' },
      { platform: 'linux/arm/v7', digest: 'sha256:b' },
    ]);
  });
});

const { path: CASES, present } = corpus('sigstore-conformance/bundle-verify');
const SLSA1 = 'https://slsa.dev/provenance/v1';

/** A registry in memory: manifests by digest or tag, blobs, and the referrers of each digest. */
class MemoryRegistry implements RegistryReader {
  manifests = new Map<string, Manifest>();
  blobs = new Map<string, Buffer>();
  referrerLists = new Map<string, Array<Record<string, unknown>>>();
  async manifest(_repo: RepoRef, reference: string) {
    return this.manifests.get(reference);
  }
  async blob(_repo: RepoRef, digest: string) {
    const b = this.blobs.get(digest);
    if (!b) throw new Error(`no blob ${digest}`);
    return b;
  }
  async referrers(_repo: RepoRef, digest: string) {
    return this.referrerLists.get(digest) ?? [];
  }
  /** File a bundle as cosign does: blob, artifact manifest, and a fallback-index entry (empty artifact type). */
  file(subject: string, bundle: Buffer, predicateType: string): void {
    const layer = sha256(bundle);
    this.blobs.set(layer, bundle);
    const m = manifest(artifactJSON(subject, layer, predicateType));
    this.manifests.set(m.digest, m);
    const list = this.referrerLists.get(subject) ?? [];
    list.push({ digest: m.digest, artifactType: 'application/vnd.oci.empty.v1+json' });
    this.referrerLists.set(subject, list);
  }
}

describe.skipIf(!present)(`logged bundles (Rekor) through ImageVerifier (reads ${CASES})`, () => {
  // The conformance bundles sign a.txt; here a.txt plays the image manifest, so its sha256 is the image digest.
  const A = () => readFileSync(join(CASES, 'a.txt'));
  const keyless = (pattern: string): NamedSigner => ({
    $case: 'keyless',
    identity: { $case: 'regexp', pattern },
    issuer: { $case: 'exact', value: 'https://token.actions.githubusercontent.com' },
    label: `keyless /${pattern}/`,
  });
  const setup = () => {
    const reg = new MemoryRegistry();
    const body = A();
    const image: Manifest = { digest: sha256(body), mediaType: '', body, json: {} };
    reg.manifests.set('v1', image);
    reg.manifests.set(image.digest, image);
    return { reg, image };
  };
  const policy = (over: Partial<ImagesPolicy['policies'][number]>): ImagesPolicy => ({
    unmatched: 'deny',
    policies: [{ name: 'p', images: ['**'], signers: [], attestations: [], requireTlog: true, ...over }],
  });

  it('a keyless DSSE attestation bundle with a Rekor entry satisfies a SLSA v1 requirement', async () => {
    const { reg, image } = setup();
    reg.file(image.digest, readFileSync(join(CASES, 'happy-path-intoto-in-dsse-v3/bundle.sigstore.json')), SLSA1);
    const attestations = [
      {
        predicateType: 'https://slsa.dev/provenance/v1',
        signers: [keyless('https://github\\.com/.*')],
        slsa: { sourceRepository: { $case: 'exact' as const, value: 'https://github.com/loosebazooka/aa-test' } },
      },
    ];
    const v = new ImageVerifier(reg, policy({ attestations }), await productionTrustedRoot());
    const r = await v.verify('registry.example/app:v1');
    expect(r.status, JSON.stringify(r.checks)).toBe('verified');
    expect(r.checks[0]?.message).toMatch(/^https:\/\/slsa\.dev\/provenance\/v1 attested by https:\/\/github\.com\//);
    const wrongIdentity = {
      predicateType: 'https://slsa.dev/provenance/v1',
      signers: [keyless('https://gitlab\\.com/.*')],
    };
    const bad = await new ImageVerifier(
      reg,
      policy({ attestations: [wrongIdentity] }),
      await productionTrustedRoot(),
    ).verify('registry.example/app:v1');
    expect(bad.status).toBe('failed');
    expect(bad.checks[0]?.message).toMatch(/IDENTITY_MISMATCH/);
  });

  it('logged message-signature bundles over the manifest bytes are signatures (keyless and keyed)', async () => {
    const { reg, image } = setup();
    reg.file(image.digest, readFileSync(join(CASES, 'happy-path-v0.3/bundle.sigstore.json')), COSIGN_SIGN_PREDICATE);
    const root = await productionTrustedRoot();
    const r = await new ImageVerifier(reg, policy({ signers: [keyless('.*')] }), root).verify(
      'registry.example/app:v1',
    );
    expect(r.status, JSON.stringify(r.checks)).toBe('verified');
    expect(r.checks[0]?.message).toMatch(/, logged in Rekor \(Sigstore bundle sha256:/);

    const keyed = setup();
    const pub = readFileSync(join(CASES, 'managed-key-happy-path/key.pub'), 'utf8');
    const keySigner: NamedSigner = { $case: 'key', publicKey: createPublicKey(pub), label: 'key key.pub' };
    keyed.reg.file(
      keyed.image.digest,
      readFileSync(join(CASES, 'managed-key-happy-path/bundle.sigstore.json')),
      COSIGN_SIGN_PREDICATE,
    );
    const k = await new ImageVerifier(keyed.reg, policy({ signers: [keySigner] }), root).verify(
      'registry.example/app:v1',
    );
    expect(k.status, JSON.stringify(k.checks)).toBe('verified');
  });

  it('a logged bundle for another image does not count', async () => {
    const reg = new MemoryRegistry();
    const body = Buffer.from('a different manifest');
    const image: Manifest = { digest: sha256(body), mediaType: '', body, json: {} };
    reg.manifests.set('v1', image);
    reg.file(image.digest, readFileSync(join(CASES, 'happy-path-intoto-in-dsse-v3/bundle.sigstore.json')), SLSA1);
    reg.file(image.digest, readFileSync(join(CASES, 'happy-path-v0.3/bundle.sigstore.json')), COSIGN_SIGN_PREDICATE);
    const attestations = [{ predicateType: 'https://slsa.dev/provenance/v1' }];
    const r = await new ImageVerifier(
      reg,
      policy({ signers: [keyless('.*')], attestations }),
      await productionTrustedRoot(),
    ).verify('registry.example/app:v1');
    expect(r.status).toBe('failed');
    expect(r.checks.map((c) => c.ok)).toEqual([false, false]);
    expect(r.checks[0]?.message).toMatch(/message digest is not/);
    expect(r.checks[1]?.message).toMatch(/subject does not name/);
  });
});
