import { join } from '../../model/pointer.js';
import { defineRule, type RuleHit } from '../rule.js';
import { appSpecOf, describeApp, isMap, sourcesOf } from './argo-app.js';
import { ARGO_HELM, ARGO_PRIVATE_REPOS, MITRE_T1552 } from './argo-refs.js';

export const rule = defineRule({
  id: 'argocd-helm-pass-credentials',
  title: 'Helm source passes repository credentials to every domain',
  category: 'gitops',
  severity: 'medium',
  appliesTo: ['Application', 'ApplicationSet'],
  needs: 'object',
  cel: {
    matchKinds: ['Application', 'ApplicationSet'],
    variables: [
      {
        name: 'spec',
        expression:
          "(object.kind == 'ApplicationSet' ? (has(object.spec) && has(object.spec.template) && has(object.spec.template.spec) ? object.spec.template.spec : null) : (has(object.spec) ? object.spec : null))",
      },
      {
        name: 'effective',
        expression:
          'variables.spec == null ? [] : (has(variables.spec.sources) && size(variables.spec.sources) > 0 ? variables.spec.sources : (has(variables.spec.source) ? [variables.spec.source] : []))',
      },
    ],
    validations: [
      {
        expression:
          'variables.effective.all(s, !has(s.helm) || !has(s.helm.passCredentials) || s.helm.passCredentials != true)',
        message: 'Helm sources must not pass repository credentials to every domain (passCredentials: true)',
      },
    ],
  },
  description:
    "A Helm source of an Application (or an ApplicationSet's template) sets `helm.passCredentials: true`, Helm's `--pass-credentials`: the chart repository's username and password are sent to whatever host the repository's index points the chart download at, not only to the repository itself. A compromised or misconfigured index (or a chart hosted on a CDN or another registry) then receives the credentials.",
  remediation:
    'Remove `passCredentials`; host the charts where the repository is, or configure credentials for the download host in Argo CD separately.',
  references: [ARGO_HELM, ARGO_PRIVATE_REPOS, MITRE_T1552],
  check(obj) {
    const app = appSpecOf(obj);
    if (!app) return undefined;
    const hits: RuleHit[] = [];
    for (const { source, at, label } of sourcesOf(app)) {
      const helm = source.helm;
      if (isMap(helm) && helm.passCredentials === true)
        hits.push({
          path: join(at, 'helm', 'passCredentials'),
          message: `${describeApp(obj, app)} ${label} passes the Helm repository's credentials to every domain its index points at${
            typeof source.repoURL === 'string' ? ` ("${source.repoURL}")` : ''
          }`,
        });
    }
    return hits;
  },
});
