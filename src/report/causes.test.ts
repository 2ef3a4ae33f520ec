import { describe, expect, it } from 'vitest';
import type { Finding } from '../model/finding.js';
import { RULE_CATALOGUE } from '../rules/registry.js';
import { CAUSE_GROUPS, causesOf, commonPointer } from './causes.js';

describe('cause groups', () => {
  it('name only rules that exist, each in one group at most', () => {
    const known = new Set(RULE_CATALOGUE.map((r) => r.id));
    const all = CAUSE_GROUPS.flatMap((g) => g.rules);
    expect(all.filter((id) => !known.has(id))).toEqual([]);
    expect(new Set(all).size).toBe(all.length);
  });

  it('a group with one finding on an object is that finding; others stay alone, in order', () => {
    const f = (ruleId: string, path: string, severity: Finding['severity'] = 'medium'): Finding => ({
      ruleId,
      severity,
      category: 'pod-security',
      message: ruleId,
      path,
    });
    const causes = causesOf([
      f('single-replica', '/spec'),
      f('readonly-root-filesystem', '/spec/template/spec/containers/0/securityContext/readOnlyRootFilesystem'),
      f('liveness-probe-missing', '/spec/template/spec/containers/0', 'low'),
      f('pss-run-as-non-root', '/spec/template/spec/securityContext/runAsNonRoot'),
    ]);
    expect(causes.map((c) => [c.group?.id, c.findings.map((x) => x.ruleId), c.severity, c.path])).toEqual([
      [undefined, ['single-replica'], 'medium', '/spec'],
      ['security-context', ['pss-run-as-non-root', 'readonly-root-filesystem'], 'medium', '/spec/template/spec'],
      [undefined, ['liveness-probe-missing'], 'low', '/spec/template/spec/containers/0'],
    ]);
  });

  it('commonPointer compares whole segments', () => {
    expect(commonPointer(['/spec/containers/1/a', '/spec/containers/10/a'])).toBe('/spec/containers');
    expect(commonPointer(['/a/b', '/a/b'])).toBe('/a/b');
    expect(commonPointer(['/a', '/b'])).toBe('');
    expect(commonPointer(['/a', undefined])).toBeUndefined();
  });
});
