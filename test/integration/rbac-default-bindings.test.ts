/**
 * kubeprint's copy of the default RBAC policy (src/engines/rbac/bootstrap.ts)
 * against the one a real kube-apiserver creates: every role and binding it
 * names exists; no role grants more than the real one (a subset may leave out
 * rules, never add); every binding has the real roleRef and subjects; the roles
 * the default bindings give to everyone are exact.
 *
 * And that default policy gives no rbac-risky-subject-binding finding: the bindings it creates for
 * everyone (system:public-info-viewer to system:authenticated and
 * system:unauthenticated, system:discovery and system:basic-user to
 * system:authenticated, service-account issuer discovery to
 * system:serviceaccounts, cluster-admin to system:masters) are what the rule
 * takes as the defaults. A binding added beside them is reported.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BOOTSTRAP_CLUSTER_ROLE_BINDINGS,
  BOOTSTRAP_CLUSTER_ROLES,
  BOOTSTRAP_NAMESPACE_ROLES,
  BOOTSTRAP_ROLE_BINDINGS,
  type PolicyRule,
  uncoveredRules,
} from '../../src/engines/rbac/index.js';
import { toPolicyRule } from '../../src/engines/rbac/match.js';
import type { Finding } from '../../src/model/finding.js';
import { runCli } from '../cli-capture.js';
import { type ControlPlane, controlPlaneMissing, startControlPlane } from '../helpers/control-plane.js';

const missing = controlPlaneMissing();
if (missing) console.warn(`default RBAC bindings test skipped: ${missing}`);

const EVERYONE = ['system:authenticated', 'system:unauthenticated', 'system:serviceaccounts', 'system:masters'];

interface Obj {
  metadata: { name: string; namespace?: string };
  rules?: unknown[];
  aggregationRule?: unknown;
  roleRef?: { kind: string; name: string };
  subjects?: Array<{ kind: string; name: string; namespace?: string }>;
}

const show = (rules: PolicyRule[]) =>
  rules.map((p) =>
    p.resources.length > 0
      ? `${p.verbs} ${p.apiGroups}/${p.resources}${p.resourceNames.length ? `[${p.resourceNames}]` : ''}`
      : `${p.verbs} ${p.nonResourceURLs}`,
  );

describe.skipIf(missing !== undefined)('the default RBAC policy of a real kube-apiserver', () => {
  let cp: ControlPlane;
  let dir: string;
  beforeAll(async () => {
    cp = await startControlPlane();
    dir = mkdtempSync(join(tmpdir(), 'kubeprint-defaults-'));
  }, 150_000);
  afterAll(async () => {
    await cp?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const list = async (kind: string): Promise<Obj[]> =>
    (JSON.parse(await cp.kubectl(['get', kind, '-A', '-o', 'json'])) as { items: Obj[] }).items;

  it('bootstrap.ts: roles grant no more than the real ones, bindings are the real ones', async () => {
    const roles = [...(await list('clusterroles')), ...(await list('roles'))];
    const bindings = [...(await list('clusterrolebindings')), ...(await list('rolebindings'))];
    const problems: string[] = [];
    const EXACT = new Set([
      'system:public-info-viewer',
      'system:discovery',
      'system:basic-user',
      'system:service-account-issuer-discovery',
      'cluster-admin',
    ]);
    for (const r of [...BOOTSTRAP_CLUSTER_ROLES, ...BOOTSTRAP_NAMESPACE_ROLES]) {
      const ns = 'namespace' in r ? r.namespace : undefined;
      const real = roles.find((x) => x.metadata.name === r.name && x.metadata.namespace === ns);
      if (!real) {
        problems.push(`role ${r.name}: not on the server`);
        continue;
      }
      if (real.aggregationRule) continue; // rules written by the aggregation controller
      const realRules = (real.rules ?? []).map(toPolicyRule).filter((x): x is PolicyRule => x !== undefined);
      const over = uncoveredRules(realRules, r.rules);
      if (over.length > 0) problems.push(`role ${r.name} grants more than the server's: ${show(over).join(' | ')}`);
      const under = uncoveredRules(r.rules, realRules);
      if (EXACT.has(r.name) && under.length > 0)
        problems.push(`role ${r.name} lacks what the server's grants: ${show(under).join(' | ')}`);
    }
    for (const b of [...BOOTSTRAP_CLUSTER_ROLE_BINDINGS, ...BOOTSTRAP_ROLE_BINDINGS]) {
      const ns = 'namespace' in b ? b.namespace : undefined;
      const real = bindings.find((x) => x.metadata.name === b.name && x.metadata.namespace === ns);
      if (!real) {
        problems.push(`binding ${b.name}: not on the server`);
        continue;
      }
      const key = (s: { kind: string; name: string; namespace?: string }) =>
        `${s.kind}:${s.kind === 'ServiceAccount' ? `${s.namespace}:` : ''}${s.name}`;
      const mine = b.subjects.map(key).sort();
      const theirs = (real.subjects ?? []).map(key).sort();
      if (real.roleRef?.name !== b.role || JSON.stringify(mine) !== JSON.stringify(theirs))
        problems.push(`binding ${b.name}: ${b.role} to ${mine} here, ${real.roleRef?.name} to ${theirs} on the server`);
    }
    expect(problems).toEqual([]);
  });

  const scan = async (file: string): Promise<Finding[]> => {
    const r = await runCli(['scan', file, '-o', 'json', '--fail-on', 'none']);
    expect(r.code, r.stderr).toBe(0);
    return (JSON.parse(r.stdout) as { findings: Finding[] }).findings.filter(
      (f) => f.ruleId === 'rbac-risky-subject-binding',
    );
  };

  it('the defaults give no finding; one more binding for everyone does', { timeout: 60_000 }, async () => {
    const dump = await cp.kubectl(['get', 'clusterroles,clusterrolebindings,roles,rolebindings', '-A', '-o', 'yaml']);
    const items = (
      JSON.parse(await cp.kubectl(['get', 'clusterrolebindings', '-o', 'json'])) as {
        items: Array<{ metadata: { name: string }; subjects?: Array<{ name: string }> }>;
      }
    ).items;
    // the server does bind roles to these groups (so the check below means something)
    const toEveryone = items.filter((b) => (b.subjects ?? []).some((s) => EVERYONE.includes(s.name)));
    expect(toEveryone.map((b) => b.metadata.name)).toEqual(
      expect.arrayContaining(['cluster-admin', 'system:basic-user', 'system:discovery', 'system:public-info-viewer']),
    );
    const file = join(dir, 'defaults.yaml');
    writeFileSync(file, dump);
    expect((await scan(file)).map((f) => f.message)).toEqual([]);

    const more = join(dir, 'more.yaml');
    writeFileSync(
      more,
      `${dump}\n---\napiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: everyone-views }
subjects: [{ kind: Group, name: system:authenticated, apiGroup: rbac.authorization.k8s.io }]
roleRef: { kind: ClusterRole, name: view, apiGroup: rbac.authorization.k8s.io }
`,
    );
    const found = await scan(more);
    expect(found.map((f) => f.object?.name)).toEqual(['everyone-views']);
  });
});
