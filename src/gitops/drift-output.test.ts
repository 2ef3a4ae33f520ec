import { describe, expect, it } from 'vitest';
import type { DriftReport } from './drift.js';
import { DRIFT_FORMATS, driftSummary } from './drift-output.js';

const web = { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'web' };

function report(over: Partial<DriftReport> = {}): DriftReport {
  return {
    context: 'prod',
    server: 'https://10.0.0.1:6443',
    compared: 4,
    owners: ['Flux Kustomization flux-system/apps'],
    entries: [
      {
        type: 'missing',
        object: { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'shop', name: 'settings' },
        source: { file: 'cm.yaml', line: 1, column: 1 },
      },
      {
        type: 'changed',
        object: web,
        path: '/spec/replicas',
        field: 'spec.replicas',
        change: 'modified',
        desired: 2,
        live: 3,
        source: { file: 'web.yaml', line: 7, column: 13 },
      },
      {
        type: 'changed',
        object: { apiVersion: 'v1', kind: 'Secret', namespace: 'shop', name: 's' },
        path: '/data/token',
        field: 'data.token',
        change: 'modified',
        redacted: true,
      },
      {
        type: 'extra',
        object: { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'shop', name: 'stray' },
        owner: 'Flux Kustomization flux-system/apps',
      },
    ],
    skipped: [
      {
        object: { apiVersion: 'batch/v1', kind: 'Job', namespace: 'shop', name: 'migrate' },
        reason: 'a Helm hook (pre-upgrade)',
      },
    ],
    problems: [],
    notes: ['HorizontalPodAutoscaler shop/web scales it'],
    ...over,
  };
}

const render = (name: 'table' | 'json' | 'markdown', r: DriftReport) => {
  const f = DRIFT_FORMATS.get(name);
  if (!f) throw new Error(name);
  return f(r);
};

describe('drift reports', () => {
  it('counts what every format shows', () => {
    expect(driftSummary(report())).toEqual({
      compared: 4,
      missing: 1,
      changed: 2,
      changedObjects: 2,
      extra: 1,
      skipped: 1,
      problems: 0,
      drift: true,
    });
  });

  it('table: one row per difference, secrets hidden, then the summary, skips and notes', () => {
    const t = render('table', report());
    expect(t.split('\n')[0]).toMatch(/^DRIFT +OBJECT +FIELD +DESIRED +LIVE +SOURCE$/);
    const rows = t
      .split('\n')
      .slice(1, 5)
      .map((l) => l.split(/ {2,}/));
    expect(rows).toEqual([
      ['missing', 'ConfigMap shop/settings', '-', '(object)', '(none)', 'cm.yaml:1'],
      ['changed', 'Deployment shop/web', 'spec.replicas', '2', '3', 'web.yaml:7'],
      ['changed', 'Secret shop/s', 'data.token', '(secret)', '(secret)', '-'],
      ['extra', 'ConfigMap shop/stray', '-', '(none)', '(object)', 'tracked by Flux Kustomization flux-system/apps'],
    ]);
    expect(t).toContain(
      'Drift: 1 missing, 2 changed fields in 2 objects, 1 extra; 4 objects compared with context prod (https://10.0.0.1:6443).',
    );
    expect(t).toContain('Not compared: Job shop/migrate: a Helm hook (pre-upgrade)');
    expect(t).toContain('Note: HorizontalPodAutoscaler shop/web scales it');
  });

  it('table: says so when there is no drift, and lists problems', () => {
    const t = render(
      'table',
      report({
        entries: [],
        skipped: [],
        notes: [],
        problems: [
          {
            code: 'FORBIDDEN',
            message: 'cannot read Secret shop/s: forbidden',
            source: { file: 's.yaml', line: 3, column: 1 },
          },
        ],
      }),
    );
    expect(t).toBe(
      'No drift: 4 objects compared with context prod (https://10.0.0.1:6443).\nExtra objects looked for by: Flux Kustomization flux-system/apps.\nError: s.yaml:3: cannot read Secret shop/s: forbidden\n',
    );
  });

  it('json: the documented shape', () => {
    const j = JSON.parse(render('json', report()));
    expect(Object.keys(j)).toEqual([
      'tool',
      'context',
      'server',
      'summary',
      'owners',
      'drift',
      'skipped',
      'problems',
      'notes',
    ]);
    expect(j.drift[1]).toEqual({
      type: 'changed',
      object: web,
      path: '/spec/replicas',
      field: 'spec.replicas',
      change: 'modified',
      desired: 2,
      live: 3,
      source: { file: 'web.yaml', line: 7, column: 13 },
    });
    expect(j.drift[2]).not.toHaveProperty('desired');
  });

  it('markdown: a table a manifest cannot break or use to ping people', () => {
    const r = report({
      entries: [
        {
          type: 'changed',
          object: web,
          path: '/metadata/annotations/x',
          field: 'metadata.annotations.x',
          change: 'modified',
          desired: 'a|b @team',
          live: '<img src=x>',
        },
      ],
    });
    const md = render('markdown', r);
    expect(md).toContain('### kubeprint drift');
    const row = md.split('\n').find((l) => l.startsWith('| changed'));
    // a pipe inside a value must not end the cell: 6 cells, 7 unescaped pipes
    expect(row?.replace(/\\\|/g, '').match(/\|/g)).toHaveLength(7);
    // values are code spans: GitHub shows them as text, never as HTML or a mention
    expect(row).toContain('`"<img src=x>"`');
    expect(md).toContain('**Not compared**');
  });

  it('markdown: long reports are cut with a count', () => {
    const many = Array.from({ length: 205 }, (_, i) => ({
      type: 'extra' as const,
      object: { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'shop', name: `cm-${i}` },
      owner: 'x',
    }));
    const md = render('markdown', report({ entries: many }));
    expect(md.match(/^\| extra \|/gm)).toHaveLength(200);
    expect(md).toContain('…and 5 more');
  });
});
