/**
 * Verify one image against the images policy: resolve its digest, find its
 * cosign signatures and attestations (tag schema and OCI 1.1 referrers), and
 * check them. Registry access goes through the `RegistryReader` it is given;
 * results are cached by digest, so an image is verified once per run.
 */
import { describeError } from '../../errors.js';
import { type ImageRef, parseImageRef } from '../../model/image-ref.js';
import type { ExpectedSigner } from './bundle-verify.js';
import {
  type CosignLayer,
  DSSE_ENVELOPE,
  type InTotoStatement,
  SIMPLE_SIGNING,
  verifyAttestationLayer,
  verifySignatureLayer,
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
  private readonly byRef = new Map<string, Promise<string | undefined>>();
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
    let digest: string | undefined;
    try {
      digest = await this.digestOf(ref, repo);
    } catch (err) {
      return {
        image: text,
        policy: policy.name,
        status: 'error',
        checks: [{ kind: 'registry', ok: false, message: describeError(err) }],
      };
    }
    if (!digest) {
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
    const key = `${ref.name}@${digest} ${policy.name}`;
    let pending = this.byDigest.get(key);
    if (!pending) {
      pending = this.check(repo, digest, policy).catch((err) => ({
        digest,
        policy: policy.name,
        status: 'error' as const,
        checks: [{ kind: 'registry' as const, ok: false, message: describeError(err) }],
      }));
      this.byDigest.set(key, pending);
    }
    return { image: text, ...(await pending) };
  }

  private digestOf(ref: ImageRef, repo: RepoRef): Promise<string | undefined> {
    const reference = ref.digest ?? ref.tag ?? 'latest';
    const key = `${ref.name}:${reference}`;
    let pending = this.byRef.get(key);
    if (!pending) {
      this.lookups++;
      pending = this.registry.manifest(repo, reference).then((m) => m?.digest);
      this.byRef.set(key, pending);
      pending.catch(() => this.byRef.delete(key));
    }
    return pending;
  }

  private async check(repo: RepoRef, digest: string, policy: ImagePolicy): Promise<Omit<ImageVerdict, 'image'>> {
    const checks: Check[] = [];
    const opts = { trustedRoot: this.trustedRoot, requireTlog: policy.requireTlog };
    const referrers =
      policy.signers.length > 0 || policy.attestations.length > 0 ? await this.registry.referrers(repo, digest) : [];

    if (policy.signers.length > 0) {
      const layers = await this.layers(
        repo,
        `${digest.replace(':', '-')}.sig`,
        referrers,
        SIG_ARTIFACT,
        SIMPLE_SIGNING,
      );
      if (layers.length === 0) {
        checks.push({ kind: 'signature', ok: false, message: `no cosign signature found for ${digest}` });
      } else {
        checks.push(signatureCheck(digest, layers, policy.signers, opts));
      }
    }

    if (policy.attestations.length > 0) {
      const layers = await this.layers(repo, `${digest.replace(':', '-')}.att`, referrers, ATT_ARTIFACT, DSSE_ENVELOPE);
      for (const req of policy.attestations) {
        const signers = req.signers ?? policy.signers;
        checks.push(
          attestationCheck(digest, layers, req.predicateType, signers, opts, (st) => statementProblems(req, st)),
        );
      }
    }
    if (checks.length === 0)
      checks.push({ kind: 'policy', ok: true, message: `policy ${policy.name} requires no signature` });
    const status: VerdictStatus = checks.every((c) => c.ok) ? 'verified' : 'failed';
    return { digest, policy: policy.name, status, checks };
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

function signatureCheck(
  digest: string,
  layers: CosignLayer[],
  signers: NamedSigner[],
  opts: { trustedRoot: unknown; requireTlog: boolean },
): Check {
  const reasons: string[] = [];
  for (const signer of signers) {
    for (const layer of layers) {
      const r = verifySignatureLayer(digest, layer, signer as ExpectedSigner, opts);
      if (r.ok) {
        const who = r.identity ? `${r.identity} (${r.issuer ?? '?'})` : signer.label;
        return {
          kind: 'signature',
          ok: true,
          message: `signed by ${who}${r.tlog ? ', logged in Rekor' : ', not logged'}`,
        };
      }
      reasons.push(`${signer.label}: ${r.reason}`);
    }
  }
  return { kind: 'signature', ok: false, message: `no signature by a required signer (${unique(reasons).join('; ')})` };
}

function attestationCheck(
  digest: string,
  layers: CosignLayer[],
  predicateType: string,
  signers: NamedSigner[],
  opts: { trustedRoot: unknown; requireTlog: boolean },
  contentProblems: (st: InTotoStatement) => string[],
): Check {
  const reasons: string[] = [];
  let seen = false;
  for (const layer of layers) {
    if (layer.annotations.predicateType !== undefined && layer.annotations.predicateType !== predicateType) continue;
    for (const signer of signers) {
      const r = verifyAttestationLayer(digest, layer, signer as ExpectedSigner, opts);
      if (!r.ok) {
        reasons.push(`${signer.label}: ${r.reason}`);
        continue;
      }
      if (r.statement.predicateType !== predicateType) continue;
      seen = true;
      const problems = contentProblems(r.statement);
      if (problems.length === 0) {
        return { kind: 'attestation', ok: true, message: `${predicateType} attested by ${r.identity ?? signer.label}` };
      }
      reasons.push(problems.join('; '));
    }
  }
  const msg = seen || reasons.length > 0 ? ` (${unique(reasons).join('; ')})` : '';
  return { kind: 'attestation', ok: false, message: `no acceptable ${predicateType} attestation${msg}` };
}

function unique(xs: string[]): string[] {
  return [...new Set(xs)];
}
