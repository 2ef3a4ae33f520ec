import { describe, expect, it } from 'vitest';
import { type KubeObject, toKubeObject } from '../../model/kube-object.js';
import { assumedDefaults, createRbacEngine } from './engine.js';
import { userInfoOf } from './subject.js';
import { objectsFromYaml } from './test-helpers.js';

const MANIFESTS = `
apiVersion: v1
kind: ServiceAccount
metadata: { name: admin, namespace: ops }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: ops-admin }
subjects: [{ kind: ServiceAccount, name: admin, namespace: ops }]
roleRef: { kind: ClusterRole, name: cluster-admin, apiGroup: rbac.authorization.k8s.io }
`;

/** The same objects as an API server lists them. */
function fromServer(objects: KubeObject[]): KubeObject[] {
  return objects.map((o) => {
    const raw = { ...o.raw, metadata: { ...(o.raw.metadata as object), resourceVersion: '42', uid: 'u' } };
    return toKubeObject(raw, undefined, 'ctx') as KubeObject;
  });
}

describe('assumedDefaults', () => {
  it('manifests get the whole default policy; objects an API server listed get none', () => {
    const manifests = objectsFromYaml(MANIFESTS);
    expect(assumedDefaults(manifests)).toBe('all');
    expect(assumedDefaults(manifests, true)).toBe('none');
    expect(assumedDefaults(fromServer(manifests))).toBe('none');
    expect(assumedDefaults([])).toBe('all');
  });

  it('with the defaults, a binding to cluster-admin by name grants everything; the defaults are marked', () => {
    const engine = createRbacEngine(objectsFromYaml(MANIFESTS), { bootstrap: 'all' });
    const user = userInfoOf({ kind: 'ServiceAccount', namespace: 'ops', name: 'admin' });
    const grants = engine.policy.grantsFor(user);
    const own = grants.filter((g) => !engine.policy.isDefaultGrant(g));
    expect([...new Set(own.map((g) => `${g.binding.name} ${g.role.name}`))]).toEqual(['ops-admin cluster-admin']);
    // the rest: what every service account holds through its groups
    const rest = grants.filter((g) => engine.policy.isDefaultGrant(g));
    expect(rest.length).toBeGreaterThan(0);
    expect(rest.every((g) => engine.policy.isBaselineGrant(g))).toBe(true);
    // a default binding that names an account itself is a default grant, not a baseline one
    const dns = engine.policy.grantsFor(
      userInfoOf({ kind: 'ServiceAccount', namespace: 'kube-system', name: 'kube-dns' }),
    );
    expect(
      dns.filter((g) => engine.policy.isDefaultGrant(g) && !engine.policy.isBaselineGrant(g)).map((g) => g.role.name),
    ).toEqual(['system:kube-dns']);
  });

  it("a cluster's own default objects are the default policy too; a subject added to one is not", () => {
    const cluster = fromServer(
      objectsFromYaml(`
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: system:basic-user, labels: { kubernetes.io/bootstrapping: rbac-defaults } }
rules:
- apiGroups: [authorization.k8s.io]
  resources: [selfsubjectaccessreviews, selfsubjectrulesreviews]
  verbs: [create]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: system:basic-user }
subjects:
- { kind: User, name: alice, apiGroup: rbac.authorization.k8s.io }
- { kind: Group, name: system:authenticated, apiGroup: rbac.authorization.k8s.io }
roleRef: { kind: ClusterRole, name: system:basic-user, apiGroup: rbac.authorization.k8s.io }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: system:discovery }
rules:
- nonResourceURLs: [/api, /apis]
  verbs: [get]
- apiGroups: [""]
  resources: [secrets]
  verbs: [get]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: system:discovery }
subjects: [{ kind: Group, name: system:authenticated, apiGroup: rbac.authorization.k8s.io }]
roleRef: { kind: ClusterRole, name: system:discovery, apiGroup: rbac.authorization.k8s.io }
`),
    );
    expect(assumedDefaults(cluster)).toBe('none');
    const engine = createRbacEngine(cluster, { bootstrap: assumedDefaults(cluster) });
    const grants = (name: string, role: string, via: string) =>
      engine.policy
        .grantsFor(userInfoOf({ kind: 'User', name }))
        .filter((g) => g.role.name === role && `${g.via.kind}:${g.via.name}` === via);
    // the cluster's default binding of the default role to everyone: baseline
    const bob = grants('bob', 'system:basic-user', 'Group:system:authenticated');
    expect(bob).not.toEqual([]);
    expect(bob.every((g) => engine.policy.isBaselineGrant(g))).toBe(true);
    // alice, added to that binding by someone: hers, not the default
    const alice = grants('alice', 'system:basic-user', 'User:alice');
    expect(alice).not.toEqual([]);
    expect(alice.some((g) => engine.policy.isDefaultGrant(g))).toBe(false);
    // a default role that grants more than the default (secrets) is not the default policy
    const discovery = grants('bob', 'system:discovery', 'Group:system:authenticated');
    expect(discovery).not.toEqual([]);
    expect(discovery.some((g) => engine.policy.isDefaultGrant(g))).toBe(false);
  });
});
