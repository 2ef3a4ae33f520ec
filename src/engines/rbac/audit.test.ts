import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { corpus } from '../../../test/helpers/corpora.js';
import { toKubeObject } from '../../model/kube-object.js';
import { generateFromAudit, parseAuditLog } from './audit.js';
import { RbacPolicy } from './policy.js';
import { parseRequest } from './request.js';
import { parseSubject, userInfoOf } from './subject.js';

const { path: DEMO, present } = corpus('audit/audit2rbac/testdata/demo.log');

const DISCOVERY = [
  '/api',
  '/api/v1',
  '/apis',
  '/apis/admissionregistration.k8s.io/v1alpha1',
  '/apis/apiextensions.k8s.io/v1beta1',
  '/apis/apiregistration.k8s.io/v1beta1',
  '/apis/apps/v1beta1',
  '/apis/apps/v1beta2',
  '/apis/authentication.k8s.io/v1',
  '/apis/authentication.k8s.io/v1beta1',
  '/apis/authorization.k8s.io/v1',
  '/apis/authorization.k8s.io/v1beta1',
  '/apis/autoscaling/v1',
  '/apis/batch/v1',
  '/apis/batch/v1beta1',
  '/apis/certificates.k8s.io/v1beta1',
  '/apis/extensions/v1beta1',
  '/apis/networking.k8s.io/v1',
  '/apis/policy/v1beta1',
  '/apis/rbac.authorization.k8s.io/v1',
  '/apis/rbac.authorization.k8s.io/v1beta1',
  '/apis/storage.k8s.io/v1',
  '/apis/storage.k8s.io/v1beta1',
];

describe.skipIf(!present)(`RBAC from the audit2rbac demo log (${DEMO})`, () => {
  const parsed = parseAuditLog(present ? readFileSync(DEMO, 'utf8') : '');

  it('reads every event and attributes impersonated requests to the impersonated user', () => {
    expect(parsed.problems).toEqual([]);
    expect(parsed.requests).toHaveLength(37);
    const users = new Set(parsed.requests.map((r) => r.user));
    expect([...users].sort()).toEqual(['alice', 'bob', 'system:serviceaccount:ns1:sa1']);
  });

  // Expected rules written from reading demo.log: every attempted request counts (as audit2rbac does).
  it('bob: pods list in default and ns1 (Roles), nodes list and discovery URLs (ClusterRole)', () => {
    const out = generateFromAudit(parsed.requests, { user: 'bob' });
    expect(out.map((o) => `${o.kind} ${(o.metadata as { namespace?: string }).namespace ?? ''}`)).toEqual([
      'ClusterRole ',
      'ClusterRoleBinding ',
      'Role default',
      'RoleBinding default',
      'Role ns1',
      'RoleBinding ns1',
    ]);
    expect(out[0]?.rules).toEqual([
      { apiGroups: [''], resources: ['nodes'], verbs: ['list'] },
      { nonResourceURLs: DISCOVERY, verbs: ['get'] },
    ]);
    expect(out[1]?.subjects).toEqual([{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'bob' }]);
    expect(out[2]?.rules).toEqual([{ apiGroups: [''], resources: ['pods'], verbs: ['list'] }]);
    expect(out[4]?.rules).toEqual([{ apiGroups: [''], resources: ['pods'], verbs: ['list'] }]);
  });

  it('bob, only allowed requests: pods list in default and the discovery URLs', () => {
    const out = generateFromAudit(parsed.requests, { user: 'bob', onlyAllowed: true });
    expect(out.map((o) => o.kind)).toEqual(['ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding']);
    expect(out[0]?.rules).toEqual([{ nonResourceURLs: DISCOVERY, verbs: ['get'] }]);
    expect(out[2]?.metadata).toMatchObject({ namespace: 'default' });
  });

  it('ns1:sa1: pods list across all namespaces makes the namespaced one redundant; nodes list', () => {
    const out = generateFromAudit(parsed.requests, { user: 'system:serviceaccount:ns1:sa1' });
    expect(out.map((o) => o.kind)).toEqual(['ClusterRole', 'ClusterRoleBinding']);
    expect(out[0]?.rules).toEqual([{ apiGroups: [''], resources: ['nodes', 'pods'], verbs: ['list'] }]);
    expect(out[1]?.subjects).toEqual([{ kind: 'ServiceAccount', name: 'sa1', namespace: 'ns1' }]);
  });

  it('alice: list pods, configmaps and secrets in ns1', () => {
    const out = generateFromAudit(parsed.requests, { user: 'alice' });
    expect(out.map((o) => o.kind)).toEqual(['Role', 'RoleBinding']);
    expect(out[0]?.rules).toEqual([{ apiGroups: [''], resources: ['configmaps', 'pods', 'secrets'], verbs: ['list'] }]);
  });

  it('the generated policy allows every logged request of its user and nothing the log did not use', () => {
    const out = generateFromAudit(parsed.requests);
    const objects = out.map((o) => toKubeObject(o, undefined, 'gen')).filter((o) => o !== undefined);
    const p = new RbacPolicy(objects);
    for (const r of parsed.requests) {
      if (r.groups.includes('system:masters')) continue;
      const user = userInfoOf(parseSubject(r.user.startsWith('system:serviceaccount:') ? r.user : `User:${r.user}`));
      const t = r.target;
      const req =
        t.type === 'nonResource'
          ? parseRequest(r.verb, t.path, {})
          : {
              type: 'resource' as const,
              verb: r.verb,
              apiGroup: t.apiGroup,
              resource: t.resource,
              subresource: t.subresource,
              name: t.name,
              namespace: t.namespace,
            };
      expect(p.authorize(user, req).allowed, `${r.user} ${r.verb} ${JSON.stringify(t)}`).toBe(true);
    }
    const alice = userInfoOf(parseSubject('User:alice'));
    expect(p.authorize(alice, parseRequest('get', 'secrets', { namespace: 'ns1', name: 'x' })).allowed).toBe(false);
    expect(p.authorize(alice, parseRequest('list', 'secrets', { namespace: 'default' })).allowed).toBe(false);
  });
});

describe('audit generation details', () => {
  const ev = (verb: string, ref: Record<string, string>, user = 'u') =>
    JSON.stringify({
      kind: 'Event',
      apiVersion: 'audit.k8s.io/v1',
      auditID: `${verb}${JSON.stringify(ref)}`,
      stage: 'ResponseComplete',
      verb,
      user: { username: user },
      objectRef: ref,
      requestURI: '/x',
    });

  it('restricts named verbs to resourceNames only with the flag, never for create or list', () => {
    const log = [
      ev('get', { resource: 'configmaps', namespace: 'a', name: 'cfg' }),
      ev('update', { resource: 'configmaps', namespace: 'a', name: 'cfg' }),
      ev('list', { resource: 'configmaps', namespace: 'a' }),
      ev('create', { resource: 'configmaps', namespace: 'a', name: 'new' }),
      ev('patch', { resource: 'deployments', apiGroup: 'apps', subresource: 'scale', namespace: 'a', name: 'web' }),
      'garbage',
    ].join('\n');
    const parsed = parseAuditLog(log);
    expect(parsed.problems).toEqual([{ line: 6, message: expect.stringContaining('not JSON') }]);
    expect(generateFromAudit(parsed.requests)[0]?.rules).toEqual([
      { apiGroups: [''], resources: ['configmaps'], verbs: ['create', 'get', 'list', 'update'] },
      { apiGroups: ['apps'], resources: ['deployments/scale'], verbs: ['patch'] },
    ]);
    expect(generateFromAudit(parsed.requests, { resourceNames: true })[0]?.rules).toEqual([
      { apiGroups: [''], resources: ['configmaps'], resourceNames: ['cfg'], verbs: ['get', 'update'] },
      { apiGroups: [''], resources: ['configmaps'], verbs: ['create', 'list'] },
      { apiGroups: ['apps'], resources: ['deployments/scale'], resourceNames: ['web'], verbs: ['patch'] },
    ]);
  });
});
