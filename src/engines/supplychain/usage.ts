/**
 * Where images are used (object, container field, file:line), and verdicts
 * turned into ordinary Findings with category supply-chain. Pure.
 */
import type { Config } from '../../config/config.js';
import type { Finding } from '../../model/finding.js';
import { parseImageRef } from '../../model/image-ref.js';
import { type KubeObject, objectRef } from '../../model/kube-object.js';
import type { Severity } from '../../model/severity.js';
import { imageChosenByInjector, workloadOf } from '../../model/workload.js';
import type { EngineRuleMeta } from '../../rules/registry.js';
import type { ImageVerdict } from './verify-image.js';

export interface ImageUse {
  object: KubeObject;
  /** JSON pointer to the container's image field. */
  path: string;
  container: string;
  file?: string;
  line?: number;
  column?: number;
}

export interface ImageUsage {
  image: string;
  registry?: string;
  repository?: string;
  tag?: string;
  digest?: string;
  /** Pinned by digest. */
  pinned: boolean;
  uses: ImageUse[];
}

/** Every image of every workload, in first-seen order, with each place it is used (not an injector's placeholder). */
export function imageUsage(objects: readonly KubeObject[]): ImageUsage[] {
  const byImage = new Map<string, ImageUsage>();
  for (const obj of objects) {
    const w = workloadOf(obj);
    if (!w) continue;
    for (const c of w.containers) {
      const image = c.spec.image;
      // a placeholder the injector replaces (Istio's image: auto) is not what runs
      if (typeof image !== 'string' || imageChosenByInjector(w, c)) continue;
      let u = byImage.get(image);
      if (!u) {
        const p = parseImageRef(image);
        u = { image, pinned: false, uses: [] };
        if (p.ok) {
          u.registry = p.ref.registry;
          u.repository = p.ref.repository;
          if (p.ref.tag) u.tag = p.ref.tag;
          if (p.ref.digest) u.digest = p.ref.digest;
          u.pinned = p.ref.digest !== undefined;
        }
        byImage.set(image, u);
      }
      const path = `${c.path}/image`;
      const use: ImageUse = { object: obj, path, container: c.name };
      if (obj.source) {
        const pos = obj.source.positionOf(path);
        use.file = obj.source.file;
        use.line = pos.line;
        use.column = pos.column;
      }
      u.uses.push(use);
    }
  }
  return [...byImage.values()];
}

export function locationOf(u: ImageUse): string {
  return u.file ? `${u.file}${u.line ? `:${u.line}` : ''}` : `${u.object.kind}/${u.object.name}`;
}

const REFS = [
  { title: 'Sigstore: cosign verify', url: 'https://docs.sigstore.dev/cosign/verifying/verify/' },
  { title: 'SLSA: verifying artifacts', url: 'https://slsa.dev/spec/v1.0/verifying-artifacts' },
];

function meta(id: string, title: string, severity: Severity, description: string, remediation: string): EngineRuleMeta {
  return {
    id,
    title,
    category: 'supply-chain',
    severity,
    description,
    remediation,
    references: REFS,
    emittedBy: 'image verification (scan --verify-images, images verify)',
  };
}

/**
 * The findings image verification produces. They are in the registry's
 * ENGINE_RULES (listed, explained, configured like every rule); only image
 * verification emits them, never the per-object scan.
 */
export const VERIFY_RULES = {
  signature: meta(
    'image-signature-unverified',
    'Image is not signed by a required signer',
    'high',
    'The images policy requires a cosign signature by one of its signers, and none verifies for the image digest.',
    'Sign the image digest in CI (cosign sign) with a signer the policy names, and deploy by that digest.',
  ),
  attestation: meta(
    'image-attestation-unverified',
    'Image lacks a required attestation',
    'high',
    'The images policy requires an attestation (SLSA provenance, SBOM, vulnerability scan) that is missing, not signed by a required signer, or violates a constraint.',
    'Attest the image in CI (cosign attest) with the required predicate, from the expected builder and source.',
  ),
  registry: meta(
    'image-registry-denied-by-policy',
    'Image comes from a registry its policy does not allow',
    'high',
    'The image policy that matches this image names the registries it may come from, and this is not one of them.',
    'Mirror the image to an allowed registry, or change the policy.',
  ),
  policy: meta(
    'image-no-policy',
    'Image matches no image policy',
    'medium',
    'No policy in the images section of .kubeprint.yaml matches this image (reported when `unmatched` is deny or warn).',
    'Add a policy for the image, or set `unmatched: ignore`.',
  ),
  error: meta(
    'image-verification-error',
    'Image could not be verified',
    'high',
    'The registry could not be reached, the image was not found, or the reference is invalid, so nothing could be verified.',
    'Check the reference, the registry address and credentials (Docker config.json), and --insecure-registry for plain-HTTP registries.',
  ),
} as const;

/**
 * One finding per failing check per use of the image. `config` applies
 * `rules.<id>` (severity, enabled) and `categories.supply-chain` as for every
 * rule; a severity set there wins over the `low` of a policy that only warns.
 */
export function verdictFindings(
  v: ImageVerdict,
  uses: readonly ImageUse[],
  config: Config = {},
): Array<{ finding: Finding; object: KubeObject | undefined }> {
  if (v.status === 'verified' || v.status === 'skipped') return [];
  const out: Array<{ finding: Finding; object: KubeObject | undefined }> = [];
  for (const check of v.checks) {
    if (check.ok && v.status !== 'warn') continue;
    const rule =
      v.status === 'error'
        ? VERIFY_RULES.error
        : check.kind === 'policy'
          ? VERIFY_RULES.policy
          : check.kind === 'registry'
            ? v.digest === undefined && !/not allowed/.test(check.message)
              ? VERIFY_RULES.error
              : VERIFY_RULES.registry
            : check.kind === 'signature'
              ? VERIFY_RULES.signature
              : VERIFY_RULES.attestation;
    const setting = config.rules?.[rule.id];
    if (!(setting?.enabled ?? config.categories?.[rule.category]?.enabled ?? true)) continue;
    const severity: Severity = setting?.severity ?? (v.status === 'warn' ? 'low' : rule.severity);
    for (const use of uses) {
      const finding: Finding = {
        ruleId: rule.id,
        severity,
        category: 'supply-chain',
        message: `${v.image}${v.digest ? ` (${v.digest})` : ''}: ${check.message}`,
        object: objectRef(use.object),
        path: use.path,
      };
      if (use.file)
        finding.source = {
          file: use.file,
          ...(use.line ? { line: use.line } : {}),
          ...(use.column ? { column: use.column } : {}),
        };
      out.push({ finding, object: use.object });
    }
  }
  return out;
}

export const VERIFY_RULE_LIST: readonly EngineRuleMeta[] = Object.values(VERIFY_RULES);
