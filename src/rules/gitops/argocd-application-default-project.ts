import { defineRule } from '../rule.js';
import { appSpecOf, describeApp, projectOf } from './argo-app.js';
import { ARGO_DEFAULT_PROJECT, ARGO_PROJECTS, kyverno } from './argo-refs.js';

export const rule = defineRule({
  id: 'argocd-application-default-project',
  title: 'Application in the default project',
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
          "object.kind == 'ApplicationSet' ? (has(object.spec) && has(object.spec.template) && has(object.spec.template.spec) ? object.spec.template.spec : null) : (has(object.spec) ? object.spec : null)",
      },
    ],
    validations: [
      {
        expression:
          "variables.spec == null || (has(variables.spec.project) && variables.spec.project != '' && variables.spec.project != 'default')",
        message: 'Applications must name a project other than default',
      },
    ],
  },
  description:
    "An Application (or the template of an ApplicationSet) uses the `default` AppProject, by name or by leaving `spec.project` empty. Argo CD creates `default` permitting any source repository, any destination and every cluster-scoped kind; unless it has been locked down, an Application there is bounded by nothing, and whoever can edit it can deploy anything anywhere, Argo CD's own configuration included. Argo CD recommends dedicated projects; Kyverno's application-prevent-default-project enforces the same.",
  remediation:
    "Create an AppProject for the team or application (its source repositories, destinations and permitted kinds) and set `spec.project` to it; then remove the `default` project's permissions so that nothing can fall back to it.",
  references: [ARGO_DEFAULT_PROJECT, ARGO_PROJECTS, kyverno('application-prevent-default-project')],
  check(obj) {
    const app = appSpecOf(obj);
    if (!app) return undefined;
    const project = projectOf(app);
    if (project?.name !== 'default') return undefined;
    return [
      {
        path: `${app.at}/project`,
        message: project.written
          ? `${describeApp(obj, app)} uses the default project, which permits any source, destination and kind unless it has been locked down`
          : `${describeApp(obj, app)} names no project, so Argo CD puts it in the default project, which permits any source, destination and kind unless it has been locked down`,
      },
    ];
  },
});
