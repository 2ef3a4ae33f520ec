import { join } from '../../model/pointer.js';
import type { Severity } from '../../model/severity.js';
import { defineRule, type RuleHit } from '../rule.js';
import { describeFlux, isFlux, isMap, type Json, specOf, text } from './flux.js';
import { FLUX_HELM_CHARTS, FLUX_HR_CHART_TEMPLATE, FLUX_OCI_VERIFY, MITRE_T1195, SLSA } from './flux-refs.js';

/** Identities no one would mean to trust: any GitHub Actions workflow of another owner, a made-up issuer. */
const CANARY_SUBJECT = 'https://github.com/kubeprint-canary/x/.github/workflows/x.yml@refs/heads/main';
const CANARY_ISSUER = 'https://kubeprint-canary.example.com';

/** A Go regular expression read as a JavaScript one (the shared syntax); undefined when it does not compile. */
function goRegexp(pattern: string): RegExp | undefined {
  try {
    return new RegExp(pattern.replace(/\\A/g, '^').replace(/\\z/g, '$'), 'u');
  } catch {
    return undefined;
  }
}

/** What is wrong with one `matchOIDCIdentity` entry (Go regexps, matched anywhere in the value as cosign does). */
function weakMatcher(m: Json): { severity: Severity; why: string } | undefined {
  const subject = typeof m.subject === 'string' ? m.subject : '';
  const issuer = typeof m.issuer === 'string' ? m.issuer : '';
  const s = goRegexp(subject);
  const i = goRegexp(issuer);
  if (s?.test(CANARY_SUBJECT)) return { severity: 'high', why: `subject "${subject}" matches any signer's identity` };
  if (s && !/^(?:\^|\\A)/.test(subject))
    return {
      severity: 'medium',
      why: `subject "${subject}" is not anchored with ^, so an identity that merely contains it (another owner's repository, a branch named after it) matches`,
    };
  if (i?.test(CANARY_ISSUER)) return { severity: 'medium', why: `issuer "${issuer}" matches any OIDC issuer` };
  return undefined;
}

/**
 * `identitiesSupported` is false for a HelmRelease's chart template: its
 * schema has no `matchOIDCIdentity`, and the API server drops one written there.
 */
function verifyHits(verify: unknown, at: string, what: string, identitiesSupported: boolean): RuleHit[] {
  if (!isMap(verify)) return [];
  const provider = verify.provider ?? 'cosign';
  if (provider !== 'cosign') return [];
  // public keys make it keyed verification: identities do not apply
  if (isMap(verify.secretRef) && text(verify.secretRef.name)) return [];
  const matchers = identitiesSupported && Array.isArray(verify.matchOIDCIdentity) ? verify.matchOIDCIdentity : [];
  const customRoot = isMap(verify.trustedRootSecretRef);
  if (matchers.length === 0)
    return [
      {
        path: at,
        severity: customRoot ? 'medium' : 'high',
        message: identitiesSupported
          ? `${what} verifies Cosign keyless signatures without matchOIDCIdentity: a signature by anyone with ${customRoot ? 'a certificate from its trusted root' : 'a Sigstore identity (any GitHub account)'} is accepted`
          : `${what} verifies Cosign keyless signatures, and a HelmRelease's chart template cannot name the signer (no matchOIDCIdentity): a signature by anyone with a Sigstore identity is accepted`,
      },
    ];
  const hits: RuleHit[] = [];
  matchers.forEach((m, k) => {
    if (!isMap(m)) return;
    const weak = weakMatcher(m);
    if (weak)
      hits.push({
        path: join(at, 'matchOIDCIdentity', k),
        severity: weak.severity,
        message: `${what} accepts Cosign keyless signatures whose ${weak.why}`,
      });
  });
  return hits;
}

export const rule = defineRule({
  id: 'flux-verify-identity-open',
  title: 'Flux keyless verification accepts any signer',
  category: 'gitops',
  severity: 'high',
  appliesTo: ['OCIRepository', 'HelmChart', 'HelmRelease'],
  needs: 'object',
  description:
    "An OCIRepository, HelmChart or HelmRelease chart template verifies Cosign signatures keylessly (`verify.provider: cosign` with no `secretRef`) without pinning who signed: with no `matchOIDCIdentity` source-controller checks no identity at all, so a signature that anyone makes with their own GitHub or Google account, for the same artifact, passes, and verification proves nothing (a HelmRelease's chart template has no `matchOIDCIdentity` field, so keyless verification there always accepts any signer). Also reported, per matcher: a `subject` regular expression that matches an unrelated GitHub Actions identity (`.*`), a `subject` not anchored with `^` (cosign matches anywhere in the identity, so `github.com/acme/` also matches a branch of someone else's repository named after it; medium), an `issuer` that matches any issuer (medium). With `trustedRootSecretRef` (a private Sigstore) a missing matcher is medium.",
  remediation:
    'Add `matchOIDCIdentity` with the CI identity that signs, anchored at both ends: `issuer: ^https://token\\.actions\\.githubusercontent\\.com$`, `subject: ^https://github\\.com/acme/app/\\.github/workflows/release\\.yml@refs/tags/v.*$`; for a HelmRelease, use a HelmChart or an OCIRepository (`chartRef`) that can name the signer, or a public key (`secretRef`).',
  references: [FLUX_OCI_VERIFY, FLUX_HELM_CHARTS, FLUX_HR_CHART_TEMPLATE, SLSA, MITRE_T1195],
  check(obj) {
    if (!isFlux(obj)) return undefined;
    const spec = specOf(obj);
    if (!spec) return undefined;
    if (obj.kind === 'OCIRepository' || obj.kind === 'HelmChart')
      return verifyHits(spec.verify, '/spec/verify', describeFlux(obj), true);
    if (obj.kind === 'HelmRelease' && isMap(spec.chart) && isMap(spec.chart.spec))
      return verifyHits(spec.chart.spec.verify, '/spec/chart/spec/verify', describeFlux(obj), false);
    return undefined;
  },
});
