import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { captureIO } from '../../test/cli-capture.js';
import { corpus } from '../../test/helpers/corpora.js';
import { main } from './main.js';

const capture = captureIO;

const dir = mkdtempSync(join(tmpdir(), 'kubeprint-rbac-'));
writeFileSync(
  join(dir, 'rbac.yaml'),
  `apiVersion: v1
kind: ServiceAccount
metadata: { name: deployer, namespace: ci }
---
apiVersion: v1
kind: ServiceAccount
metadata: { name: operator, namespace: prod }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: { name: deploy, namespace: prod }
rules:
- apiGroups: [apps]
  resources: [deployments]
  verbs: [create, patch]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: deploy, namespace: prod }
subjects:
- kind: ServiceAccount
  name: deployer
  namespace: ci
roleRef: { kind: Role, name: deploy, apiGroup: rbac.authorization.k8s.io }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: operator-admin }
subjects:
- kind: ServiceAccount
  name: operator
  namespace: prod
roleRef: { kind: ClusterRole, name: cluster-admin, apiGroup: rbac.authorization.k8s.io }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: devs-view, namespace: prod }
subjects:
- kind: Group
  name: devs
roleRef: { kind: ClusterRole, name: view, apiGroup: rbac.authorization.k8s.io }
`,
);

async function rbac(...args: string[]) {
  const io = capture(dir);
  const code = await main(['rbac', ...args], io);
  return { code, out: io.out.join(''), err: io.err.join('') };
}

describe('kubeprint rbac', () => {
  it('who-can lists direct subjects with binding and file:line', async () => {
    const r = await rbac('who-can', 'create', 'deployments', '-n', 'prod', 'rbac.yaml');
    expect(r.code).toBe(0);
    expect(r.out).toContain('ServiceAccount:ci:deployer');
    expect(r.out).toMatch(/RoleBinding\/prod\/deploy\s+Role\/prod\/deploy\s+rbac\.yaml:17/);
    // the default ClusterRole cluster-admin is assumed: its binding resolves without flags
    expect(r.out).toMatch(
      /ServiceAccount:prod:operator\s+ClusterRoleBinding\/operator-admin\s+ClusterRole\/cluster-admin\s+rbac\.yaml:26/,
    );
    // and the default bindings answer too, marked as such
    expect(r.out).toMatch(
      /Group:system:masters\s+ClusterRoleBinding\/cluster-admin\s+ClusterRole\/cluster-admin\s+\(default\)/,
    );
    expect(r.err).toBe('');
    const none = await rbac('who-can', 'create', 'deployments', '-n', 'prod', '--no-bootstrap', 'rbac.yaml');
    expect(none.out).not.toContain('ServiceAccount:prod:operator');
    expect(none.out).toMatch(/Group:system:masters\s+\(no binding: bypasses authorization\)/);
    expect(none.err).toContain(
      'binding(s) reference default roles (cluster-admin, view), which --no-bootstrap leaves out',
    );
    expect((await rbac('who-can', 'get', 'pods', '--bootstrap', '--no-bootstrap', 'rbac.yaml')).code).toBe(2);
  });

  it('--bootstrap resolves default roles; --include-escalation adds chains', async () => {
    const r = await rbac(
      'who-can',
      'delete',
      'nodes',
      '--bootstrap',
      '--include-escalation',
      '-o',
      'json',
      'rbac.yaml',
    );
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as { subjects: { subject: string }[]; escalation: { subject: string; text: string }[] };
    expect(j.subjects.map((s) => s.subject)).toContain('ServiceAccount:prod:operator');
    expect(j.subjects.map((s) => s.subject)).not.toContain('ServiceAccount:ci:deployer');
    const dep = j.escalation.find((e) => e.subject === 'ServiceAccount:ci:deployer');
    expect(dep?.text).toBe(
      'ServiceAccount:ci:deployer -[pod-create: create pods or pod controllers in namespace prod]-> ServiceAccount:prod:operator',
    );
  });

  it('can-i answers yes/no with exit 0/1 and accepts the username form', async () => {
    expect(
      (
        await rbac(
          'can-i',
          'patch',
          'deployments.apps',
          '-n',
          'prod',
          '--as',
          'system:serviceaccount:ci:deployer',
          'rbac.yaml',
        )
      ).code,
    ).toBe(0);
    const no = await rbac(
      'can-i',
      'get',
      'secrets',
      '-n',
      'prod',
      '--as',
      'ServiceAccount:ci:deployer',
      '--include-escalation',
      '--bootstrap',
      'rbac.yaml',
    );
    expect(no.code).toBe(1);
    expect(no.out).toMatch(/^no\n/);
    expect(no.out).toContain('reachable through escalation');
    const view = await rbac(
      'can-i',
      'list',
      'pods',
      '-n',
      'prod',
      '--as',
      'Group:devs',
      '--bootstrap',
      '-o',
      'json',
      'rbac.yaml',
    );
    expect(JSON.parse(view.out)).toMatchObject({ allowed: true, reasons: [{ role: { name: 'view' } }] });
  });

  it('permissions shows grants and escalation paths', async () => {
    const r = await rbac('permissions', 'ServiceAccount:ci:deployer', '-o', 'json', 'rbac.yaml');
    const j = JSON.parse(r.out) as {
      grants: { scope: string; text: string; binding: { bootstrap: boolean }; via: string }[];
      escalation: { technique: string }[];
    };
    expect(j.grants.filter((g) => !g.binding.bootstrap)).toEqual([
      expect.objectContaining({ scope: 'prod', text: 'create,patch deployments [apps]' }),
    ]);
    // the rest are the defaults every service account holds through its groups
    expect(j.grants.filter((g) => g.binding.bootstrap).map((g) => g.via)).toEqual(
      expect.arrayContaining(['Group:system:authenticated', 'Group:system:serviceaccounts']),
    );
    expect(j.grants.every((g) => !g.binding.bootstrap || g.via.startsWith('Group:system:'))).toBe(true);
    // and through prod's operator, whom the default cluster-admin role makes all-powerful
    expect(j.escalation.map((e) => e.technique).sort()).toEqual(['pod-create', 'privileged-pod', 'wildcard-all']);
  });

  it('usage errors: bad subject, --cluster misuse, no kubeconfig, unknown subcommand', async () => {
    expect((await rbac('permissions', 'alice', 'rbac.yaml')).code).toBe(2);
    const c = await rbac('who-can', 'get', 'pods', '--cluster');
    expect(c.code).toBe(2);
    expect(c.err).toMatch(/^kubeprint rbac: no kubeconfig found[^\n]*\n$/);
    const both = await rbac('who-can', 'get', 'pods', 'rbac.yaml', '--cluster');
    expect(both.code).toBe(2);
    expect(both.err).toContain('--cluster takes no PATH');
    const ctx = await rbac('who-can', 'get', 'pods', 'rbac.yaml', '--context', 'prod');
    expect(ctx.code).toBe(2);
    expect(ctx.err).toContain('--context needs --cluster');
    expect((await rbac('who-can', 'get', 'pods', '--cluster', '--bootstrap')).err).toContain('already has them');
    expect((await rbac('frobnicate', 'x')).code).toBe(2);
    expect((await rbac('who-can', 'get', 'pods', 'missing.yaml')).code).toBe(2);
  });
});

const { path: DEMO, present: demoPresent } = corpus('audit/audit2rbac/testdata/demo.log');
describe.skipIf(!demoPresent)(`kubeprint rbac generate (${DEMO})`, () => {
  it('writes Roles and bindings for one service account', async () => {
    const r = await rbac('generate', '--from-audit', DEMO, '--serviceaccount', 'ns1:sa1');
    expect(r.code).toBe(0);
    expect(r.out).toContain('kind: ClusterRole\n');
    expect(r.out).toContain('kind: ClusterRoleBinding\n');
    expect(r.out).toContain('      - nodes\n      - pods\n');
    expect((await rbac('generate', '--from-audit', DEMO, '--user', 'nobody')).code).toBe(1);
  });
});
