import { join } from '../../model/pointer.js';
import { defineRule, type RuleHit } from '../rule.js';
import { isArgo, isMap } from './argo-app.js';
import { ARGO_DEFAULT_PROJECT, ARGO_PROJECTS, MITRE_T1195 } from './argo-refs.js';

/**
 * A pattern open to every owner of a host where anyone can create a
 * repository (GitHub, GitLab, Bitbucket, Codeberg, the GitHub and Docker Hub
 * registries): `https://github.com/*`, `git@github.com:*`, `ghcr.io/*`.
 */
const PUBLIC_HOST_WIDE = String.raw`^(?:[a-z][a-z0-9+.-]*://)?(?:[^@/]+@)?(github\.com|gitlab\.com|bitbucket\.org|codeberg\.org|ghcr\.io|docker\.io)(?::[0-9]+)?[/:][*]*(?:/[*]*)*$`;
const PUBLIC_HOST_WIDE_RE = new RegExp(PUBLIC_HOST_WIDE, 'i');
const ONLY_WILDCARDS = '^[*/]+$';
const cel = (re: string) => re.replace(/\\/g, '\\\\');

/** What a `sourceRepos` pattern admits, when it admits too much. */
export function openSourcePattern(pattern: string): { any: true } | { host: string } | undefined {
  if (new RegExp(ONLY_WILDCARDS).test(pattern)) return { any: true };
  const m = PUBLIC_HOST_WIDE_RE.exec(pattern);
  if (m?.[1] && pattern.includes('*')) return { host: m[1].toLowerCase() };
  return undefined;
}

export const rule = defineRule({
  id: 'argocd-project-source-repos-wildcard',
  title: 'AppProject admits any source repository',
  category: 'gitops',
  severity: 'high',
  appliesTo: ['AppProject'],
  needs: 'object',
  cel: {
    matchKinds: ['AppProject'],
    validations: [
      {
        expression: `!has(object.spec) || !has(object.spec.sourceRepos) || !object.spec.sourceRepos.exists(r, r.matches('${cel(ONLY_WILDCARDS)}') || (r.contains('*') && r.matches('(?i)${cel(PUBLIC_HOST_WIDE)}')))`,
        message:
          'an AppProject must not admit every source repository (sourceRepos: "*", or every owner of a public host)',
      },
    ],
  },
  description:
    "An AppProject's `spec.sourceRepos` holds `*` (or only wildcards), so its Applications may deploy from any repository Argo CD can reach, including ones the project's team does not control; or a pattern open to every owner of a public host (`https://github.com/*`), which admits anyone's repository there. A project is the boundary that keeps a team's Applications to the repositories it reviews; with a wildcard, whoever can create or edit an Application in the project chooses what gets deployed. Deny entries (`!…`) beside the wildcard still leave every other repository open, and are named in the message. This is the `default` project's configuration when Argo CD creates it.",
  remediation:
    'List the repositories the project may deploy from (`https://github.com/acme/payments-deploy.git`, or `https://github.com/acme/*` for an organisation you control). For the `default` project, remove its permissions as Argo CD documents and give each team its own project.',
  references: [ARGO_PROJECTS, ARGO_DEFAULT_PROJECT, MITRE_T1195],
  check(obj) {
    if (!isArgo(obj)) return undefined;
    const spec = obj.raw.spec;
    if (!isMap(spec) || !Array.isArray(spec.sourceRepos)) return undefined;
    const repos = spec.sourceRepos;
    const denied = repos.filter((r): r is string => typeof r === 'string' && r.startsWith('!')).map((r) => r.slice(1));
    const except = denied.length ? ` (except ${denied.map((d) => `"${d}"`).join(', ')})` : '';
    const hits: RuleHit[] = [];
    repos.forEach((r, i) => {
      if (typeof r !== 'string' || r.startsWith('!')) return;
      const open = openSourcePattern(r);
      if (!open) return;
      hits.push(
        'any' in open
          ? {
              path: join('/spec/sourceRepos', i),
              message: `AppProject "${obj.name}" admits every source repository ("${r}")${except}: its Applications may deploy from any repository Argo CD can reach`,
            }
          : {
              path: join('/spec/sourceRepos', i),
              severity: 'medium',
              message: `AppProject "${obj.name}" admits every repository on ${open.host} ("${r}")${except}, anyone's, not only your organisation's`,
            },
      );
    });
    return hits;
  },
});
