import { describe, expect, it } from 'vitest';
import type { Finding } from '../model/finding.js';
import { mergeRepeats, sortFindings } from './engine.js';

function finding(over: Partial<Finding> & { ns?: string; name?: string; root: string }): Finding {
  const { ns = 'shop', name = 'web', root, ...rest } = over;
  return {
    ruleId: 'pdb-missing',
    severity: 'medium',
    category: 'resilience',
    message: `Deployment "${name}" has no PodDisruptionBudget in namespace "${ns}"`,
    object: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: ns, name },
    path: '/spec',
    source: { file: 'base/web.yaml', line: 3, column: 1 },
    roots: [root],
    ...rest,
  };
}

describe('mergeRepeats: one finding per source location', () => {
  it('two overlays rendering one base object: one finding listing both roots', () => {
    const out = mergeRepeats([finding({ root: 'overlays/production' }), finding({ root: 'overlays/staging' })]);
    expect(out).toHaveLength(1);
    expect(out[0]?.roots).toEqual(['overlays/production', 'overlays/staging']);
    expect(out[0]?.otherObjects).toBeUndefined();
  });

  it('overlays that set other namespaces or name prefixes: the first object, the others listed', () => {
    const out = mergeRepeats(
      sortFindings([
        finding({ root: 'overlays/staging', ns: 'shop-staging', name: 'staging-web' }),
        finding({ root: 'overlays/production', ns: 'shop-prod', name: 'prod-web' }),
        finding({ root: 'overlays/qa', ns: 'shop-qa', name: 'qa-web' }),
      ]),
    );
    expect(out).toHaveLength(1);
    expect(out[0]?.object).toMatchObject({ namespace: 'shop-prod', name: 'prod-web' });
    expect(out[0]?.message).toBe('Deployment "prod-web" has no PodDisruptionBudget in namespace "shop-prod"');
    expect(out[0]?.roots).toEqual(['overlays/production', 'overlays/qa', 'overlays/staging']);
    expect(out[0]?.otherObjects?.map((o) => `${o.namespace}/${o.name}`)).toEqual([
      'shop-qa/qa-web',
      'shop-staging/staging-web',
    ]);
  });

  it('the first object does not depend on which overlay rendered first, when the message names none', () => {
    const same = 'Deployment "web" has no PodDisruptionBudget';
    const a = finding({ root: 'overlays/staging', ns: 'shop-staging', message: same });
    const b = finding({ root: 'overlays/production', ns: 'shop-prod', message: same });
    for (const order of [
      [a, b],
      [b, a],
    ]) {
      const [out] = mergeRepeats(order);
      expect(out?.object?.namespace).toBe('shop-prod');
      expect(out?.otherObjects?.map((o) => o.namespace)).toEqual(['shop-staging']);
      expect(out?.roots).toEqual(['overlays/production', 'overlays/staging']);
    }
  });

  it('keeps findings that say different things at one location (an overlay changed the facts)', () => {
    const out = mergeRepeats([
      finding({ root: 'a', message: 'Deployment "web" runs 2 replicas with no spread' }),
      finding({ root: 'b', message: 'Deployment "web" runs 4 replicas with no spread' }),
      finding({ root: 'c', severity: 'high' }),
      finding({ root: 'd', path: '/spec/replicas' }),
      finding({ root: 'e', ruleId: 'spread-missing' }),
    ]);
    expect(out).toHaveLength(5);
  });

  it('within one root, two objects at one location stay two findings (generated objects, a template ranging over a list)', () => {
    const out = mergeRepeats([
      finding({ root: 'chart', name: 'a' }),
      finding({ root: 'chart', name: 'b' }),
      finding({ root: 'other', name: 'a' }),
    ]);
    expect(out.map((f) => [f.object?.name, f.roots])).toEqual([
      ['a', ['chart', 'other']],
      ['b', ['chart']],
    ]);
  });

  it('a namespace is set aside only as a whole word', () => {
    const out = mergeRepeats([
      finding({ root: 'a', ns: 'web', message: 'selects app=webapp in namespace web' }),
      finding({ root: 'b', ns: 'api', message: 'selects app=apiapp in namespace api' }),
    ]);
    expect(out).toHaveLength(2);
  });

  it('leaves findings without a source or an object alone, and never merges different exemptions', () => {
    const noSource = finding({ root: 'a' });
    delete noSource.source;
    const file = finding({ root: 'b' });
    delete file.object;
    const out = mergeRepeats([
      noSource,
      { ...noSource },
      file,
      { ...file },
      finding({ root: 'c', exemption: { via: 'config', reason: 'x', owner: 'o', expires: '2030-01-01' } }),
      finding({ root: 'd', exemption: { via: 'config', reason: 'y', owner: 'o', expires: '2030-01-01' } }),
    ]);
    expect(out).toHaveLength(6);
  });
});

describe('sortFindings', () => {
  it('orders findings that differ only in their object the same way whatever the input order', () => {
    const a = finding({ root: 'x', ns: 'shop-staging', message: 'same' });
    const b = finding({ root: 'y', ns: 'shop-prod', message: 'same' });
    expect(sortFindings([a, b]).map((f) => f.object?.namespace)).toEqual(['shop-prod', 'shop-staging']);
    expect(sortFindings([b, a]).map((f) => f.object?.namespace)).toEqual(['shop-prod', 'shop-staging']);
  });
});
