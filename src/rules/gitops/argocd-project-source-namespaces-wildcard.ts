import { join } from '../../model/pointer.js';
import { defineRule, type RuleHit } from '../rule.js';
import { isArgo, isMap } from './argo-app.js';
import { ARGO_APPS_ANY_NAMESPACE, ARGO_PROJECT_SPEC } from './argo-refs.js';

export const rule = defineRule({
  id: 'argocd-project-source-namespaces-wildcard',
  title: 'AppProject accepts Applications from any namespace',
  category: 'gitops',
  severity: 'medium',
  appliesTo: ['AppProject'],
  needs: 'object',
  cel: {
    matchKinds: ['AppProject'],
    validations: [
      {
        expression:
          "!has(object.spec) || !has(object.spec.sourceNamespaces) || !object.spec.sourceNamespaces.exists(n, n.matches('^[*]+$'))",
        message: 'an AppProject must name the namespaces its Applications may live in, not "*"',
      },
    ],
  },
  description:
    "An AppProject's `spec.sourceNamespaces` holds `*`: with Argo CD's Applications-in-any-namespace feature, an Application created in any namespace that Argo CD watches may use this project, so whoever can create Applications in any such namespace (a namespace admin, a tenant) gets the project's sources, destinations and permissions. Argo CD's documentation asks to name the namespaces each project accepts.",
  remediation: "List the namespaces the project's team owns (`team-a`, `team-a-*`) in `sourceNamespaces`.",
  references: [ARGO_APPS_ANY_NAMESPACE, ARGO_PROJECT_SPEC],
  check(obj) {
    if (!isArgo(obj)) return undefined;
    const spec = obj.raw.spec;
    if (!isMap(spec) || !Array.isArray(spec.sourceNamespaces)) return undefined;
    const hits: RuleHit[] = [];
    spec.sourceNamespaces.forEach((n, i) => {
      if (typeof n === 'string' && /^\*+$/.test(n))
        hits.push({
          path: join('/spec/sourceNamespaces', i),
          message: `AppProject "${obj.name}" accepts Applications from every namespace Argo CD watches ("${n}")`,
        });
    });
    return hits;
  },
});
