import { join } from '../../model/pointer.js';
import { defineRule, type RuleHit } from '../rule.js';
import { isArgo, isMap } from './argo-app.js';
import { ARGO_PROJECT_ROLES, ARGO_RBAC, MITRE_T1078 } from './argo-refs.js';

/** A Casbin policy line of a project role: `p, <subject>, <resource>, <action>, <object>, <effect>`. */
export function parsePolicy(
  line: string,
): { subject: string; resource: string; action: string; object: string; effect: string } | undefined {
  const parts = line.split(',').map((p) => p.trim());
  if (parts[0] !== 'p' || parts.length < 5) return undefined;
  const [, subject = '', resource = '', action = '', object = '', effect = 'allow'] = parts;
  return { subject, resource, action, object, effect: effect.toLowerCase() };
}

export const rule = defineRule({
  id: 'argocd-project-role-wildcard-policy',
  title: 'AppProject role grants every action or every resource',
  category: 'gitops',
  severity: 'medium',
  appliesTo: ['AppProject'],
  needs: 'object',
  description:
    "A policy of an AppProject role (`spec.roles[].policies`) allows action `*` or resource `*`, as in `p, proj:team:ci, applications, *, team/*, allow`. The role's groups and JWT tokens then hold every action: `delete`, `update` (change an Application's source, revision or parameters), `override` (sync local manifests that were never in git), `action/*` (run resource actions), and on `*` resources also `exec` (shells in pods), `logs`, and the project's repositories and clusters. CI tokens and broad OIDC groups are where such roles usually end up. Allowed policies on a wildcard action or resource are reported; `deny` policies are not.",
  remediation:
    'Grant the actions the role needs, one policy per action (`p, proj:team:ci, applications, sync, team/*, allow` and `get`), on the Applications it needs; give override, delete and exec only to the people who need them.',
  references: [ARGO_PROJECT_ROLES, ARGO_RBAC, MITRE_T1078],
  check(obj) {
    if (!isArgo(obj)) return undefined;
    const spec = obj.raw.spec;
    if (!isMap(spec) || !Array.isArray(spec.roles)) return undefined;
    const hits: RuleHit[] = [];
    spec.roles.forEach((role, r) => {
      if (!isMap(role) || !Array.isArray(role.policies)) return;
      const roleName = typeof role.name === 'string' ? role.name : String(r);
      role.policies.forEach((line, p) => {
        if (typeof line !== 'string') return;
        const pol = parsePolicy(line);
        if (pol?.effect !== 'allow') return;
        const anyAction = pol.action === '*';
        const anyResource = pol.resource === '*';
        if (!anyAction && !anyResource) return;
        const what =
          anyAction && anyResource
            ? 'every action on every resource'
            : anyAction
              ? `every action on ${pol.resource} (delete, update, override, action/* among them)`
              : `"${pol.action}" on every resource (exec and logs among them)`;
        hits.push({
          path: join('/spec/roles', r, 'policies', p),
          message: `AppProject "${obj.name}" role "${roleName}" grants ${what} for "${pol.object}"`,
        });
      });
    });
    return hits;
  },
});
