import { join } from '../../model/pointer.js';
import { defineRule, type RuleHit } from '../rule.js';
import { appSpecOf, describeApp, isMap } from './argo-app.js';
import { ARGO_APP_SPEC, ARGO_MULTIPLE_SOURCES, kyverno } from './argo-refs.js';

const SPEC = `(object.kind == 'ApplicationSet' ? (has(object.spec) && has(object.spec.template) && has(object.spec.template.spec) ? object.spec.template.spec : null) : (has(object.spec) ? object.spec : null))`;
const filled = (v: unknown) => typeof v === 'string' && v !== '';

export const rule = defineRule({
  id: 'argocd-application-source-conflict',
  title: 'Application source fields that Argo CD ignores',
  category: 'gitops',
  severity: 'medium',
  appliesTo: ['Application', 'ApplicationSet'],
  needs: 'object',
  cel: {
    matchKinds: ['Application', 'ApplicationSet'],
    variables: [
      { name: 'spec', expression: SPEC },
      {
        name: 'effective',
        expression:
          'variables.spec == null ? [] : (has(variables.spec.sources) && size(variables.spec.sources) > 0 ? variables.spec.sources : (has(variables.spec.source) ? [variables.spec.source] : []))',
      },
    ],
    validations: [
      {
        expression:
          'variables.spec == null || !has(variables.spec.source) || !has(variables.spec.sources) || size(variables.spec.sources) == 0',
        message: 'an Application must not set both source and sources (source is ignored)',
      },
      {
        expression: "variables.effective.all(s, !has(s.path) || s.path == '' || !has(s.chart) || s.chart == '')",
        message: 'a source must set path or chart, not both (path is ignored)',
      },
      {
        expression:
          "object.kind != 'Application' || variables.spec == null || has(variables.spec.source) || (has(variables.spec.sources) && size(variables.spec.sources) > 0) || has(variables.spec.sourceHydrator)",
        message: 'an Application must have a source',
      },
    ],
  },
  description:
    "An Application (or an ApplicationSet's template) has source fields that do not do what they say: both `spec.source` and `spec.sources` (Argo CD then ignores `spec.source` entirely, as its documentation says), a source with both `path` and `chart` (a source with a chart is read as a Helm chart repository and its `path` is ignored), or, for an Application, no source at all (Argo CD has nothing to render). Whoever reads the manifest, or reviews a change to the ignored field, sees something that is not deployed. Kyverno's application-field-validation asks for path or chart, never both.",
  remediation:
    'Keep one of `source` and `sources` (move the single source into `sources` when adding a second); for a Helm chart from a chart repository use `chart` and `targetRevision`, for a chart in git use `path`.',
  references: [ARGO_APP_SPEC, ARGO_MULTIPLE_SOURCES, kyverno('application-field-validation')],
  check(obj) {
    const app = appSpecOf(obj);
    if (!app) return undefined;
    const { spec, at } = app;
    const what = describeApp(obj, app);
    const hits: RuleHit[] = [];
    const many = Array.isArray(spec.sources) && spec.sources.length > 0;
    if (many && spec.source !== undefined && spec.source !== null)
      hits.push({
        path: join(at, 'source'),
        message: `${what} sets both source and sources: Argo CD deploys spec.sources and ignores spec.source`,
      });
    const effective = many
      ? (spec.sources as unknown[]).map((s, i) => ({ s, at: join(at, 'sources', i), label: `spec.sources[${i}]` }))
      : [{ s: spec.source, at: join(at, 'source'), label: 'spec.source' }];
    for (const { s, at: sat, label } of effective) {
      if (!isMap(s) || !filled(s.path) || !filled(s.chart)) continue;
      hits.push({
        path: join(sat, 'path'),
        message: `${what} ${label} sets both path "${String(s.path)}" and chart "${String(s.chart)}": Argo CD reads it as a Helm chart repository and ignores path`,
      });
    }
    if (
      app.kind === 'Application' &&
      !many &&
      (spec.source === undefined || spec.source === null) &&
      (spec.sourceHydrator === undefined || spec.sourceHydrator === null)
    )
      hits.push({
        path: at,
        message: `${what} has no source (source, sources or sourceHydrator): Argo CD has nothing to deploy`,
      });
    return hits;
  },
});
