import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../config/config.js';
import type { Finding } from '../../model/finding.js';
import { scanPaths } from '../../scan.js';
import { rule } from './rbac-escalation-path.js';

const dir = mkdtempSync(join(tmpdir(), 'kubeprint-escalation-'));

async function scan(yaml: string): Promise<Finding[]> {
  const file = join(dir, `${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, yaml);
  const r = await scanPaths([file], { cwd: dir, config: DEFAULT_CONFIG, rules: [rule] });
  return r.findings;
}

const binding = (kind: string, name: string, ns: string | undefined, role: string, subjects: string) => `
apiVersion: rbac.authorization.k8s.io/v1
kind: ${kind}
metadata: { name: ${name}${ns ? `, namespace: ${ns}` : ''} }
subjects: [${subjects}]
roleRef: { kind: ${role.startsWith('Role/') ? 'Role' : 'ClusterRole'}, name: ${role.replace(/^Role\//, '')}, apiGroup: rbac.authorization.k8s.io }
---`;

const role = (kind: string, name: string, ns: string | undefined, rules: string) => `
apiVersion: rbac.authorization.k8s.io/v1
kind: ${kind}
metadata: { name: ${name}${ns ? `, namespace: ${ns}` : ''} }
rules: ${rules}
---`;

// The KubeHound test cluster's shape: one account that can create pods in a namespace
// where other accounts can exec, read secrets and bind roles.
const CHAINS = `
apiVersion: v1
kind: ServiceAccount
metadata: { name: pod-create, namespace: default }
---
apiVersion: v1
kind: ServiceAccount
metadata: { name: binder, namespace: default }
---
apiVersion: v1
kind: ServiceAccount
metadata: { name: exec, namespace: default }
---
apiVersion: v1
kind: ServiceAccount
metadata: { name: reader, namespace: default }
---
${role('Role', 'pods', 'default', '[{ apiGroups: [""], resources: [pods], verbs: [create] }]')}
${binding('RoleBinding', 'pods', 'default', 'Role/pods', '{ kind: ServiceAccount, name: pod-create }')}
${role('ClusterRole', 'binder', undefined, '[{ apiGroups: [rbac.authorization.k8s.io], resources: [clusterroles], verbs: [bind] }, { apiGroups: [rbac.authorization.k8s.io], resources: [clusterrolebindings], verbs: [create] }]')}
${binding('ClusterRoleBinding', 'binder', undefined, 'binder', '{ kind: ServiceAccount, name: binder, namespace: default }')}
${role('Role', 'exec', 'default', '[{ apiGroups: [""], resources: [pods/exec], verbs: [create] }]')}
${binding('RoleBinding', 'exec', 'default', 'Role/exec', '{ kind: ServiceAccount, name: exec }')}
${role('Role', 'secrets', 'default', '[{ apiGroups: [""], resources: [secrets], verbs: [get, list] }]')}
${binding('RoleBinding', 'secrets', 'default', 'Role/secrets', '{ kind: ServiceAccount, name: reader }')}
`;

describe('rbac-escalation-path: one finding per subject, with its chains', () => {
  it('a subject with several paths gets one finding: the count, every ATT&CK id, the worst chains first', async () => {
    const found = await scan(CHAINS);
    const mine = found.filter((f) => f.object?.name === 'pod-create');
    expect(mine).toHaveLength(1);
    const [f] = mine as [Finding];
    expect(f.object?.kind).toBe('ServiceAccount');
    expect(f.severity).toBe('critical'); // the worst path reaches cluster-admin
    const m = /^ServiceAccount:default:pod-create can escalate by (\d+) paths \(([^)]*)\): (.*)$/.exec(f.message);
    expect(m, f.message).not.toBeNull();
    const [, count, attack, rest] = m as unknown as [string, string, string, string];
    // rbac-bind, privileged-pod, pod-create, pod-exec, secret-read
    expect(Number(count)).toBe(5);
    expect(attack.split(', ').sort()).toEqual(['T1098', 'T1552.007', 'T1609', 'T1610', 'T1611']);
    expect(rest).toMatch(
      /^rbac-bind \(T1098\): -\[pod-create: create pods or pod controllers in namespace default\]-> ServiceAccount:default:binder -\[rbac-bind: bind any role with ClusterRoleBindings\]-> cluster-admin; privileged-pod \(T1611\): -\[privileged-pod: /,
    );
    // three chains spelled out, the other two named
    expect(rest.split('; ')).toHaveLength(4);
    expect(rest).toMatch(
      /; and 2 more \((pod-exec, secret-read|secret-read, pod-exec)\): kubeprint rbac permissions ServiceAccount:default:pod-create lists them all$/,
    );
    // every account that can escalate has exactly one finding
    const counts = new Map<string, number>();
    for (const x of found) counts.set(x.object?.name ?? '', (counts.get(x.object?.name ?? '') ?? 0) + 1);
    expect(Object.fromEntries(counts)).toEqual({ 'pod-create': 1, binder: 1, exec: 1, reader: 1 });
    expect(found.find((x) => x.object?.name === 'reader')?.message).toMatch(
      /^ServiceAccount:default:reader can escalate by 1 path: secret-read \(T1552\.007\): -\[secret-read: read secrets in namespace default\]-> Secrets in namespace default$/,
    );
  });

  it('subjects defined elsewhere: one finding each on the binding that names them, not one per technique', async () => {
    const found = await scan(
      binding(
        'RoleBinding',
        'team-edit',
        'shop',
        'edit',
        '{ kind: User, name: alice }, { kind: Group, name: devs }, { kind: ServiceAccount, name: ci, namespace: tools }',
      ),
    );
    expect(found.map((f) => [f.object?.name, f.path, f.message.split(' ')[0]])).toEqual([
      ['team-edit', '/subjects/0', 'User:alice'],
      ['team-edit', '/subjects/1', 'Group:devs'],
      ['team-edit', '/subjects/2', 'ServiceAccount:tools:ci'],
    ]);
    for (const f of found) {
      expect(f.message).toMatch(/can escalate by [2-9] paths/);
      expect(f.severity).toBe('high'); // a privileged pod takes the node
    }
  });

  it('a subject bound twice: one finding, on the binding that grants its worst path', async () => {
    const found = await scan(`
${role('ClusterRole', 'impersonator', undefined, '[{ apiGroups: [""], resources: [groups], verbs: [impersonate] }]')}
${binding('RoleBinding', 'secrets', 'shop', 'view', '{ kind: User, name: bob }')}
${role('Role', 'read-secrets', 'shop', '[{ apiGroups: [""], resources: [secrets], verbs: [get] }]')}
${binding('RoleBinding', 'read-secrets', 'shop', 'Role/read-secrets', '{ kind: User, name: bob }')}
${binding('ClusterRoleBinding', 'support', undefined, 'impersonator', '{ kind: Group, name: support }, { kind: User, name: bob }')}
`);
    const bob = found.filter((f) => f.message.startsWith('User:bob '));
    expect(bob).toHaveLength(1);
    expect(bob[0]).toMatchObject({ object: { name: 'support' }, path: '/subjects/1', severity: 'critical' });
    expect(bob[0]?.message).toMatch(/^User:bob can escalate by 2 paths \(T1078, T1552\.007\): impersonate/);
  });

  it('permissions held through a group are the group’s finding, not each member’s', async () => {
    const found = await scan(`
apiVersion: v1
kind: ServiceAccount
metadata: { name: runner, namespace: build }
---
${binding('RoleBinding', 'accounts-edit', 'build', 'edit', '{ kind: Group, name: "system:serviceaccounts:build" }')}
`);
    expect(found.map((f) => [f.object?.kind, f.message.split(' ')[0]])).toEqual([
      ['RoleBinding', 'Group:system:serviceaccounts:build'],
    ]);
  });

  it('paths that start with a default binding alone are not reported', async () => {
    const found = await scan(`
apiVersion: v1
kind: ServiceAccount
metadata: { name: clusterrole-aggregation-controller, namespace: kube-system }
---
${binding('RoleBinding', 'x', 'kube-system', 'view', '{ kind: ServiceAccount, name: reader }')}
`);
    expect(found).toEqual([]);
  });

  it('odd shapes do not throw', async () => {
    const found = await scan(`
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: odd, namespace: x }
subjects: [3, null, { kind: User }, { kind: User, name: u }]
roleRef: { kind: ClusterRole, name: edit }
---
apiVersion: v1
kind: ServiceAccount
metadata: { name: s, namespace: x }
automountServiceAccountToken: "yes"
`);
    expect(found.map((f) => f.message.split(' ')[0])).toEqual(['User:u']);
  });
});
