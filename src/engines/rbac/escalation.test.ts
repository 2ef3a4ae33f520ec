import { describe, expect, it } from 'vitest';
import { createRbacEngine } from './engine.js';
import { formatChain } from './escalation.js';
import { parseRequest } from './request.js';
import { objectsFromYaml } from './test-helpers.js';

/** A ClusterRole (or Role when ns is given) and its binding to one subject. */
function grant(name: string, subject: string, rules: string, ns?: string): string {
  const [kind, a, b] = subject.split(':');
  const subj =
    kind === 'ServiceAccount'
      ? `{ kind: ServiceAccount, namespace: ${a}, name: ${b} }`
      : `{ kind: ${kind}, name: "${subject.slice((kind as string).length + 1)}" }`;
  const role = ns
    ? `kind: Role\nmetadata: { name: ${name}, namespace: ${ns} }`
    : `kind: ClusterRole\nmetadata: { name: ${name} }`;
  const binding = ns
    ? `kind: RoleBinding\nmetadata: { name: ${name}, namespace: ${ns} }\nroleRef: { kind: Role, name: ${name} }`
    : `kind: ClusterRoleBinding\nmetadata: { name: ${name} }\nroleRef: { kind: ClusterRole, name: ${name} }`;
  return `---\napiVersion: rbac.authorization.k8s.io/v1\n${role}\nrules: ${rules}\n---\napiVersion: rbac.authorization.k8s.io/v1\n${binding}\nsubjects: [${subj}]\n`;
}

const SCENARIO = `
apiVersion: v1
kind: Namespace
metadata: { name: prod, labels: { pod-security.kubernetes.io/enforce: restricted } }
---
apiVersion: v1
kind: ServiceAccount
metadata: { name: deployer, namespace: ci }
---
apiVersion: v1
kind: ServiceAccount
metadata: { name: operator, namespace: prod }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: op, namespace: prod }
spec:
  template:
    spec:
      serviceAccountName: operator
      containers: [{ name: op, image: op:1 }]
${grant('deploy-prod', 'ServiceAccount:ci:deployer', '[{ apiGroups: [apps], resources: [deployments], verbs: [create, patch] }]', 'prod')}
${grant('operator', 'ServiceAccount:prod:operator', '[{ apiGroups: [rbac.authorization.k8s.io], resources: [clusterroles], verbs: [bind] }, { apiGroups: [rbac.authorization.k8s.io], resources: [clusterrolebindings], verbs: [create] }]')}
`;

function techniques(yaml: string, id: string): Record<string, string> {
  const engine = createRbacEngine(objectsFromYaml(yaml));
  const out: Record<string, string> = {};
  for (const p of engine.escalation.pathsFrom(id)) out[p.technique] = formatChain(id, p.steps);
  return out;
}

describe('escalation techniques', () => {
  it('pod controllers in a namespace lead to its service accounts, transitively to cluster-admin', () => {
    const t = techniques(SCENARIO, 'ServiceAccount:ci:deployer');
    expect(Object.keys(t).sort()).toEqual(['pod-create', 'rbac-bind']);
    expect(t['rbac-bind']).toBe(
      'ServiceAccount:ci:deployer -[pod-create: create pods or pod controllers in namespace prod]-> ServiceAccount:prod:operator -[rbac-bind: bind any role with ClusterRoleBindings]-> cluster-admin',
    );
    // prod enforces restricted Pod Security: no privileged pod
    expect(t['privileged-pod']).toBeUndefined();
  });

  it('a namespace without baseline/restricted enforcement lets pod creators take the node', () => {
    const yaml = SCENARIO.replace('restricted', 'privileged');
    const t = techniques(yaml, 'ServiceAccount:ci:deployer');
    expect(t['privileged-pod']).toMatch(/-\[privileged-pod: .*\]-> node$/);
    // the node holds the operator's token: a second route, but the shortest chain wins
    expect(t['rbac-bind']?.split(' -[').length).toBe(3);
  });

  it('reads legacy token Secrets and exec into pods to become their service accounts', () => {
    const yaml = `
apiVersion: v1
kind: Secret
type: kubernetes.io/service-account-token
metadata: { name: admin-token, namespace: app, annotations: { kubernetes.io/service-account.name: admin } }
---
apiVersion: v1
kind: Pod
metadata: { name: web, namespace: web }
spec: { serviceAccountName: web-sa, containers: [{ name: c, image: x }] }
---
apiVersion: v1
kind: Pod
metadata: { name: quiet, namespace: web }
spec: { serviceAccountName: quiet-sa, automountServiceAccountToken: false, containers: [{ name: c, image: x }] }
${grant('admin-all', 'ServiceAccount:app:admin', '[{ apiGroups: ["*"], resources: ["*"], verbs: ["*"] }]')}
${grant('reader', 'User:mallory', '[{ apiGroups: [""], resources: [secrets], verbs: [get] }]', 'app')}
${grant('exec', 'User:dev', '[{ apiGroups: [""], resources: [pods/exec], verbs: [create] }]', 'web')}
${grant('web', 'ServiceAccount:web:web-sa', '[{ apiGroups: [""], resources: [nodes/proxy], verbs: [get] }]')}
${grant('quiet', 'ServiceAccount:web:quiet-sa', '[{ apiGroups: [""], resources: [persistentvolumes], verbs: [create] }]')}
`;
    const m = techniques(yaml, 'User:mallory');
    expect(Object.keys(m).sort()).toEqual(['secret-read', 'wildcard-all']);
    expect(m['wildcard-all']).toContain(
      '-> ServiceAccount:app:admin -[wildcard-all: * on * cluster-wide]-> cluster-admin',
    );
    const d = techniques(yaml, 'User:dev');
    expect(d['node-proxy']).toContain(
      'User:dev -[pod-exec: exec into pods in namespace web]-> ServiceAccount:web:web-sa',
    );
    // quiet-sa's token is not mounted, so exec does not reach it
    expect(d['hostpath-pv']).toBeUndefined();
    expect(techniques(yaml, 'ServiceAccount:web:quiet-sa')).toHaveProperty('hostpath-pv');
  });

  it('recognises each direct technique from its permission', () => {
    const cases: [string, string, string][] = [
      [
        'token-create',
        '[{ apiGroups: [""], resources: [serviceaccounts/token], verbs: [create] }]',
        'any service account of every namespace',
      ],
      ['impersonate', '[{ apiGroups: [""], resources: [groups], verbs: [impersonate] }]', 'cluster-admin'],
      [
        'impersonate',
        '[{ apiGroups: [""], resources: [serviceaccounts], verbs: [impersonate] }]',
        'any service account of every namespace',
      ],
      ['node-proxy', '[{ apiGroups: [""], resources: [nodes/proxy], verbs: [create] }]', 'node'],
      [
        'csr-approve',
        '[{ apiGroups: [certificates.k8s.io], resources: [certificatesigningrequests/approval], verbs: [update] }, { apiGroups: [certificates.k8s.io], resources: [signers], verbs: [approve], resourceNames: [kubernetes.io/kube-apiserver-client] }]',
        'cluster-admin',
      ],
      [
        'webhook-config',
        '[{ apiGroups: [admissionregistration.k8s.io], resources: [mutatingwebhookconfigurations], verbs: [patch] }]',
        'every object sent to admission, Secrets included',
      ],
      ['hostpath-pv', '[{ apiGroups: [""], resources: [persistentvolumes], verbs: [create] }]', 'node'],
      [
        'namespace-psa',
        '[{ apiGroups: [""], resources: [namespaces], verbs: [patch] }]',
        'Pod Security enforcement of every namespace',
      ],
      [
        'rbac-escalate',
        '[{ apiGroups: [rbac.authorization.k8s.io], resources: [clusterroles], verbs: [escalate, update] }]',
        'cluster-admin',
      ],
      ['wildcard-all', '[{ apiGroups: ["*"], resources: ["*"], verbs: ["*"] }]', 'cluster-admin'],
    ];
    const base = 'apiVersion: v1\nkind: ServiceAccount\nmetadata: { name: default, namespace: kube-system }\n';
    for (const [technique, rules, outcome] of cases) {
      const t = techniques(base + grant('r', 'User:x', rules), 'User:x');
      expect(Object.keys(t), technique).toEqual([technique]);
      expect(t[technique]?.endsWith(`-> ${outcome}`), `${technique}: ${t[technique]}`).toBe(true);
    }
  });

  it('does not see escalation in read-only or name-limited permissions', () => {
    const cases = [
      '[{ apiGroups: [""], resources: [pods, configmaps], verbs: [get, list, watch] }]',
      '[{ apiGroups: [rbac.authorization.k8s.io], resources: [clusterroles], verbs: [bind] }]', // bind without writing bindings
      '[{ apiGroups: [""], resources: [groups], verbs: [impersonate], resourceNames: [auditors] }]', // a group nobody bound
      '[{ apiGroups: [rbac.authorization.k8s.io], resources: [clusterroles], verbs: [escalate] }]', // escalate without write
      '[{ apiGroups: [certificates.k8s.io], resources: [certificatesigningrequests/approval], verbs: [update] }]', // no signer
    ];
    for (const rules of cases) {
      const t = techniques(grant('r', 'User:x', rules), 'User:x');
      expect(
        Object.keys(t).filter((k) => k !== 'impersonate' || !t[k]?.endsWith('Group:auditors')),
        rules,
      ).toEqual([]);
    }
  });

  it('a namespaced bind and rolebinding write makes a namespace admin', () => {
    const t = techniques(
      grant(
        'r',
        'User:x',
        '[{ apiGroups: [rbac.authorization.k8s.io], resources: [clusterroles], verbs: [bind] }, { apiGroups: [rbac.authorization.k8s.io], resources: [rolebindings], verbs: [create] }]',
        'team',
      ),
      'User:x',
    );
    expect(t['rbac-bind']).toMatch(/-> admin of namespace team$/);
  });
});

describe('who-can with escalation', () => {
  it('adds the subjects that reach the permission through a chain', () => {
    const yaml = `${SCENARIO}${grant('imp', 'User:eve', '[{ apiGroups: [""], resources: [groups], verbs: [impersonate] }]')}`;
    const engine = createRbacEngine(objectsFromYaml(yaml));
    const req = parseRequest('create', 'clusterrolebindings', {});
    const direct = engine.policy.whoCan(req).map((r) => r.subject);
    expect(direct).toContainEqual({ kind: 'ServiceAccount', namespace: 'prod', name: 'operator' });
    expect(direct).not.toContainEqual({ kind: 'User', name: 'eve' });
    const via = engine.escalation.reachersOf(req);
    expect(via.map((v) => v.id)).toEqual(['ServiceAccount:ci:deployer', 'User:eve']);
    expect(formatChain('ServiceAccount:ci:deployer', via[0]?.steps ?? [])).toBe(
      'ServiceAccount:ci:deployer -[pod-create: create pods or pod controllers in namespace prod]-> ServiceAccount:prod:operator',
    );
    expect(engine.escalation.reachersOf(parseRequest('get', 'pods', { namespace: 'x' })).map((v) => v.id)).toEqual([
      'ServiceAccount:prod:operator',
      'User:eve',
      'ServiceAccount:ci:deployer',
    ]);
  });
});
