/**
 * Verify one image against the images policy: resolve its digest, find its
 * cosign signatures and attestations (classic: tag schema and OCI 1.1
 * referrers; new bundle format: Sigstore bundles among the referrers), and
 * check them, for each platform of an index too when the policy asks. Registry access goes through the `RegistryReader` it is given;
 * results are cached by digest, so an image is verified once per run.
 */
import { describeError } from '../../errors.js';
import { type ImageRef, parseImageRef } from '../../model/image-ref.js';
import { bundleArtifact, COSIGN_SIGN_PREDICATE, mayBeBundleReferrer, verifyImageBundle } from './bundle-referrers.js';
import type { ExpectedSigner } from './bundle-verify.js';
import {
  type AttestationResult,
  type CosignLayer,
  DSSE_ENVELOPE,
  type InTotoStatement,
  type LayerResult,
  SIMPLE_SIGNING,
  verifyAttestationLayer,
  verifySignatureLayer,
  withIdentity,
} from './cosign.js';
import {
  type ImagePolicy,
  type ImagesPolicy,
  type NamedSigner,
  policyFor,
  registryAllowed,
  statementProblems,
} from './policy.js';
import type { Manifest, RepoRef } from './registry.js';

export interface RegistryReader {
  manifest(repo: RepoRef, reference: string): Promise<Manifest | undefined>;
  blob(repo: RepoRef, digest: string): Promise<Buffer>;
  referrers(repo: RepoRef, digest: string): Promise<Array<Record<string, unknown>>>;
}

export type VerdictStatus = 'verified' | 'failed' | 'warn' | 'skipped' | 'error';

export interface Check {
  kind: 'policy' | 'registry' | 'signature' | 'attestation';
  ok: boolean;
  message: string;
}

export interface ImageVerdict {
  image: string;
  digest?: string;
  policy?: string;
  status: VerdictStatus;
  checks: Check[];
}

const SIG_ARTIFACT = 'application/vnd.dev.cosign.artifact.sig.v1+json';
const ATT_ARTIFACT = 'application/vnd.dev.cosign.artifact.att.v1+json';

export class ImageVerifier {
  private readonly byDigest = new Map<string, Promise<Omit<ImageVerdict, 'image'>>>();
  private readonly byRef = new Map<string, Promise<Manifest | undefined>>();
  /** Images whose digest was looked up in the registry (for benchmarks and tests). */
  lookups = 0;

  constructor(
    private readonly registry: RegistryReader,
    private readonly policy: ImagesPolicy,
    private readonly trustedRoot: unknown,
  ) {}

  async verify(text: string): Promise<ImageVerdict> {
    const parsed = parseImageRef(text);
    if (!parsed.ok)
      return { image: text, status: 'error', checks: [{ kind: 'policy', ok: false, message: parsed.error }] };
    const ref = parsed.ref;
    const policy = policyFor(this.policy.policies, ref.name);
    if (!policy) {
      const status: VerdictStatus =
        this.policy.unmatched === 'deny' ? 'failed' : this.policy.unmatched === 'warn' ? 'warn' : 'skipped';
      return {
        image: text,
        status,
        checks: [{ kind: 'policy', ok: status !== 'failed', message: `no image policy matches ${ref.name}` }],
      };
    }
    if (!registryAllowed(policy, ref.registry)) {
      return {
        image: text,
        policy: policy.name,
        status: 'failed',
        checks: [
          { kind: 'registry', ok: false, message: `registry ${ref.registry} is not allowed by policy ${policy.name}` },
        ],
      };
    }
    const repo: RepoRef = { registry: ref.registry, repository: ref.repository };
    let image: Manifest | undefined;
    try {
      image = await this.manifestOf(ref, repo);
    } catch (err) {
      return {
        image: text,
        policy: policy.name,
        status: 'error',
        checks: [{ kind: 'registry', ok: false, message: describeError(err) }],
      };
    }
    if (!image) {
      return {
        image: text,
        policy: policy.name,
        status: 'failed',
        checks: [
          {
            kind: 'registry',
            ok: false,
            message: `${ref.name}:${ref.tag ?? ref.digest ?? 'latest'} not found in the registry`,
          },
        ],
      };
    }
    const digest = image.digest;
    const key = `${ref.name}@${digest} ${policy.name}`;
    let pending = this.byDigest.get(key);
    if (!pending) {
      pending = this.check(repo, image, policy).catch((err) => ({
        digest,
        policy: policy.name,
        status: 'error' as const,
        checks: [{ kind: 'registry' as const, ok: false, message: describeError(err) }],
      }));
      this.byDigest.set(key, pending);
    }
    return { image: text, ...(await pending) };
  }

  private manifestOf(ref: ImageRef, repo: RepoRef): Promise<Manifest | undefined> {
    const reference = ref.digest ?? ref.tag ?? 'latest';
    const key = `${ref.name}:${reference}`;
    let pending = this.byRef.get(key);
    if (!pending) {
      this.lookups++;
      pending = this.registry.manifest(repo, reference);
      this.byRef.set(key, pending);
      pending.catch(() => this.byRef.delete(key));
    }
    return pending;
  }

  private async check(repo: RepoRef, image: Manifest, policy: ImagePolicy): Promise<Omit<ImageVerdict, 'image'>> {
    const digest = image.digest;
    const checks = await this.checksFor(repo, digest, image.body, policy);
    if (policy.verifyPlatforms && isIndex(image)) {
      const platforms = platformManifests(image.json);
      if (platforms.length === 0)
        checks.push({ kind: 'policy', ok: false, message: `image index ${digest} lists no platform manifests` });
      for (const p of platforms) {
        const label = `platform ${p.platform} (${p.digest})`;
        const m = await this.registry.manifest(repo, p.digest);
        if (!m) {
          checks.push({ kind: 'registry', ok: false, message: `${label}: not found in the registry` });
          continue;
        }
        for (const c of await this.checksFor(repo, m.digest, m.body, policy))
          checks.push({ ...c, message: `${label}: ${c.message}` });
      }
    }
    const status: VerdictStatus = checks.every((c) => c.ok) ? 'verified' : 'failed';
    return { digest, policy: policy.name, status, checks };
  }

  /** The policy's signature and attestation checks for one manifest digest (and its bytes). */
  private async checksFor(repo: RepoRef, digest: string, manifest: Buffer, policy: ImagePolicy): Promise<Check[]> {
    const checks: Check[] = [];
    const opts = { trustedRoot: this.trustedRoot, requireTlog: policy.requireTlog };
    const wanted = policy.signers.length > 0 || policy.attestations.length > 0;
    const referrers = wanted ? await this.registry.referrers(repo, digest) : [];
    // Only bundles a requirement may use are fetched (by their unsigned predicate-type annotation).
    const types = new Set(policy.attestations.map((a) => a.predicateType));
    if (policy.signers.length > 0) types.add(COSIGN_SIGN_PREDICATE);
    const bundles = wanted ? await this.bundles(repo, digest, referrers, types) : { found: [], problems: [] };
    const image = { digest, manifest };

    if (policy.signers.length > 0) {
      const layers = await this.layers(
        repo,
        `${digest.replace(':', '-')}.sig`,
        referrers,
        SIG_ARTIFACT,
        SIMPLE_SIGNING,
      );
      const evidence: Evidence[] = [
        ...layers.map((layer) => ({ $case: 'layer' as const, layer })),
        ...bundles.found
          .filter((b) => b.predicateType === undefined || b.predicateType === COSIGN_SIGN_PREDICATE)
          .map((bundle) => ({ $case: 'bundle' as const, bundle })),
      ];
      if (evidence.length === 0) {
        const why = bundles.problems.length > 0 ? ` (${unique(bundles.problems).join('; ')})` : '';
        checks.push({ kind: 'signature', ok: false, message: `no cosign signature found for ${digest}${why}` });
      } else {
        checks.push(signatureCheck(image, evidence, policy.signers, opts, bundles.problems));
      }
    }

    if (policy.attestations.length > 0) {
      const layers = await this.layers(repo, `${digest.replace(':', '-')}.att`, referrers, ATT_ARTIFACT, DSSE_ENVELOPE);
      for (const req of policy.attestations) {
        const signers = req.signers ?? policy.signers;
        const evidence: Evidence[] = [
          ...layers.map((layer) => ({ $case: 'layer' as const, layer })),
          ...bundles.found
            .filter((b) => b.predicateType === undefined || b.predicateType === req.predicateType)
            .map((bundle) => ({ $case: 'bundle' as const, bundle })),
        ];
        checks.push(
          attestationCheck(image, evidence, req.predicateType, signers, opts, bundles.problems, (st) =>
            statementProblems(req, st),
          ),
        );
      }
    }
    if (checks.length === 0)
      checks.push({ kind: 'policy', ok: true, message: `policy ${policy.name} requires no signature` });
    return checks;
  }

  /**
   * Sigstore bundles (cosign's new bundle format) among the referrers of
   * `digest`, and why artifacts that looked like bundles do not count.
   */
  private async bundles(
    repo: RepoRef,
    digest: string,
    referrers: Array<Record<string, unknown>>,
    predicateTypes: Set<string>,
  ): Promise<{ found: FoundBundle[]; problems: string[] }> {
    const found: FoundBundle[] = [];
    const problems: string[] = [];
    const seen = new Set<string>();
    for (const r of referrers) {
      if (!mayBeBundleReferrer(r) || seen.has(r.digest as string)) continue;
      seen.add(r.digest as string);
      const m = await this.registry.manifest(repo, r.digest as string);
      if (!m) continue;
      const artifact = bundleArtifact(m, digest);
      if (artifact === undefined) continue;
      if (typeof artifact === 'string') {
        problems.push(artifact);
        continue;
      }
      if (artifact.predicateType !== undefined && !predicateTypes.has(artifact.predicateType)) continue;
      for (const layer of artifact.layers) {
        const blob = await this.registry.blob(repo, layer);
        let json: unknown;
        try {
          json = JSON.parse(blob.toString('utf8'));
        } catch {
          problems.push(`bundle ${layer} in ${artifact.digest} is not JSON`);
          continue;
        }
        const b: FoundBundle = { artifact: artifact.digest, json };
        if (artifact.predicateType !== undefined) b.predicateType = artifact.predicateType;
        found.push(b);
      }
    }
    return { found, problems };
  }

  /** Layers of the cosign tag manifest and of referrers with the given artifact type. */
  private async layers(
    repo: RepoRef,
    tag: string,
    referrers: Array<Record<string, unknown>>,
    artifactType: string,
    layerType: string,
  ): Promise<CosignLayer[]> {
    const manifests: Manifest[] = [];
    const tagged = await this.registry.manifest(repo, tag);
    if (tagged) manifests.push(tagged);
    for (const r of referrers) {
      if (r.artifactType !== artifactType || typeof r.digest !== 'string') continue;
      const m = await this.registry.manifest(repo, r.digest);
      if (m) manifests.push(m);
    }
    const out: CosignLayer[] = [];
    for (const m of manifests) {
      const layers = Array.isArray(m.json.layers) ? (m.json.layers as Array<Record<string, unknown>>) : [];
      for (const l of layers) {
        if (l.mediaType !== layerType || typeof l.digest !== 'string') continue;
        const annotations: Record<string, string> = {};
        for (const [k, v] of Object.entries((l.annotations as Record<string, unknown> | undefined) ?? {})) {
          if (typeof v === 'string') annotations[k] = v;
        }
        out.push({ mediaType: layerType, annotations, blob: await this.registry.blob(repo, l.digest) });
      }
    }
    return out;
  }
}

/** One piece of evidence: a classic cosign layer, or a Sigstore bundle from the referrers. */
type Evidence = { $case: 'layer'; layer: CosignLayer } | { $case: 'bundle'; bundle: FoundBundle };

interface FoundBundle {
  /** Digest of the artifact manifest that holds it. */
  artifact: string;
  /** The artifact manifest's predicate-type annotation (unsigned; used only to skip). */
  predicateType?: string;
  json: unknown;
}

interface ImageBytes {
  digest: string;
  manifest: Buffer;
}

type Opts = { trustedRoot: unknown; requireTlog: boolean };

function signatureEvidence(image: ImageBytes, e: Evidence, signer: NamedSigner, opts: Opts): LayerResult {
  if (e.$case === 'layer') return verifySignatureLayer(image.digest, e.layer, signer as ExpectedSigner, opts);
  const r = verifyImageBundle(image.digest, image.manifest, e.bundle.json, signer as ExpectedSigner, opts);
  if (!r.ok) return { ok: false, reason: `bundle ${e.bundle.artifact}: ${r.reason}` };
  if (r.kind !== 'signature') {
    return {
      ok: false,
      reason: `bundle ${e.bundle.artifact} is a ${r.statement?.predicateType ?? '?'} attestation, not a signature`,
    };
  }
  return withIdentity({ ok: true, tlog: r.tlog }, r);
}

function attestationEvidence(image: ImageBytes, e: Evidence, signer: NamedSigner, opts: Opts): AttestationResult {
  if (e.$case === 'layer') return verifyAttestationLayer(image.digest, e.layer, signer as ExpectedSigner, opts);
  const r = verifyImageBundle(image.digest, image.manifest, e.bundle.json, signer as ExpectedSigner, opts);
  if (!r.ok) return { ok: false, reason: `bundle ${e.bundle.artifact}: ${r.reason}` };
  if (!r.statement) return { ok: false, reason: `bundle ${e.bundle.artifact} carries no in-toto statement` };
  return withIdentity({ ok: true, tlog: r.tlog, statement: r.statement }, r);
}

function signatureCheck(
  image: ImageBytes,
  evidence: Evidence[],
  signers: NamedSigner[],
  opts: Opts,
  problems: string[],
): Check {
  const reasons: string[] = [...problems];
  for (const signer of signers) {
    for (const e of evidence) {
      const r = signatureEvidence(image, e, signer, opts);
      if (r.ok) {
        const who = r.identity ? `${r.identity} (${r.issuer ?? '?'})` : signer.label;
        const where = e.$case === 'bundle' ? ` (Sigstore bundle ${e.bundle.artifact})` : '';
        return {
          kind: 'signature',
          ok: true,
          message: `signed by ${who}${r.tlog ? ', logged in Rekor' : ', not logged'}${where}`,
        };
      }
      reasons.push(`${signer.label}: ${r.reason}`);
    }
  }
  return { kind: 'signature', ok: false, message: `no signature by a required signer (${unique(reasons).join('; ')})` };
}

function attestationCheck(
  image: ImageBytes,
  evidence: Evidence[],
  predicateType: string,
  signers: NamedSigner[],
  opts: Opts,
  problems: string[],
  contentProblems: (st: InTotoStatement) => string[],
): Check {
  const reasons: string[] = [...problems];
  for (const e of evidence) {
    if (
      e.$case === 'layer' &&
      e.layer.annotations.predicateType !== undefined &&
      e.layer.annotations.predicateType !== predicateType
    )
      continue;
    for (const signer of signers) {
      const r = attestationEvidence(image, e, signer, opts);
      if (!r.ok) {
        reasons.push(`${signer.label}: ${r.reason}`);
        continue;
      }
      if (r.statement.predicateType !== predicateType) continue;
      const found = contentProblems(r.statement);
      if (found.length === 0) {
        return { kind: 'attestation', ok: true, message: `${predicateType} attested by ${r.identity ?? signer.label}` };
      }
      reasons.push(found.join('; '));
    }
  }
  const msg = reasons.length > 0 ? ` (${unique(reasons).join('; ')})` : '';
  return { kind: 'attestation', ok: false, message: `no acceptable ${predicateType} attestation${msg}` };
}

const INDEX_TYPES = new Set<string>([
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
]);

function isIndex(m: Manifest): boolean {
  return INDEX_TYPES.has(m.mediaType) || (m.mediaType === '' && Array.isArray(m.json.manifests));
}

/**
 * The platform manifests an image index lists (`os/arch[/variant]` and
 * digest), leaving out what is not an image for a platform: BuildKit's
 * attestation manifests (`unknown/unknown`, `vnd.docker.reference.type`).
 */
export function platformManifests(index: Record<string, unknown>): Array<{ platform: string; digest: string }> {
  const out: Array<{ platform: string; digest: string }> = [];
  for (const d of Array.isArray(index.manifests) ? (index.manifests as unknown[]) : []) {
    if (!d || typeof d !== 'object') continue;
    const desc = d as Record<string, unknown>;
    if (typeof desc.digest !== 'string') continue;
    const annotations = (desc.annotations ?? {}) as Record<string, unknown>;
    if (annotations['vnd.docker.reference.type'] !== undefined) continue;
    const p = (desc.platform ?? {}) as Record<string, unknown>;
    const os = typeof p.os === 'string' ? p.os : 'unknown';
    const arch = typeof p.architecture === 'string' ? p.architecture : 'unknown';
    if (os === 'unknown' && arch === 'unknown' && desc.platform !== undefined) continue;
    const variant = typeof p.variant === 'string' ? `/${p.variant}` : '';
    out.push({ platform: `${os}/${arch}${variant}`, digest: desc.digest });
  }
  return out;
}

function unique(xs: string[]): string[] {
  return [...new Set(xs)];
}
