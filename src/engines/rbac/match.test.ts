import { describe, expect, it } from 'vitest';
import { uncoveredRules } from './match.js';
import type { PolicyRule } from './types.js';

const r = (verbs: string[], apiGroups: string[], resources: string[], resourceNames: string[] = []): PolicyRule => ({
  verbs,
  apiGroups,
  resources,
  resourceNames,
  nonResourceURLs: [],
});
const u = (verbs: string[], nonResourceURLs: string[]): PolicyRule => ({
  verbs,
  apiGroups: [],
  resources: [],
  resourceNames: [],
  nonResourceURLs,
});

// Cases from Kubernetes' pkg/registry/rbac/validation (rule.go, Covers / BreakdownRule).
describe('uncoveredRules', () => {
  it('breaks rules down and reports only what no owner rule grants', () => {
    const owner = [r(['get', 'list'], [''], ['pods', 'services'])];
    expect(uncoveredRules(owner, [r(['get'], [''], ['pods'])])).toEqual([]);
    expect(uncoveredRules(owner, [r(['get', 'delete'], [''], ['pods', 'secrets'])])).toEqual([
      r(['delete'], [''], ['pods']),
      r(['get'], [''], ['secrets']),
      r(['delete'], [''], ['secrets']),
    ]);
  });

  it('`*` covers anything; `*/x` covers subresource x of any resource, not the resource', () => {
    expect(
      uncoveredRules([r(['*'], ['*'], ['*'])], [r(['escalate'], ['rbac.authorization.k8s.io'], ['roles'])]),
    ).toEqual([]);
    const scale = [r(['get', 'update'], ['*'], ['*/scale'])];
    expect(uncoveredRules(scale, [r(['update'], ['apps'], ['deployments/scale'])])).toEqual([]);
    expect(uncoveredRules(scale, [r(['update'], ['apps'], ['deployments'])])).toHaveLength(1);
    // a `*` asked for is covered only by a `*`
    expect(uncoveredRules(scale, [r(['get'], ['apps'], ['*'])])).toHaveLength(1);
  });

  it('resourceNames: an unnamed owner covers names; a named owner covers only its names, never an unnamed rule', () => {
    expect(uncoveredRules([r(['get'], [''], ['secrets'])], [r(['get'], [''], ['secrets'], ['a'])])).toEqual([]);
    const named = [r(['get'], [''], ['secrets'], ['a', 'b'])];
    expect(uncoveredRules(named, [r(['get'], [''], ['secrets'], ['b'])])).toEqual([]);
    expect(uncoveredRules(named, [r(['get'], [''], ['secrets'], ['c'])])).toHaveLength(1);
    expect(uncoveredRules(named, [r(['get'], [''], ['secrets'])])).toHaveLength(1);
  });

  it('non-resource URLs: exact, or an owner ending in `*` that prefixes them', () => {
    const owner = [u(['get'], ['/healthz', '/apis/*', '/debug/**'])];
    expect(uncoveredRules(owner, [u(['get'], ['/healthz', '/apis/apps', '/debug/pprof'])])).toEqual([]);
    expect(uncoveredRules(owner, [u(['get'], ['/healthz/etcd'])])).toEqual([u(['get'], ['/healthz/etcd'])]);
    expect(uncoveredRules(owner, [u(['post'], ['/healthz'])])).toHaveLength(1);
    expect(uncoveredRules([u(['*'], ['*'])], [u(['get'], ['/metrics'])])).toEqual([]);
  });
});
