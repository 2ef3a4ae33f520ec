import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../config/config.js';
import { toKubeObject } from '../../model/kube-object.js';
import { scanObjects } from '../../scan.js';
import { rule } from './rbac-wildcard-permissions.js';

function findings(rules: unknown) {
  const obj = toKubeObject(
    { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'r' }, rules },
    undefined,
    's',
  );
  if (!obj) throw new Error('not an object');
  return scanObjects([obj], { config: DEFAULT_CONFIG, rules: [rule] }).findings.map((f) => ({
    severity: f.severity,
    message: f.message,
    path: f.path,
  }));
}

describe('rbac-wildcard-permissions', () => {
  it('`*` verbs on `*` resources of `*` groups is every permission: critical', () => {
    const [f] = findings([{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }]);
    expect(f).toMatchObject({ severity: 'critical', path: '/rules/0/verbs' });
    expect(f?.message).toContain('every verb on every resource');
  });

  // `*/scale` is the scale subresource of every resource (RBAC's ResourceMatches), not every resource.
  it('a subresource wildcard is not a full wildcard: named, never critical', () => {
    const [f, ...rest] = findings([{ apiGroups: ['*'], resources: ['*/scale'], verbs: ['*'] }]);
    expect(rest).toEqual([]);
    expect(f?.severity).not.toBe('critical');
    expect(f?.message).not.toContain('every resource of');
    expect(f?.message).toContain('*/scale');
    expect(f?.message).toContain('the scale subresource of every resource');
  });

  it('a subresource wildcard alone (as the HPA controller and KEDA use it) is medium, read-only is low', () => {
    const [scale] = findings([{ apiGroups: ['*'], resources: ['*/scale'], verbs: ['get', 'update', 'patch'] }]);
    expect(scale).toMatchObject({ severity: 'medium', path: '/rules/0/resources' });
    const [status] = findings([{ apiGroups: ['*'], resources: ['*/status'], verbs: ['get', 'list', 'watch'] }]);
    expect(status).toMatchObject({ severity: 'low', path: '/rules/0/resources' });
  });

  it('a subresource wildcard that reaches into pods or nodes stays high', () => {
    for (const sub of ['exec', 'attach', 'portforward', 'proxy', 'token', 'ephemeralcontainers']) {
      const [f] = findings([{ apiGroups: [''], resources: [`*/${sub}`], verbs: ['get', 'create'] }]);
      expect(f, sub).toMatchObject({ severity: 'high' });
      expect(f?.message, sub).toContain(`*/${sub}`);
    }
  });

  it('`*` in verbs, groups or resources is high and says where', () => {
    const [f] = findings([{ apiGroups: [''], resources: ['pods'], verbs: ['*'] }]);
    expect(f).toMatchObject({ severity: 'high', path: '/rules/0/verbs' });
    expect(f?.message).toContain('uses * in verbs');
    const [g] = findings([{ apiGroups: ['*'], resources: ['*', '*/scale'], verbs: ['get'] }]);
    expect(g).toMatchObject({ severity: 'high', path: '/rules/0/apiGroups' });
    expect(g?.message).toContain('resources');
  });

  it('odd shapes do not throw', () => {
    expect(findings('x')).toEqual([]);
    expect(findings([null, 3, { resources: 'x', verbs: [null, '*'] }])).toHaveLength(1);
  });
});
