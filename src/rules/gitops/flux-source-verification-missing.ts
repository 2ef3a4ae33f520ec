import type { Config } from '../../config/config.js';
import type { KubeObject } from '../../model/kube-object.js';
import { defineRule, type RuleHit } from '../rule.js';
import {
  describeFlux,
  isFlux,
  isMap,
  type Json,
  refNamespace,
  sourceRefsOf,
  specOf,
  text,
  urlGlobMatches,
} from './flux.js';
import { FLUX_GIT_VERIFY, FLUX_HELM_CHARTS, FLUX_OCI_VERIFY, MITRE_T1195, SLSA } from './flux-refs.js';

/** True when config requires signatures from a source at this URL. */
function required(config: Config, url: string | undefined): boolean {
  const req = config.gitops?.requireVerification;
  if (req === true) return true;
  if (!Array.isArray(req) || url === undefined) return false;
  return req.some((g) => urlGlobMatches(g, url));
}

/** The OCI HelmRepository a chart template reads from, found in the scope (else in the whole run). */
function ociHelmRepository(
  chartSpec: Json,
  owner: KubeObject,
  scope: readonly KubeObject[],
  all: readonly KubeObject[],
) {
  const ref = sourceRefsOf(owner).find((r) => r.kind === 'HelmRepository');
  if (!ref || !isMap(chartSpec.sourceRef)) return undefined;
  const ns = refNamespace(ref, owner);
  const match = (o: KubeObject) =>
    isFlux(o, 'HelmRepository') &&
    o.name === ref.name &&
    (ns === undefined || o.namespace === undefined || o.namespace === ns);
  const repo = scope.find(match) ?? all.find(match);
  if (!repo) return undefined;
  const rspec = specOf(repo);
  const url = text(rspec?.url);
  if (rspec?.type !== 'oci' && !url?.startsWith('oci://')) return undefined;
  return { repo, url: url && text(chartSpec.chart) ? `${url.replace(/\/+$/, '')}/${chartSpec.chart}` : url };
}

export const rule = defineRule({
  id: 'flux-source-verification-missing',
  title: 'Flux source does not verify signatures',
  category: 'gitops',
  severity: 'high',
  appliesTo: ['GitRepository', 'OCIRepository', 'HelmChart', 'HelmRelease'],
  needs: 'scope',
  needsConfig: true,
  description:
    "Config requires signed sources (`gitops.requireVerification`: `true`, or URL globs of the sources that must be signed), and a Flux source that can verify signatures does not: a GitRepository without `spec.verify` (PGP or SSH signatures of the commit or tag), an OCIRepository without `spec.verify` (Cosign or Notation), a HelmChart or a HelmRelease's chart template reading an OCI HelmRepository without `verify`. Whoever can push to the repository or registry (a stolen token, a compromised CI job) then decides what the cluster runs. Sources Flux cannot verify (HTTP Helm repositories, Buckets) are not reported, nor charts whose HelmRepository is not among the scanned objects. Does nothing until `gitops.requireVerification` is set.",
  remediation:
    'Sign in CI (Cosign keyless from the CI identity, or a key held by CI; signed Git tags or commits) and add `spec.verify` with the public keys (`secretRef`) or the CI identity (`matchOIDCIdentity`) that must have signed.',
  references: [FLUX_GIT_VERIFY, FLUX_OCI_VERIFY, FLUX_HELM_CHARTS, SLSA, MITRE_T1195],
  check(obj, ctx) {
    if (!ctx.config.gitops?.requireVerification || !isFlux(obj)) return undefined;
    const spec = specOf(obj);
    if (!spec) return undefined;
    const hits: RuleHit[] = [];
    if (obj.kind === 'GitRepository' || obj.kind === 'OCIRepository') {
      const url = text(spec.url);
      if (spec.verify === undefined || spec.verify === null) {
        if (required(ctx.config, url))
          hits.push({
            path: '/spec',
            message:
              obj.kind === 'GitRepository'
                ? `${describeFlux(obj)} (${url}) does not verify commit or tag signatures (no spec.verify)`
                : `${describeFlux(obj)} (${url}) does not verify artifact signatures (no spec.verify)`,
          });
      }
      return hits;
    }
    const chart = obj.kind === 'HelmChart' ? { spec, at: '/spec' } : undefined;
    const tmpl =
      isMap(spec.chart) && isMap(spec.chart.spec) ? { spec: spec.chart.spec, at: '/spec/chart/spec' } : undefined;
    const c = chart ?? (obj.kind === 'HelmRelease' ? tmpl : undefined);
    if (!c || (c.spec.verify !== undefined && c.spec.verify !== null)) return undefined;
    const oci = ociHelmRepository(c.spec, obj, ctx.scope.objects, ctx.all.objects);
    if (!oci || !required(ctx.config, oci.url)) return undefined;
    hits.push({
      path: c.at,
      message: `${describeFlux(obj)} pulls chart ${oci.url ?? `from ${describeFlux(oci.repo)}`} without verifying its signature (no verify)`,
    });
    return hits;
  },
});
