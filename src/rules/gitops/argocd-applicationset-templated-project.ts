import { defineRule, type RuleHit } from '../rule.js';
import { isArgo, isMap, isTemplated } from './argo-app.js';
import { ARGO_APPSET_SECURITY, ARGO_PROJECTS, kyverno } from './argo-refs.js';

/** Generators whose values come from what others push (repositories, pull requests, SCM organisations). */
const PUSHED = ['git', 'scmProvider', 'pullRequest'];

function generatorKinds(list: unknown, out = new Set<string>(), depth = 0): Set<string> {
  if (!Array.isArray(list) || depth > 3) return out;
  for (const g of list) {
    if (!isMap(g)) continue;
    for (const [k, v] of Object.entries(g)) {
      if (k === 'matrix' || k === 'merge') generatorKinds(isMap(v) ? v.generators : undefined, out, depth + 1);
      else if (k !== 'selector') out.add(k);
    }
  }
  return out;
}

export const rule = defineRule({
  id: 'argocd-applicationset-templated-project',
  title: "ApplicationSet's project comes from its generators",
  category: 'gitops',
  severity: 'high',
  appliesTo: ['ApplicationSet'],
  needs: 'object',
  cel: {
    matchKinds: ['ApplicationSet'],
    validations: [
      {
        expression:
          "!has(object.spec) || ((!has(object.spec.template) || !has(object.spec.template.spec) || !has(object.spec.template.spec.project) || !object.spec.template.spec.project.contains('{{')) && (!has(object.spec.templatePatch) || !object.spec.templatePatch.matches('(?m)^\\\\s*[\"\\']?project[\"\\']?\\\\s*:')))",
        message: "an ApplicationSet's template must name its project, not take it from a generator",
      },
    ],
  },
  description:
    "An ApplicationSet's `spec.template.spec.project` is templated (`{{...}}`), or its `templatePatch` sets `project`, so the AppProject of each generated Application comes from the generators' data: a git repository's files or directories, pull requests, an SCM organisation, a list, a cluster's labels. Argo CD's ApplicationSet security guide warns that whoever can write to that source of truth can then create Applications in a project with fewer restrictions (the `default` one, or an administrators' project) and take over Argo CD itself. With a git, SCM-provider or pull-request generator (values others push) it is high; with other generators medium. Kyverno's applicationset-name-matches-project pins the project to the ApplicationSet's name for the same reason.",
  remediation:
    'Write the project literally in the template (one ApplicationSet per project if need be); if it must vary, make sure only administrators can write to every source of the generators, and give the projects it can reach restrictive destinations and resource lists.',
  references: [ARGO_APPSET_SECURITY, ARGO_PROJECTS, kyverno('applicationset-name-matches-project')],
  check(obj) {
    if (!isArgo(obj)) return undefined;
    const spec = obj.raw.spec;
    if (!isMap(spec)) return undefined;
    const kinds = generatorKinds(spec.generators);
    const pushed = PUSHED.filter((k) => kinds.has(k));
    const severity = pushed.length ? ('high' as const) : ('medium' as const);
    const from = pushed.length ? `${pushed.join(', ')} generator data, which others can push` : `its generators' data`;
    const hits: RuleHit[] = [];
    const template = spec.template;
    const tspec = isMap(template) ? template.spec : undefined;
    const project = isMap(tspec) ? tspec.project : undefined;
    if (typeof project === 'string' && isTemplated(project))
      hits.push({
        path: '/spec/template/spec/project',
        severity,
        message: `ApplicationSet "${obj.name}" takes the project of its Applications ("${project}") from ${from}`,
      });
    if (typeof spec.templatePatch === 'string' && /^\s*["']?project["']?\s*:/m.test(spec.templatePatch))
      hits.push({
        path: '/spec/templatePatch',
        severity,
        message: `ApplicationSet "${obj.name}" sets the project of its Applications in templatePatch, from ${from}`,
      });
    return hits;
  },
});
