import { defineRule, type RuleHit } from '../rule.js';
import { describeFlux, isFlux, isMap, type Json, specOf, text, versionRange } from './flux.js';
import {
  FLUX_GIT_REF,
  FLUX_HELM_CHARTS,
  FLUX_HR_CHART_TEMPLATE,
  FLUX_OCI_REF,
  SEMVER_CONSTRAINTS,
} from './flux-refs.js';

/** A chart template's version: Flux ignores it for charts read from a GitRepository or Bucket (the chart's path decides). */
function chartVersionHit(chartSpec: Json, at: string, what: string): RuleHit | undefined {
  const src = isMap(chartSpec.sourceRef) ? chartSpec.sourceRef.kind : undefined;
  if (src === 'GitRepository' || src === 'Bucket') return undefined;
  const v = chartSpec.version;
  if (v !== undefined && v !== null && typeof v !== 'string') return undefined;
  const range = versionRange(typeof v === 'string' ? v : '');
  if (range.$case !== 'unbounded') return undefined;
  return v === undefined || v === null || v === ''
    ? { path: at, message: `${what} names no chart version, so the newest chart of any major version is installed` }
    : {
        path: `${at}/version`,
        message: `${what} chart version ${range.why} has no upper bound, so any newer major version is installed`,
      };
}

export const rule = defineRule({
  id: 'flux-version-unbounded',
  title: 'Flux chart or source version has no upper bound',
  category: 'gitops',
  severity: 'medium',
  appliesTo: ['HelmRelease', 'HelmChart', 'OCIRepository', 'GitRepository'],
  needs: 'object',
  description:
    "A version that Flux resolves to the newest match has no upper bound: a HelmRelease's chart template (`spec.chart.spec.version`) or a HelmChart's `spec.version` that is missing (Flux's default is `*`), `*`, `x`, or only lower bounds (`>=1.0.0`, `>1.2`, `!=1.3.0`); an OCIRepository's or GitRepository's `ref.semver` likewise. Every new major version, with its breaking changes, is then rolled out at the next interval without a change in git. Ranges with an upper bound are not reported: `~1.4`, `^1.4`, `1.x`, `1.4.*`, `>=1.4.0 <2.0.0`, hyphen ranges, exact versions; nor chart versions of charts read from a GitRepository or Bucket (Flux ignores them), nor a `semver` that a `digest` (OCI) or a `commit`/`name` (Git) overrides. Alternatives (`||`) are each judged.",
  remediation:
    'Pin an exact version, or bound the range below the next major (`~1.4`, `>=1.4.0 <2.0.0`) and raise it in a reviewed change; Renovate or Dependabot can propose the bumps.',
  references: [FLUX_HR_CHART_TEMPLATE, FLUX_HELM_CHARTS, FLUX_OCI_REF, FLUX_GIT_REF, SEMVER_CONSTRAINTS],
  check(obj) {
    if (!isFlux(obj)) return undefined;
    const spec = specOf(obj);
    if (!spec) return undefined;
    if (obj.kind === 'HelmRelease') {
      const chart = spec.chart;
      if (!isMap(chart) || !isMap(chart.spec)) return undefined;
      const h = chartVersionHit(chart.spec, '/spec/chart/spec', describeFlux(obj));
      return h ? [h] : undefined;
    }
    if (obj.kind === 'HelmChart') {
      const h = chartVersionHit(spec, '/spec', describeFlux(obj));
      return h ? [h] : undefined;
    }
    const ref = spec.ref;
    if (!isMap(ref) || typeof ref.semver !== 'string') return undefined;
    if (obj.kind === 'OCIRepository' && text(ref.digest)) return undefined;
    if (obj.kind === 'GitRepository' && (text(ref.commit) || text(ref.name))) return undefined;
    const range = versionRange(ref.semver);
    if (range.$case !== 'unbounded') return undefined;
    return [
      {
        path: '/spec/ref/semver',
        message: `${describeFlux(obj)} follows the semver range ${range.why}, which has no upper bound, so any newer major version is deployed`,
      },
    ];
  },
});
