/**
 * `rbac who-can` / `can-i` / `permissions` and the identity rules of `scan`
 * answer from the same policy: the manifests plus the default roles and
 * bindings every API server creates (issue #14). A service account that scan
 * reports as bound to cluster-admin is one that can-i says may do anything,
 * without flags; a token scan calls unneeded belongs to an account whose only
 * permissions are the defaults every account has.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../test/cli-capture.js';
import { parseRequest, parseSubject, userInfoOf } from '../engines/rbac/index.js';
import type { Finding } from '../model/finding.js';
import { identityRules } from '../rules/identity/pack.js';
import { rbacOf } from '../rules/identity/rbac-context.js';
import { defineRule } from '../rules/rule.js';
import { scanPaths } from '../scan.js';

const dir = mkdtempSync(join(tmpdir(), 'kubeprint-rbac-consistency-'));
writeFileSync(
  join(dir, 'rbac.yaml'),
  `apiVersion: v1
kind: ServiceAccount
metadata: { name: admin, namespace: ops }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: ops-admin }
subjects:
- kind: ServiceAccount
  name: admin
  namespace: ops
roleRef: { kind: ClusterRole, name: cluster-admin, apiGroup: rbac.authorization.k8s.io }
---
apiVersion: v1
kind: ServiceAccount
metadata: { name: deployer, namespace: prod }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: deployer-edit, namespace: prod }
subjects: [{ kind: ServiceAccount, name: deployer }]
roleRef: { kind: ClusterRole, name: edit, apiGroup: rbac.authorization.k8s.io }
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: default-view, namespace: prod }
subjects: [{ kind: ServiceAccount, name: default }]
roleRef: { kind: ClusterRole, name: view, apiGroup: rbac.authorization.k8s.io }
---
apiVersion: v1
kind: ServiceAccount
metadata: { name: web, namespace: prod }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: web, namespace: prod }
spec:
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec:
      serviceAccountName: web
      containers: [{ name: web, image: example.com/web:1.0 }]
---
# kube-dns runs as an account only the API server's default binding (system:kube-dns) grants
apiVersion: apps/v1
kind: Deployment
metadata: { name: kube-dns, namespace: kube-system }
spec:
  selector: { matchLabels: { app: kube-dns } }
  template:
    metadata: { labels: { app: kube-dns } }
    spec:
      serviceAccountName: kube-dns
      containers: [{ name: dns, image: example.com/dns:1.0 }]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: ops-view, namespace: kube-system }
subjects: [{ kind: ServiceAccount, name: admin, namespace: ops }]
roleRef: { kind: ClusterRole, name: view, apiGroup: rbac.authorization.k8s.io }
`,
);

/** (subject, verb, resource, namespace) → what the API server of a cluster with these objects answers. */
const TABLE: Array<{ as: string; verb: string; what: string; ns?: string; allowed: boolean }> = [
  { as: 'ServiceAccount:ops:admin', verb: 'delete', what: 'nodes', allowed: true },
  { as: 'ServiceAccount:ops:admin', verb: 'get', what: 'secrets', ns: 'prod', allowed: true },
  { as: 'ServiceAccount:ops:admin', verb: 'escalate', what: 'clusterroles.rbac.authorization.k8s.io', allowed: true },
  { as: 'ServiceAccount:prod:deployer', verb: 'create', what: 'deployments.apps', ns: 'prod', allowed: true },
  { as: 'ServiceAccount:prod:deployer', verb: 'create', what: 'pods', ns: 'prod', allowed: true },
  { as: 'ServiceAccount:prod:deployer', verb: 'get', what: 'secrets', ns: 'kube-system', allowed: false },
  { as: 'ServiceAccount:prod:default', verb: 'list', what: 'pods', ns: 'prod', allowed: true },
  { as: 'ServiceAccount:prod:default', verb: 'create', what: 'pods', ns: 'prod', allowed: false },
  { as: 'ServiceAccount:prod:web', verb: 'get', what: 'pods', ns: 'prod', allowed: false },
  // the defaults every identity has: system:basic-user, service-account issuer discovery
  {
    as: 'ServiceAccount:prod:web',
    verb: 'create',
    what: 'selfsubjectaccessreviews.authorization.k8s.io',
    allowed: true,
  },
  { as: 'ServiceAccount:prod:web', verb: 'get', what: '/openid/v1/jwks', allowed: true },
  { as: 'ServiceAccount:kube-system:kube-dns', verb: 'list', what: 'endpoints', allowed: true },
  { as: 'ServiceAccount:kube-system:kube-dns', verb: 'list', what: 'secrets', allowed: false },
  { as: 'User:system:kube-scheduler', verb: 'create', what: 'pods/binding', ns: 'prod', allowed: true },
];

const key = (r: (typeof TABLE)[number]) => `${r.as} ${r.verb} ${r.what}${r.ns ? ` -n ${r.ns}` : ''}`;

/** A probe among the identity rules: it records what the engine they share answers for the table. */
function probe(answers: Map<string, boolean>) {
  return defineRule({
    id: 'probe',
    title: 'probe',
    category: 'identity',
    severity: 'info',
    description: 'records the answers of the identity rules’ RBAC engine',
    remediation: '-',
    references: [],
    appliesTo: '*',
    needs: 'scope',
    check(_obj, ctx) {
      const rbac = rbacOf(ctx);
      for (const row of TABLE) {
        const req = parseRequest(row.verb, row.what, { namespace: row.ns }, rbac.policy);
        answers.set(key(row), rbac.policy.authorize(userInfoOf(parseSubject(row.as)), req).allowed);
      }
      return undefined;
    },
  });
}

const cli = (...args: string[]) => runCli(args, { cwd: dir });

let findings: Finding[] = [];
const scanAnswers = new Map<string, boolean>();

beforeAll(async () => {
  const result = await scanPaths(['rbac.yaml'], { cwd: dir, rules: [probe(scanAnswers), ...identityRules] });
  findings = result.findings;
});

describe('rbac answers and scan agree (default policy assumed)', () => {
  it('a service account bound to cluster-admin by name: who-can and can-i say yes without flags, scan reports it', async () => {
    const who = await cli('rbac', 'who-can', 'delete', 'nodes', '-o', 'json', 'rbac.yaml');
    expect(who.code, who.stderr).toBe(0);
    const rows = (JSON.parse(who.stdout) as { subjects: { subject: string; binding: { name: string } | null }[] })
      .subjects;
    expect(rows).toContainEqual(
      expect.objectContaining({
        subject: 'ServiceAccount:ops:admin',
        binding: expect.objectContaining({ name: 'ops-admin' }),
      }),
    );
    expect(who.stderr).toBe('');
    const can = await cli('rbac', 'can-i', 'delete', 'nodes', '--as', 'ServiceAccount:ops:admin', 'rbac.yaml');
    expect(can.code).toBe(0);
    expect(can.stdout).toMatch(/^yes\n {2}via ClusterRoleBinding\/ops-admin -> ClusterRole\/cluster-admin/);
    expect(findings.filter((f) => f.ruleId === 'cluster-admin-binding').map((f) => f.object?.name)).toEqual([
      'ops-admin',
    ]);
    const esc = findings.filter((f) => f.ruleId === 'rbac-escalation-path' && f.object?.name === 'admin');
    expect(esc).toHaveLength(1);
    expect(esc[0]?.message).toContain('-> cluster-admin');
  });

  it.each(TABLE.map((row) => [key(row), row] as const))('%s: can-i and the scan rules agree', async (_, row) => {
    const r = await cli(
      'rbac',
      'can-i',
      row.verb,
      row.what,
      '--as',
      row.as,
      ...(row.ns ? ['-n', row.ns] : []),
      'rbac.yaml',
    );
    expect(r.stdout.split('\n')[0], r.stderr).toBe(row.allowed ? 'yes' : 'no');
    expect(r.code).toBe(row.allowed ? 0 : 1);
    expect(scanAnswers.get(key(row))).toBe(row.allowed);
  });

  it('--no-bootstrap opts out: the default roles and bindings are not assumed', async () => {
    const r = await cli(
      'rbac',
      'can-i',
      'delete',
      'nodes',
      '--as',
      'ServiceAccount:ops:admin',
      '--no-bootstrap',
      'rbac.yaml',
    );
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('cluster-admin');
    const basic = await cli(
      'rbac',
      'can-i',
      'create',
      'selfsubjectaccessreviews.authorization.k8s.io',
      '--as',
      'ServiceAccount:prod:web',
      '--no-bootstrap',
      'rbac.yaml',
    );
    expect(basic.code).toBe(1);
  });

  it('a token scan calls unneeded belongs to an account whose only permissions are the defaults', async () => {
    const tokens = findings.filter((f) => f.ruleId === 'token-mounted-without-permissions');
    expect(tokens.map((f) => `${f.object?.namespace}/${f.object?.name}`)).toEqual(['prod/web']);
    for (const sa of ['ServiceAccount:prod:web', 'ServiceAccount:kube-system:kube-dns']) {
      const p = await cli('rbac', 'permissions', sa, '-o', 'json', 'rbac.yaml');
      const grants = (JSON.parse(p.stdout) as { grants: { binding: { bootstrap: boolean }; via: string }[] }).grants;
      const own = grants.filter((g) => !(g.binding.bootstrap && g.via.startsWith('Group:')));
      // web: nothing but what every account gets; kube-dns: its own default binding, so its token is needed
      expect(own.length > 0, sa).toBe(sa.endsWith(':kube-dns'));
    }
  });

  it('each escalation finding counts the paths `rbac permissions` shows, with their ATT&CK ids', async () => {
    const esc = findings.filter((f) => f.ruleId === 'rbac-escalation-path');
    expect(esc.map((f) => f.message.split(' ')[0]).sort()).toEqual([
      'ServiceAccount:ops:admin',
      'ServiceAccount:prod:deployer',
    ]);
    for (const f of esc) {
      const [, id = '', count = ''] = /^(\S+) can escalate by (\d+) paths?/.exec(f.message) ?? [];
      const p = await cli('rbac', 'permissions', id, '-o', 'json', 'rbac.yaml');
      const paths = (JSON.parse(p.stdout) as { escalation: { technique: string; attack: string | null }[] }).escalation;
      expect(paths.length, f.message).toBe(Number(count));
      for (const e of paths) if (e.attack) expect(f.message).toContain(e.attack);
    }
  });
});
