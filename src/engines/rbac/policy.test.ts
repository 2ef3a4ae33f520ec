import { describe, expect, it } from 'vitest';
import { RbacPolicy } from './policy.js';
import { parseRequest } from './request.js';
import { formatSubject, parseSubject, userInfoOf } from './subject.js';
import { objectsFromYaml } from './test-helpers.js';
import type { AccessRequest, Subject } from './types.js';

function policy(yaml: string, bootstrap: 'none' | 'roles' | 'all' = 'none'): RbacPolicy {
  return new RbacPolicy(objectsFromYaml(yaml), { bootstrap });
}

function can(
  p: RbacPolicy,
  subject: string,
  verb: string,
  resource: string,
  opts: { namespace?: string; name?: string; subresource?: string } = {},
): boolean {
  return p.authorize(userInfoOf(parseSubject(subject)), parseRequest(verb, resource, opts, p)).allowed;
}

const ROLE_AND_BINDING = `
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: { name: pod-reader, namespace: prod }
rules:
- apiGroups: [""]
  resources: [pods]
  verbs: [get, list]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: read-pods, namespace: prod }
subjects:
- kind: User
  name: alice
  apiGroup: rbac.authorization.k8s.io
roleRef: { kind: Role, name: pod-reader, apiGroup: rbac.authorization.k8s.io }
`;

describe('subjects', () => {
  it('parses the three kinds and the service account username form', () => {
    expect(parseSubject('User:alice')).toEqual({ kind: 'User', name: 'alice' });
    expect(parseSubject('Group:devs')).toEqual({ kind: 'Group', name: 'devs' });
    expect(parseSubject('ServiceAccount:ns1:sa1')).toEqual({ kind: 'ServiceAccount', namespace: 'ns1', name: 'sa1' });
    expect(parseSubject('system:serviceaccount:ns1:sa1')).toEqual({
      kind: 'ServiceAccount',
      namespace: 'ns1',
      name: 'sa1',
    });
    expect(formatSubject(parseSubject('User:system:kube-proxy'))).toBe('User:system:kube-proxy');
  });
  it('rejects other forms with a USAGE error', () => {
    for (const bad of ['alice', 'Robot:x', 'ServiceAccount:onlyname', 'User:']) {
      expect(() => parseSubject(bad)).toThrow(expect.objectContaining({ code: 'USAGE' }));
    }
  });
  it('gives service accounts their implicit groups', () => {
    expect(userInfoOf(parseSubject('ServiceAccount:ns1:sa1'))).toEqual({
      name: 'system:serviceaccount:ns1:sa1',
      groups: ['system:serviceaccounts', 'system:serviceaccounts:ns1', 'system:authenticated'],
    });
    expect(userInfoOf(parseSubject('User:bob')).groups).toEqual(['system:authenticated']);
    expect(userInfoOf(parseSubject('User:system:anonymous')).groups).toEqual(['system:unauthenticated']);
  });
});

describe('rule matching', () => {
  it('a Role in a namespace grants only its verbs and resources there', () => {
    const p = policy(ROLE_AND_BINDING);
    expect(can(p, 'User:alice', 'get', 'pods', { namespace: 'prod' })).toBe(true);
    expect(can(p, 'User:alice', 'list', 'pods', { namespace: 'prod' })).toBe(true);
    expect(can(p, 'User:alice', 'delete', 'pods', { namespace: 'prod' })).toBe(false);
    expect(can(p, 'User:alice', 'get', 'pods', { namespace: 'dev' })).toBe(false);
    expect(can(p, 'User:alice', 'list', 'pods')).toBe(false); // across all namespaces
    expect(can(p, 'User:alice', 'get', 'secrets', { namespace: 'prod' })).toBe(false);
    expect(can(p, 'User:bob', 'get', 'pods', { namespace: 'prod' })).toBe(false);
  });

  it('matches subresources exactly, and */subresource for any resource', () => {
    const p = policy(`
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: r }
rules:
- { apiGroups: [""], resources: [pods], verbs: [get] }
- { apiGroups: [""], resources: ["pods/log"], verbs: [get] }
- { apiGroups: ["apps"], resources: ["*/scale"], verbs: [update] }
- { apiGroups: [""], resources: ["services/*"], verbs: [get] }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: r }
subjects: [{ kind: User, name: u }]
roleRef: { kind: ClusterRole, name: r }
`);
    expect(can(p, 'User:u', 'get', 'pods/log', { namespace: 'a' })).toBe(true);
    expect(can(p, 'User:u', 'get', 'pods', { namespace: 'a', subresource: 'log' })).toBe(true);
    expect(can(p, 'User:u', 'get', 'pods/exec', { namespace: 'a' })).toBe(false);
    expect(can(p, 'User:u', 'update', 'deployments/scale', { namespace: 'a' })).toBe(true);
    expect(can(p, 'User:u', 'update', 'statefulsets/scale', { namespace: 'a' })).toBe(true);
    expect(can(p, 'User:u', 'update', 'deployments', { namespace: 'a' })).toBe(false);
    // `services/*` is not a pattern in RBAC
    expect(can(p, 'User:u', 'get', 'services/proxy', { namespace: 'a' })).toBe(false);
  });

  it('treats * in apiGroups, resources and verbs as wildcards, including subresources', () => {
    const p = policy(`
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: { name: all, namespace: a }
rules: [{ apiGroups: ["*"], resources: ["*"], verbs: ["*"] }]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: all, namespace: a }
subjects: [{ kind: Group, name: admins }]
roleRef: { kind: Role, name: all }
`);
    expect(can(p, 'Group:admins', 'delete', 'deployments.apps', { namespace: 'a' })).toBe(true);
    expect(can(p, 'Group:admins', 'create', 'pods/exec', { namespace: 'a' })).toBe(true);
    expect(can(p, 'Group:admins', 'escalate', 'widgets.example.com', { namespace: 'a' })).toBe(true);
    // a RoleBinding never grants cluster-scoped resources
    expect(can(p, 'Group:admins', 'get', 'nodes')).toBe(false);
    expect(can(p, 'Group:admins', 'get', 'pods', { namespace: 'b' })).toBe(false);
  });

  it('restricts by resourceNames, which never match a request without a name', () => {
    const p = policy(`
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: { name: cm, namespace: a }
rules: [{ apiGroups: [""], resources: [configmaps], resourceNames: [app-config], verbs: [get, update, list] }]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: cm, namespace: a }
subjects: [{ kind: User, name: u }]
roleRef: { kind: Role, name: cm }
`);
    expect(can(p, 'User:u', 'get', 'configmaps', { namespace: 'a', name: 'app-config' })).toBe(true);
    expect(can(p, 'User:u', 'get', 'configmaps', { namespace: 'a', name: 'other' })).toBe(false);
    expect(can(p, 'User:u', 'list', 'configmaps', { namespace: 'a' })).toBe(false);
  });

  it('matches nonResourceURLs exactly or by trailing-* prefix, only through ClusterRoleBindings', () => {
    const p = policy(`
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: health }
rules: [{ nonResourceURLs: ["/healthz", "/metrics/*", "/debug/**"], verbs: [get] }]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: health }
subjects: [{ kind: User, name: u }]
roleRef: { kind: ClusterRole, name: health }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: health, namespace: a }
subjects: [{ kind: User, name: v }]
roleRef: { kind: ClusterRole, name: health }
`);
    expect(can(p, 'User:u', 'get', '/healthz')).toBe(true);
    expect(can(p, 'User:u', 'get', '/healthz/etcd')).toBe(false);
    expect(can(p, 'User:u', 'get', '/metrics/slis')).toBe(true);
    // every trailing * is trimmed (Go's strings.TrimRight), not just one
    expect(can(p, 'User:u', 'get', '/debug/pprof')).toBe(true);
    expect(can(p, 'User:u', 'get', '/debugz')).toBe(false);
    expect(can(p, 'User:u', 'post', '/healthz')).toBe(false);
    expect(can(p, 'User:v', 'get', '/healthz')).toBe(false);
  });
});

describe('bindings', () => {
  it('a RoleBinding to a ClusterRole grants its rules only in the binding namespace', () => {
    const p = policy(`
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: secret-reader }
rules: [{ apiGroups: [""], resources: [secrets], verbs: [get] }]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: read-secrets, namespace: development }
subjects: [{ kind: User, name: dave }]
roleRef: { kind: ClusterRole, name: secret-reader }
`);
    expect(can(p, 'User:dave', 'get', 'secrets', { namespace: 'development' })).toBe(true);
    expect(can(p, 'User:dave', 'get', 'secrets', { namespace: 'prod' })).toBe(false);
    expect(can(p, 'User:dave', 'get', 'secrets')).toBe(false);
  });

  it('binds service accounts by name (namespace defaulting to the RoleBinding) and through implicit groups', () => {
    const p = policy(`
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: viewer }
rules: [{ apiGroups: [""], resources: [configmaps], verbs: [get] }]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: sa-no-ns, namespace: a }
subjects: [{ kind: ServiceAccount, name: app }]
roleRef: { kind: ClusterRole, name: viewer }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: all-sa-in-b, namespace: b }
subjects: [{ kind: Group, name: "system:serviceaccounts:b" }]
roleRef: { kind: ClusterRole, name: viewer }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: all-sa, namespace: c }
subjects: [{ kind: Group, name: "system:serviceaccounts" }]
roleRef: { kind: ClusterRole, name: viewer }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: authenticated, namespace: d }
subjects: [{ kind: Group, name: "system:authenticated" }]
roleRef: { kind: ClusterRole, name: viewer }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: as-user, namespace: e }
subjects: [{ kind: User, name: "system:serviceaccount:x:robot" }]
roleRef: { kind: ClusterRole, name: viewer }
`);
    expect(can(p, 'ServiceAccount:a:app', 'get', 'configmaps', { namespace: 'a' })).toBe(true);
    expect(can(p, 'ServiceAccount:z:app', 'get', 'configmaps', { namespace: 'a' })).toBe(false);
    expect(can(p, 'ServiceAccount:b:anything', 'get', 'configmaps', { namespace: 'b' })).toBe(true);
    expect(can(p, 'ServiceAccount:c:anything', 'get', 'configmaps', { namespace: 'b' })).toBe(false);
    expect(can(p, 'ServiceAccount:q:anything', 'get', 'configmaps', { namespace: 'c' })).toBe(true);
    expect(can(p, 'User:nobody', 'get', 'configmaps', { namespace: 'c' })).toBe(false);
    expect(can(p, 'User:nobody', 'get', 'configmaps', { namespace: 'd' })).toBe(true);
    expect(can(p, 'ServiceAccount:q:x', 'get', 'configmaps', { namespace: 'd' })).toBe(true);
    expect(can(p, 'User:system:anonymous', 'get', 'configmaps', { namespace: 'd' })).toBe(false);
    expect(can(p, 'ServiceAccount:x:robot', 'get', 'configmaps', { namespace: 'e' })).toBe(true);
  });

  it('a RoleBinding cannot reach a Role in another namespace; missing roles and subjects are problems', () => {
    const p = policy(`
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: { name: r, namespace: a }
rules: [{ apiGroups: [""], resources: [pods], verbs: [get] }]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: b, namespace: b }
subjects: [{ kind: User, name: u }]
roleRef: { kind: Role, name: r }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: ghost }
subjects: [{ kind: ServiceAccount, name: gone, namespace: a }]
roleRef: { kind: ClusterRole, name: does-not-exist }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: to-view, namespace: a }
subjects: [{ kind: ServiceAccount, name: present }]
roleRef: { kind: ClusterRole, name: view }
---
apiVersion: v1
kind: ServiceAccount
metadata: { name: present, namespace: a }
`);
    expect(can(p, 'User:u', 'get', 'pods', { namespace: 'b' })).toBe(false);
    expect(can(p, 'User:u', 'get', 'pods', { namespace: 'a' })).toBe(false);
    const problems = p.problems.map((x) => `${x.type} ${x.type === 'invalid' ? x.object.name : x.binding.name}`);
    expect(problems.sort()).toEqual(['missing-role b', 'missing-role ghost', 'missing-subject ghost']);
    // `view` is a default role: not missing, but unresolved without the bootstrap policy
    expect(p.unresolvedDefaultRoles().map((b) => b.name)).toEqual(['to-view']);
  });

  it('knows the default kube-system Roles, which resolve with the bootstrap roles', () => {
    const yaml = `
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: auth-reader, namespace: kube-system }
subjects: [{ kind: User, name: adapter }]
roleRef: { kind: Role, name: extension-apiserver-authentication-reader }
`;
    const none = policy(yaml);
    expect(none.problems).toEqual([]);
    expect(none.unresolvedDefaultRoles().map((b) => b.name)).toEqual(['auth-reader']);
    const roles = policy(yaml, 'roles');
    const req = { namespace: 'kube-system', name: 'extension-apiserver-authentication' };
    expect(can(roles, 'User:adapter', 'get', 'configmaps', req)).toBe(true);
    expect(can(roles, 'User:adapter', 'get', 'configmaps', { ...req, name: 'other' })).toBe(false);
  });

  it('reports a ClusterRoleBinding to a Role and a namespace-less ServiceAccount subject as invalid', () => {
    const p = policy(`
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: bad }
subjects: [{ kind: ServiceAccount, name: x }]
roleRef: { kind: ClusterRole, name: view }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: bad2 }
subjects: [{ kind: User, name: x }]
roleRef: { kind: Role, name: r }
`);
    expect(p.problems.map((x) => (x.type === 'invalid' ? x.path : x.type))).toEqual(['/subjects/0', '/roleRef/kind']);
  });
});

describe('aggregated ClusterRoles', () => {
  it('take the union of the rules of the ClusterRoles their selectors match, transitively', () => {
    const p = policy(`
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: monitoring }
aggregationRule:
  clusterRoleSelectors:
  - matchLabels: { rbac.example.com/aggregate-to-monitoring: "true" }
rules: [{ apiGroups: [""], resources: [secrets], verbs: [get] }]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: monitoring-endpoints
  labels: { rbac.example.com/aggregate-to-monitoring: "true" }
rules: [{ apiGroups: [""], resources: [services, endpoints, pods], verbs: [get, list, watch] }]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: nested
  labels: { rbac.example.com/aggregate-to-monitoring: "true" }
aggregationRule:
  clusterRoleSelectors:
  - matchExpressions: [{ key: tier, operator: In, values: [deep] }]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: deep, labels: { tier: deep } }
rules: [{ apiGroups: [apps], resources: [deployments], verbs: [get] }]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: mon }
subjects: [{ kind: Group, name: sre }]
roleRef: { kind: ClusterRole, name: monitoring }
`);
    expect(can(p, 'Group:sre', 'list', 'endpoints', { namespace: 'x' })).toBe(true);
    expect(can(p, 'Group:sre', 'get', 'deployments', { namespace: 'x' })).toBe(true);
    // the controller overwrites the rules written on an aggregated role
    expect(can(p, 'Group:sre', 'get', 'secrets', { namespace: 'x' })).toBe(false);
    expect(p.clusterRole('monitoring')?.aggregatedFrom.sort()).toEqual(['monitoring-endpoints', 'nested']);
  });

  it('keep the rules they were written with when their selectors gather no rules, as the controller does', () => {
    const p = policy(`
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: lonely }
aggregationRule:
  clusterRoleSelectors:
  - matchLabels: { rbac.example.com/aggregate-to-lonely: "true" }
rules: [{ apiGroups: [""], resources: [configmaps], verbs: [get] }]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: empty-leaf, labels: { rbac.example.com/aggregate-to-lonely: "true" } }
rules: []
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: lonely }
subjects: [{ kind: Group, name: sre }]
roleRef: { kind: ClusterRole, name: lonely }
`);
    expect(can(p, 'Group:sre', 'get', 'configmaps', { namespace: 'x' })).toBe(true);
    expect(can(p, 'Group:sre', 'list', 'configmaps', { namespace: 'x' })).toBe(false);
    expect(p.clusterRole('lonely')?.aggregatedFrom).toEqual(['empty-leaf']);
  });

  it('resolves the default admin/edit/view aggregation when the bootstrap roles are added', () => {
    const yaml = `
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: devs-edit, namespace: team }
subjects: [{ kind: Group, name: devs }]
roleRef: { kind: ClusterRole, name: edit }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: widgets-view
  labels: { rbac.authorization.k8s.io/aggregate-to-view: "true" }
rules: [{ apiGroups: [example.com], resources: [widgets], verbs: [get] }]
`;
    const none = policy(yaml);
    expect(can(none, 'Group:devs', 'get', 'pods', { namespace: 'team' })).toBe(false);
    const p = policy(yaml, 'roles');
    expect(can(p, 'Group:devs', 'create', 'deployments', { namespace: 'team' })).toBe(true);
    expect(can(p, 'Group:devs', 'get', 'secrets', { namespace: 'team' })).toBe(true);
    expect(can(p, 'Group:devs', 'get', 'pods/log', { namespace: 'team' })).toBe(true);
    expect(can(p, 'Group:devs', 'create', 'roles', { namespace: 'team' })).toBe(false); // admin only
    expect(can(p, 'Group:devs', 'get', 'widgets.example.com', { namespace: 'team' })).toBe(true); // view ⊂ edit
    expect(can(p, 'Group:devs', 'get', 'pods', { namespace: 'other' })).toBe(false);
  });
});

describe('bootstrap bindings and superusers', () => {
  it('system:masters is allowed everything; bootstrap bindings give discovery to authenticated users', () => {
    const none = policy('');
    expect(can(none, 'Group:system:masters', 'delete', 'nodes')).toBe(true);
    expect(can(none, 'User:alice', 'get', '/api')).toBe(false);
    const all = policy('', 'all');
    expect(can(all, 'User:alice', 'get', '/apis/apps/v1')).toBe(true);
    expect(can(all, 'User:alice', 'create', 'selfsubjectaccessreviews')).toBe(true);
    expect(can(all, 'User:alice', 'get', 'pods', { namespace: 'a' })).toBe(false);
    expect(can(all, 'ServiceAccount:kube-system:replicaset-controller', 'create', 'pods', { namespace: 'a' })).toBe(
      true,
    );
    expect(can(all, 'User:system:anonymous', 'get', '/healthz')).toBe(true);
    expect(can(all, 'User:system:anonymous', 'get', '/api')).toBe(false);
  });
});

// The API server reconciles its bootstrap roles and bindings at every start
// (pkg/registry/rbac/rest/storage_rbac.go, component-helpers auth/rbac/reconciliation):
// unless annotated rbac.authorization.kubernetes.io/autoupdate: "false", a role
// gets back the permissions it lacks (file rules ∪ default rules) and a binding the
// subjects it lacks; a binding whose roleRef differs is recreated as the default.
// test/integration/rbac-bootstrap-reconcile.test.ts checks this on a real API server.
describe('bootstrap objects redefined in files', () => {
  const reducedAdmin = (annotation: string) => `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: cluster-admin
  ${annotation}
rules: [{ apiGroups: [""], resources: [pods], verbs: [get] }, { apiGroups: [""], resources: [things], verbs: [get] }]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: ops-admin }
subjects: [{ kind: Group, name: ops }]
roleRef: { kind: ClusterRole, name: cluster-admin }
`;

  it('a bootstrap ClusterRole without autoupdate "false" keeps its file rules and gets the default ones back', () => {
    for (const annotation of ['', 'annotations: { rbac.authorization.kubernetes.io/autoupdate: "true" }']) {
      const p = policy(reducedAdmin(annotation), 'roles');
      expect(can(p, 'Group:ops', 'delete', 'secrets', { namespace: 'x' }), annotation).toBe(true);
      expect(can(p, 'Group:ops', 'get', 'things', { namespace: 'x' }), annotation).toBe(true);
      expect(p.roles.filter((r) => r.kind === 'ClusterRole' && r.name === 'cluster-admin')).toHaveLength(1);
    }
  });

  it('with autoupdate "false" the file\'s version is the role', () => {
    const p = policy(reducedAdmin('annotations: { rbac.authorization.kubernetes.io/autoupdate: "false" }'), 'roles');
    expect(can(p, 'Group:ops', 'get', 'pods', { namespace: 'x' })).toBe(true);
    expect(can(p, 'Group:ops', 'delete', 'secrets', { namespace: 'x' })).toBe(false);
  });

  it('without the bootstrap policy the file is all there is', () => {
    const p = policy(reducedAdmin(''));
    expect(can(p, 'Group:ops', 'delete', 'secrets', { namespace: 'x' })).toBe(false);
  });

  it('a bootstrap namespaced Role is reconciled the same way', () => {
    const yaml = (annotation: string) => `
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata:
  name: extension-apiserver-authentication-reader
  namespace: kube-system
  ${annotation}
rules: [{ apiGroups: [""], resources: [configmaps], verbs: [list] }]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: auth-reader, namespace: kube-system }
subjects: [{ kind: User, name: adapter }]
roleRef: { kind: Role, name: extension-apiserver-authentication-reader }
`;
    const req = { namespace: 'kube-system', name: 'extension-apiserver-authentication' };
    const union = policy(yaml(''), 'roles');
    expect(can(union, 'User:adapter', 'get', 'configmaps', req)).toBe(true);
    expect(can(union, 'User:adapter', 'list', 'configmaps', { namespace: 'kube-system' })).toBe(true);
    const own = policy(yaml('annotations: { rbac.authorization.kubernetes.io/autoupdate: "false" }'), 'roles');
    expect(can(own, 'User:adapter', 'get', 'configmaps', req)).toBe(false);
    expect(can(own, 'User:adapter', 'list', 'configmaps', { namespace: 'kube-system' })).toBe(true);
  });

  it('bootstrap bindings: missing subjects come back, autoupdate "false" keeps the file\'s, a changed roleRef is replaced', () => {
    const yaml = (annotation: string, role = 'system:basic-user') => `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: system:basic-user
  ${annotation}
subjects: [{ kind: Group, name: devs }]
roleRef: { kind: ClusterRole, name: ${role} }
`;
    const bob = 'User:bob'; // in system:authenticated
    const review = ['create', 'selfsubjectaccessreviews.authorization.k8s.io'] as const;
    const union = policy(yaml(''), 'all');
    expect(can(union, bob, ...review)).toBe(true);
    expect(can(union, 'Group:devs', ...review)).toBe(true);
    const own = policy(yaml('annotations: { rbac.authorization.kubernetes.io/autoupdate: "false" }'), 'all');
    expect(can(own, 'Group:devs', ...review)).toBe(true);
    expect(can(own, 'Group:system:authenticated', ...review)).toBe(false);
    // a different roleRef: the API server deletes the binding and creates the default one
    const recreated = policy(yaml('', 'view'), 'all');
    expect(can(recreated, 'Group:devs', 'get', 'pods', { namespace: 'x' })).toBe(false);
    expect(can(recreated, 'Group:system:authenticated', ...review)).toBe(true);
    const kept = policy(yaml('annotations: { rbac.authorization.kubernetes.io/autoupdate: "false" }', 'view'), 'all');
    expect(can(kept, 'Group:devs', 'get', 'pods', { namespace: 'x' })).toBe(true);
    expect(can(kept, 'Group:system:authenticated', ...review)).toBe(false);
  });

  it('keepReplacedBindings (scans): the file binding a restart replaces is judged beside the default', () => {
    const yaml = `
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: system:basic-user }
subjects: [{ kind: Group, name: devs }]
roleRef: { kind: ClusterRole, name: view }
`;
    const review = ['create', 'selfsubjectaccessreviews.authorization.k8s.io'] as const;
    const p = new RbacPolicy(objectsFromYaml(yaml), { bootstrap: 'all', keepReplacedBindings: true });
    // as applied: devs view everything; after a restart: the default binding is back
    expect(can(p, 'Group:devs', 'get', 'pods', { namespace: 'x' })).toBe(true);
    expect(can(p, 'Group:system:authenticated', ...review)).toBe(true);
    expect(p.bindings.filter((b) => b.name === 'system:basic-user').map((b) => b.bootstrap)).toEqual([false, true]);
  });
});

describe('who-can', () => {
  it('lists binding subjects whose role allows the request, plus system:masters', () => {
    const p = policy(`${ROLE_AND_BINDING}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: everyone-reads-pods }
subjects: [{ kind: Group, name: readers }, { kind: ServiceAccount, name: mon, namespace: obs }]
roleRef: { kind: ClusterRole, name: pods-everywhere }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: pods-everywhere }
rules: [{ apiGroups: [""], resources: [pods], verbs: [list] }]
`);
    const names = (req: AccessRequest) =>
      p
        .whoCan(req)
        .map((r) => formatSubject(r.subject as Subject))
        .sort();
    expect(names(parseRequest('list', 'pods', { namespace: 'prod' }))).toEqual([
      'Group:readers',
      'Group:system:masters',
      'ServiceAccount:obs:mon',
      'User:alice',
    ]);
    expect(names(parseRequest('get', 'pods', { namespace: 'dev' }))).toEqual(['Group:system:masters']);
    expect(names(parseRequest('list', 'pods', {}))).toEqual([
      'Group:readers',
      'Group:system:masters',
      'ServiceAccount:obs:mon',
    ]);
  });
});

describe('parseRequest', () => {
  it('reads groups, subresources, non-resource URLs and guesses the group of custom resources from the policy', () => {
    expect(parseRequest('update', 'deployments.apps/scale', { namespace: 'a' })).toMatchObject({
      apiGroup: 'apps',
      resource: 'deployments',
      subresource: 'scale',
      namespace: 'a',
    });
    expect(parseRequest('get', 'nodes', { namespace: 'ignored' })).toMatchObject({ namespace: '', apiGroup: '' });
    expect(parseRequest('get', '/healthz', {})).toEqual({ type: 'nonResource', verb: 'get', path: '/healthz' });
    const p = policy(`
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: w }
rules: [{ apiGroups: [example.com], resources: [widgets], verbs: [get] }]
`);
    expect(parseRequest('get', 'widgets', {}, p)).toMatchObject({ apiGroup: 'example.com' });
    expect(() => parseRequest('get', 'gadgets', {}, p)).toThrow(expect.objectContaining({ code: 'USAGE' }));
  });
});
