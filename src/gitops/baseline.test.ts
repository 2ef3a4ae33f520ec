import { describe, expect, it } from 'vitest';
import { KubeprintError } from '../errors.js';
import type { Finding } from '../model/finding.js';
import { apiGroup, compareWithBaseline, findingsFromReport, fingerprintOf, fingerprintsOf } from './baseline.js';

const WEB = { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'web' };

function finding(over: Partial<Finding> = {}): Finding {
  return {
    ruleId: 'image-tag-latest',
    severity: 'high',
    category: 'supply-chain',
    message: 'container "web" uses nginx:latest',
    object: WEB,
    path: '/spec/template/spec/containers/0/image',
    source: { file: 'deploy/web.yaml', line: 18, column: 18 },
    ...over,
  };
}

describe('fingerprints', () => {
  it('apiGroup drops the version; the core group is empty', () => {
    expect(apiGroup('apps/v1')).toBe('apps');
    expect(apiGroup('networking.k8s.io/v1beta1')).toBe('networking.k8s.io');
    expect(apiGroup('v1')).toBe('');
    expect(apiGroup('')).toBe('');
  });

  it('ignore the line, the column, the file, the version and the message of an object finding', () => {
    const fp = fingerprintOf(finding());
    expect(fp).toMatch(/^[0-9a-f]{32}$/);
    expect(fingerprintOf(finding({ source: { file: 'other/place.yaml', line: 90, column: 3 } }))).toBe(fp);
    expect(fingerprintOf(finding({ object: { ...WEB, apiVersion: 'apps/v1beta2' } }))).toBe(fp);
    expect(fingerprintOf(finding({ message: 'container "web" uses redis:latest' }))).toBe(fp);
    expect(fingerprintOf(finding({ source: undefined }))).toBe(fp);
  });

  it('change with the rule, the group, the kind, the namespace, the name and the pointer', () => {
    const fp = fingerprintOf(finding());
    const others = [
      finding({ ruleId: 'image-digest-not-pinned' }),
      finding({ object: { ...WEB, apiVersion: 'extensions/v1beta1' } }),
      finding({ object: { ...WEB, kind: 'StatefulSet' } }),
      finding({ object: { ...WEB, namespace: 'shop-staging' } }),
      finding({ object: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' } }),
      finding({ object: { ...WEB, name: 'web2' } }),
      finding({ path: '/spec/template/spec/containers/1/image' }),
      finding({ path: undefined }),
    ].map(fingerprintOf);
    expect(new Set([fp, ...others]).size).toBe(others.length + 1);
  });

  it('a file finding is its rule and file; a finding with neither its rule and message', () => {
    const broken = finding({ ruleId: 'yaml-invalid', object: undefined, path: undefined });
    const fp = fingerprintOf(broken);
    expect(fingerprintOf(finding({ ...broken, source: { file: 'deploy/web.yaml', line: 2 }, message: 'other' }))).toBe(
      fp,
    );
    expect(fingerprintOf({ ...broken, source: { file: 'deploy/db.yaml' } })).not.toBe(fp);
    const bare = finding({ ruleId: 'config-invalid', object: undefined, path: undefined, source: undefined });
    expect(fingerprintOf(bare)).not.toBe(fingerprintOf({ ...bare, message: 'another problem' }));
  });

  it('one per object of a finding overlays share, the first being the finding’s own', () => {
    const prod = { ...WEB, namespace: 'shop-prod' };
    const f = finding({ otherObjects: [prod] });
    const fps = fingerprintsOf(f);
    expect(fps).toEqual([fingerprintOf(finding()), fingerprintOf(finding({ object: prod }))]);
    expect(fingerprintOf(f)).toBe(fps[0]);
  });
});

describe('compareWithBaseline', () => {
  it('moved lines are unchanged; a fixed finding and a new one are each reported once', () => {
    const base = [
      finding(),
      finding({ ruleId: 'replicas-too-few', category: 'resilience', path: '/spec/replicas', message: 'one replica' }),
    ];
    const head = [
      finding({ source: { file: 'deploy/web.yaml', line: 21, column: 18 } }),
      finding({ ruleId: 'pss-privileged', path: '/spec/template/spec/containers/0/securityContext/privileged' }),
    ];
    const c = compareWithBaseline(head, base);
    expect(c.unchanged).toBe(1);
    expect(c.added.map((f) => f.ruleId)).toEqual(['pss-privileged']);
    expect(c.fixed.map((f) => f.ruleId)).toEqual(['replicas-too-few']);
  });

  it('counts copies: a second identical problem is new, one of two gone is fixed', () => {
    const broken = (message: string, line: number) =>
      finding({
        ruleId: 'yaml-invalid',
        object: undefined,
        path: undefined,
        message,
        source: { file: 'a.yaml', line },
      });
    const two = [broken('bad indent', 3), broken('bad quote', 9)];
    const three = [broken('bad indent', 5), broken('bad quote', 11), broken('bad tab', 20)];
    const grew = compareWithBaseline(three, two);
    expect(grew.added.map((f) => f.message)).toEqual(['bad tab']);
    expect(grew.unchanged).toBe(2);
    expect(grew.fixed).toEqual([]);
    const shrank = compareWithBaseline([broken('bad quote', 1)], two);
    expect(shrank.fixed.map((f) => f.message)).toEqual(['bad indent']);
    expect(shrank.added).toEqual([]);
  });

  it('pairs the same message first, whatever the order', () => {
    const a = finding({ ruleId: 'x', path: '/metadata', message: 'A' });
    const b = finding({ ruleId: 'x', path: '/metadata', message: 'B' });
    const c = compareWithBaseline([b, a], [a]);
    expect(c.added.map((f) => f.message)).toEqual(['B']);
  });

  it('an object moved to another file keeps its findings; copies in two files stay apart', () => {
    const at = (file: string, over: Partial<Finding> = {}) =>
      finding({ source: { file, line: 9 }, object: { ...WEB, namespace: undefined }, ...over });
    const pinned = (file: string) => at(file, { ruleId: 'image-digest-not-pinned', message: 'not pinned' });
    // moved from web.yaml to apps/web.yaml, lines and all
    const moved = compareWithBaseline(
      [at('apps/web.yaml'), pinned('apps/web.yaml')],
      [at('web.yaml'), pinned('web.yaml')],
    );
    expect(moved).toEqual({ added: [], fixed: [], unchanged: 2 });
    // staging/ and production/ hold the same Deployment (no namespace: set when applied); the change fixes
    // image-tag-latest in staging and brings it into production: one fixed, one new, whatever the messages
    const base = [at('staging/web.yaml'), pinned('staging/web.yaml'), pinned('production/web.yaml')];
    const head = [pinned('staging/web.yaml'), at('production/web.yaml'), pinned('production/web.yaml')];
    const swapped = compareWithBaseline(head, base);
    expect(swapped.added.map((f) => `${f.ruleId} ${f.source?.file}`)).toEqual(['image-tag-latest production/web.yaml']);
    expect(swapped.fixed.map((f) => `${f.ruleId} ${f.source?.file}`)).toEqual(['image-tag-latest staging/web.yaml']);
    expect(swapped.unchanged).toBe(2);
  });

  it('compares a finding overlays share per object', () => {
    const staging = { ...WEB, namespace: 'staging' };
    const prod = { ...WEB, namespace: 'prod' };
    const dev = { ...WEB, namespace: 'dev' };
    const base = [finding({ object: staging, otherObjects: [prod], roots: ['o/prod', 'o/staging'] })];
    // a dev overlay renders the same base: only dev's object is new
    const head = [finding({ object: dev, otherObjects: [prod, staging], roots: ['o/dev', 'o/prod', 'o/staging'] })];
    const c = compareWithBaseline(head, base);
    expect(c.unchanged).toBe(0);
    expect(c.added).toHaveLength(1);
    expect(c.added[0]?.object).toEqual(dev);
    expect(c.added[0]?.otherObjects).toBeUndefined();
    expect(c.fixed).toEqual([]);
    // prod fixed by an overlay patch: the base finding is fixed for prod only
    const fixedProd = compareWithBaseline([finding({ object: staging })], base);
    expect(fixedProd.added).toEqual([]);
    expect(fixedProd.fixed.map((f) => f.object)).toEqual([prod]);
  });

  it('an exemption in the head is neither new nor a fix', () => {
    const base = [finding()];
    const exempted = [finding({ exemption: { via: 'config', reason: 'tracked in PLAT-1' } })];
    const c = compareWithBaseline([], base, exempted);
    expect(c).toEqual({ added: [], fixed: [], unchanged: 0 });
  });

  it('everything is new against an empty baseline, everything fixed against an empty head', () => {
    const fs = [finding(), finding({ ruleId: 'pss-privileged' })];
    expect(compareWithBaseline(fs, []).added).toEqual(fs);
    expect(compareWithBaseline([], fs).fixed).toEqual(fs);
  });
});

describe('findingsFromReport', () => {
  const report = {
    findings: [
      {
        ruleId: 'image-tag-latest',
        severity: 'high',
        category: 'supply-chain',
        message: 'm',
        object: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'web' },
        path: '/spec',
        source: { file: 'deploy/web.yaml', line: 3, column: null },
        roots: ['deploy'],
        otherObjects: [{ apiVersion: 'apps/v1', kind: 'Deployment', namespace: null, name: 'web' }],
        fingerprint: 'ignored',
      },
      { ruleId: 'yaml-invalid', severity: 'later', category: 'new-pillar', message: 'x', object: null, path: null },
    ],
    summary: {},
  };

  it('reads findings back as the scan made them', () => {
    const [a, b] = findingsFromReport(JSON.stringify(report), 'r.json');
    expect(a).toEqual({
      ruleId: 'image-tag-latest',
      severity: 'high',
      category: 'supply-chain',
      message: 'm',
      object: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'web' },
      otherObjects: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }],
      path: '/spec',
      source: { file: 'deploy/web.yaml', line: 3 },
      roots: ['deploy'],
    });
    expect(b).toEqual({ ruleId: 'yaml-invalid', severity: 'info', category: 'governance', message: 'x' });
  });

  it('refuses what is not a report, and a report written with a baseline', () => {
    const code = (text: string) => {
      try {
        findingsFromReport(text, 'r.json');
        return 'none';
      } catch (err) {
        return err instanceof KubeprintError ? err.code : 'other';
      }
    };
    expect(code('{')).toBe('INPUT_INVALID');
    expect(code('[]')).toBe('INPUT_INVALID');
    expect(code('{"findings": [1]}')).toBe('INPUT_INVALID');
    expect(code('{"findings": [{"ruleId": "x", "object": {"kind": "Pod"}}]}')).toBe('INPUT_INVALID');
    expect(code('{"findings": [{"ruleId": "x", "source": {"file": 3}}]}')).toBe('INPUT_INVALID');
    expect(code(JSON.stringify({ ...report, baseline: { against: 'main' } }))).toBe('INPUT_INVALID');
    expect(code(JSON.stringify({ ...report, baseline: null }))).toBe('none');
  });
});
