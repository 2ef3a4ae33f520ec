import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../config/config.js';
import { objectsFromYaml } from '../../engines/rbac/test-helpers.js';
import { scanObjects, scanPaths } from '../../scan.js';
import { rule } from './rbac-risky-subject-binding.js';

const FIXTURES = join(new URL('.', import.meta.url).pathname, 'fixtures', rule.id);

async function fixture(name: string) {
  const r = await scanPaths([join(FIXTURES, name)], { cwd: process.cwd(), config: DEFAULT_CONFIG, rules: [rule] });
  return r.findings.map((f) => ({ severity: f.severity, message: f.message, path: f.path }));
}

function yaml(text: string) {
  return scanObjects(objectsFromYaml(text), { config: DEFAULT_CONFIG, rules: [rule] }).findings.map((f) => ({
    severity: f.severity,
    message: f.message,
  }));
}

const binding = (kind: string, subject: string, roleRef: string, extra = '') => `
apiVersion: rbac.authorization.k8s.io/v1
kind: ${kind}
metadata: { name: b, namespace: ns }
subjects: [${subject}]
roleRef: { kind: ClusterRole, name: ${roleRef}, apiGroup: rbac.authorization.k8s.io }
${extra}`;

describe('rbac-risky-subject-binding', () => {
  it('severity follows what the role grants beyond the defaults', async () => {
    expect(await fixture('fail.anonymous-view.yaml')).toEqual([
      expect.objectContaining({ severity: 'high', path: '/subjects/1' }),
    ]);
    const [edit] = await fixture('fail.unauthenticated-edit-in-namespace.yaml');
    expect(edit?.severity).toBe('critical');
    expect(edit?.message).toContain('in namespace sandbox');
    expect(edit?.message).toContain('writes');
    const [secrets] = await fixture('fail.authenticated-custom-role.yaml');
    expect(secrets?.severity).toBe('critical');
    expect(secrets?.message).toContain('reading Secrets (get,list secrets)');
    expect(secrets?.message).not.toContain('writes');
    const [discovery] = await fixture('fail.unauthenticated-discovery.yaml');
    expect(discovery?.severity).toBe('medium');
    expect(discovery?.message).toContain('/api');
    // /healthz, /livez, /readyz and /version are public by default: not named
    expect(discovery?.message).not.toContain('/healthz');
    const [pods] = await fixture('fail.all-service-accounts-pods.yaml');
    expect(pods).toMatchObject({ severity: 'critical' });
    expect(pods?.message).toContain('create pods');
  });

  it('a binding to system:masters is info and says why', async () => {
    const [f] = await fixture('fail.system-masters-binding.yaml');
    expect(f?.severity).toBe('info');
    expect(f?.message).toContain('bypasses RBAC');
  });

  it('the default bindings and the near misses give nothing', async () => {
    expect(await fixture('pass.default-bindings.yaml')).toEqual([]);
    expect(await fixture('pass.near-misses.yaml')).toEqual([]);
  });

  it('any role, not only cluster-admin; a role outside the scope is high', () => {
    const admin = yaml(binding('RoleBinding', '{ kind: Group, name: system:authenticated }', 'admin'));
    expect(admin).toEqual([expect.objectContaining({ severity: 'critical' })]);
    const unknown = yaml(binding('ClusterRoleBinding', '{ kind: User, name: system:anonymous }', 'not-here'));
    expect(unknown).toEqual([expect.objectContaining({ severity: 'high' })]);
    expect(unknown[0]?.message).toContain('not in the scope');
  });

  it('odd shapes do not throw', () => {
    expect(yaml(binding('ClusterRoleBinding', '"x", null, { kind: Group }', 'view'))).toEqual([]);
    expect(
      yaml(
        'apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: { name: x }\nsubjects: 3\nroleRef: 4\n',
      ),
    ).toEqual([]);
  });
});
