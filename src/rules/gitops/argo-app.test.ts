import { describe, expect, it } from 'vitest';
import { globMatches } from './argo-app.js';
import { parsePolicy } from './argocd-project-role-wildcard-policy.js';
import { openSourcePattern } from './argocd-project-source-repos-wildcard.js';
import { unpinnedReason } from './argocd-target-revision-not-pinned.js';

describe('AppProject group/kind patterns (Go filepath.Match, as Argo CD)', () => {
  it.each([
    ['*', '', true],
    ['*', 'apps', true],
    ['', '', true],
    ['', 'apps', false],
    ['rbac.authorization.k8s.io', 'rbac.authorization.k8s.io', true],
    ['*.k8s.io', 'rbac.authorization.k8s.io', true],
    ['*.k8s.io', '', false],
    ['Cluster*', 'ClusterRoleBinding', true],
    ['Cluster?ole', 'ClusterRole', true],
    ['[CR]ole', 'Role', true],
    ['[^C]ole', 'Role', true],
    ['[', 'x', false],
    ['Role', 'role', false],
  ])('%j matches %j: %s', (pattern, value, want) => {
    expect(globMatches(pattern, value)).toBe(want);
  });
});

describe('sourceRepos patterns that admit too much', () => {
  it.each([
    ['*', 'any'],
    ['**', 'any'],
    ['*/*', 'any'],
    ['https://github.com/*', 'github.com'],
    ['https://GitHub.com/**', 'github.com'],
    ['git@github.com:*', 'github.com'],
    ['https://gitlab.com/*/*', 'gitlab.com'],
    ['ghcr.io/*', 'ghcr.io'],
    ['https://github.com/acme/*', undefined],
    ['https://git.acme.example/*', undefined],
    ['https://github.com/acme/repo.git', undefined],
    ['https://github.com/', undefined],
  ])('%s', (pattern, want) => {
    const got = openSourcePattern(pattern);
    expect(got === undefined ? undefined : 'any' in got ? 'any' : got.host).toBe(want);
  });
});

describe('project role policy lines', () => {
  it('reads the six fields, blanks trimmed, allow by default', () => {
    expect(parsePolicy('p, proj:a:ci, applications, *, a/*, allow')).toEqual({
      subject: 'proj:a:ci',
      resource: 'applications',
      action: '*',
      object: 'a/*',
      effect: 'allow',
    });
    expect(parsePolicy('p,proj:a:ci,applications,get,a/*')?.effect).toBe('allow');
    expect(parsePolicy('p, proj:a:ci, applications, get, a/*, DENY')?.effect).toBe('deny');
    expect(parsePolicy('g, some-group, proj:a:ci')).toBeUndefined();
    expect(parsePolicy('p, x')).toBeUndefined();
  });
});

describe('revisions that do not pin', () => {
  it.each([
    ['git', undefined, true],
    ['git', '', true],
    ['git', 'HEAD', true],
    ['git', 'main', true],
    ['git', 'release/2.x', true],
    ['git', 'release-1.29', true],
    ['git', 'refs/heads/main', true],
    ['git', '>=1.2.0', true],
    ['git', '1.2.*', true],
    ['git', 'v1.2.3', false],
    ['git', '1.2.3', false],
    ['git', 'v1.2.3-rc.1', false],
    ['git', 'app-v1.2.3', false],
    ['git', 'refs/tags/stable', false],
    ['git', '3f2c1a9', false],
    ['git', '3f2c1a9e8b7d6c5f4e3d2c1b0a9f8e7d6c5b4a39', false],
    ['helm', undefined, true],
    ['helm', '*', true],
    ['helm', '>=18.0.0', true],
    ['helm', '^1.2.0', true],
    ['helm', '~1.2', true],
    ['helm', '1.x', true],
    ['helm', '18.6.1', false],
    ['helm', '1.2.3-beta.1', false],
    ['oci', '', true],
    ['oci', 'latest', true],
    ['oci', '1.4.2', false],
    ['oci', 'sha256:2d1e9b5b8a4f6c7d8e9f0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f', false],
  ] as const)('%s %j: %s', (kind, rev, unpinned) => {
    expect(unpinnedReason(rev, kind) !== undefined).toBe(unpinned);
  });
});
