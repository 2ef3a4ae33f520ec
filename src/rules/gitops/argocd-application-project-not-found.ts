import { defineRule } from '../rule.js';
import { appSpecOf, describeApp, isArgo, isTemplated, projectOf } from './argo-app.js';
import { ARGO_PROJECTS } from './argo-refs.js';

export const rule = defineRule({
  id: 'argocd-application-project-not-found',
  title: "Application's AppProject is not defined",
  category: 'gitops',
  severity: 'medium',
  appliesTo: ['Application', 'ApplicationSet'],
  needs: 'scope',
  description:
    "An Application (or an ApplicationSet's template) names an AppProject that the scope does not define, while the scope does define AppProjects (so this is where they are kept). Argo CD refuses to sync an Application whose project does not exist (`InvalidSpecError: Application referencing project … which does not exist`); a typo in the project name, or a project renamed in one file and not the other, stops deployment. The `default` project always exists (Argo CD creates it) and is never reported; templated project names are not judged. Scopes without any AppProject are not judged: the projects are then managed elsewhere.",
  remediation:
    'Correct `spec.project` to the name of an AppProject defined beside it, or add that AppProject (in the same repository, so both are reviewed together).',
  references: [ARGO_PROJECTS],
  check(obj, ctx) {
    const app = appSpecOf(obj);
    if (!app) return undefined;
    const project = projectOf(app);
    if (!project || project.name === 'default' || isTemplated(project.name)) return undefined;
    const projects = ctx.scope.ofKind('AppProject').filter(isArgo);
    if (projects.length === 0 || projects.some((p) => p.name === project.name)) return undefined;
    const known = [...new Set(projects.map((p) => p.name))].sort();
    return [
      {
        path: `${app.at}/project`,
        message: `${describeApp(obj, app)} uses project "${project.name}", which no AppProject here defines (${known
          .slice(0, 5)
          .map((n) => `"${n}"`)
          .join(', ')}${known.length > 5 ? ', …' : ''} are): Argo CD will not sync it`,
      },
    ];
  },
});
