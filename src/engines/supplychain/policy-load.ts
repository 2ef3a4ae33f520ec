/**
 * The `images` section of `.kubeprint.yaml` turned into an ImagesPolicy (an
 * adapter: it reads key files, relative to the config file's folder).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ImagesConfig } from '../../config/schema.js';
import { KubeprintError } from '../../errors.js';
import { publicKeyFromPEM } from './bundle-verify.js';
import { type IdentityMatcher, regexpProblem } from './identity.js';
import {
  type AttestationRequirement,
  type ImagePolicy,
  type ImagesPolicy,
  type NamedSigner,
  predicateTypeURI,
  versionRangeProblem,
} from './policy.js';

type SignerConfig = NonNullable<NonNullable<ImagesConfig['policies']>[number]['signers']>[number];
type MatchConfig = string | { regexp: string };

function matcher(m: MatchConfig, where: string): IdentityMatcher {
  if (typeof m === 'string') return { $case: 'exact', value: m };
  const problem = regexpProblem(m.regexp);
  if (problem)
    throw new KubeprintError('CONFIG_INVALID', `${where}: invalid regular expression "${m.regexp}": ${problem}`);
  return { $case: 'regexp', pattern: m.regexp };
}

function signer(s: SignerConfig, baseDir: string, where: string): NamedSigner {
  if ('key' in s) {
    const inline = s.key.includes('-----BEGIN');
    let pem = s.key;
    if (!inline) {
      try {
        pem = readFileSync(resolve(baseDir, s.key), 'utf8');
      } catch (err) {
        throw new KubeprintError('CONFIG_INVALID', `${where}: cannot read key ${s.key}`, { cause: err });
      }
    }
    const publicKey = publicKeyFromPEM(pem);
    if (!publicKey)
      throw new KubeprintError('CONFIG_INVALID', `${where}: ${inline ? 'key' : s.key} is not a PEM public key`);
    return { $case: 'key', publicKey, label: `key ${inline ? '(inline)' : s.key}` };
  }
  const identity = matcher(s.identity, where);
  const issuer = matcher(s.issuer, where);
  const show = (m: IdentityMatcher) => (m.$case === 'exact' ? m.value : `/${m.pattern}/`);
  return { $case: 'keyless', identity, issuer, label: `keyless ${show(identity)} (${show(issuer)})` };
}

/**
 * @throws KubeprintError CONFIG_INVALID when a key cannot be read or a pattern or range is malformed
 */
export function imagesPolicyFromConfig(
  cfg: ImagesConfig | undefined,
  baseDir: string,
  file = '.kubeprint.yaml',
): ImagesPolicy {
  const defaultUnlogged = cfg?.allowUnloggedSignatures ?? false;
  const policies: ImagePolicy[] = (cfg?.policies ?? []).map((p, i) => {
    const where = `${file}: images.policies[${i}] (${p.name})`;
    const signers = (p.signers ?? []).map((s) => signer(s, baseDir, where));
    const attestations: AttestationRequirement[] = (p.attestations ?? []).map((a) => {
      const req: AttestationRequirement = { predicateType: predicateTypeURI(a.predicateType) };
      if (a.signers) req.signers = a.signers.map((s) => signer(s, baseDir, where));
      else if (signers.length === 0) {
        throw new KubeprintError(
          'CONFIG_INVALID',
          `${where}: attestation ${a.predicateType} has no signers and the policy has none`,
        );
      }
      if (a.slsa) {
        req.slsa = {};
        if (a.slsa.builderId !== undefined) req.slsa.builderId = matcher(a.slsa.builderId, where);
        if (a.slsa.sourceRepository !== undefined) req.slsa.sourceRepository = matcher(a.slsa.sourceRepository, where);
        if (a.slsa.ref !== undefined) req.slsa.ref = matcher(a.slsa.ref, where);
      }
      if (a.denyPackages) {
        for (const d of a.denyPackages) {
          const problem = d.versions === undefined ? undefined : versionRangeProblem(d.versions);
          if (problem) throw new KubeprintError('CONFIG_INVALID', `${where}: denyPackages ${d.name}: ${problem}`);
        }
        req.denyPackages = a.denyPackages.map((d) =>
          d.versions === undefined ? { name: d.name } : { name: d.name, versions: d.versions },
        );
      }
      return req;
    });
    const policy: ImagePolicy = {
      name: p.name,
      images: p.images,
      signers,
      attestations,
      requireTlog: !(p.allowUnloggedSignatures ?? defaultUnlogged),
    };
    if (p.allowedRegistries) policy.allowedRegistries = p.allowedRegistries;
    if (p.verifyPlatforms) policy.verifyPlatforms = true;
    return policy;
  });
  return { policies, unmatched: cfg?.unmatched ?? 'warn' };
}
