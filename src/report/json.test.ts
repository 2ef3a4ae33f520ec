import { describe, expect, it } from 'vitest';
import { HOSTILE_MESSAGE, sampleContext, sampleResult } from '../../test/helpers/report-sample.js';
import { fingerprintOf } from '../gitops/baseline.js';
import type { Finding } from '../model/finding.js';
import { CATEGORIES, SEVERITIES } from '../model/severity.js';
import { jsonReporter } from './json.js';

const FINDING_KEYS = [
  'ruleId',
  'severity',
  'category',
  'message',
  'object',
  'path',
  'source',
  'roots',
  'otherObjects',
  'fingerprint',
  'deployedBy',
];
const SUMMARY_KEYS = [
  'total',
  'bySeverity',
  'byCategory',
  'failOn',
  'failed',
  'exempted',
  'files',
  'objects',
  'skippedDocuments',
  'skippedFiles',
  'notIncluded',
  'notIncludedFiles',
];

function parse(out: string): Record<string, unknown> {
  return JSON.parse(out) as Record<string, unknown>;
}

describe('json reporter', () => {
  it("names the GitOps objects that deploy a finding's object, and those that deploy them", () => {
    const result = sampleResult();
    const f = result.findings[0] as Finding;
    f.deployedBy = [
      {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Application',
        namespace: 'argocd',
        name: 'web',
        source: { file: 'apps/web.yaml', line: 1, column: 1 },
        via: [{ apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', namespace: 'argocd', name: 'root' }],
      },
    ];
    const [web] = parse(jsonReporter.render(result, sampleContext())).findings as Record<string, unknown>[];
    expect(web?.deployedBy).toEqual([
      {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Application',
        namespace: 'argocd',
        name: 'web',
        source: { file: 'apps/web.yaml', line: 1, column: 1 },
        via: [
          { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', namespace: 'argocd', name: 'root', source: null },
        ],
      },
    ]);
  });

  it('is valid JSON with findings then summary, in a stable key order', () => {
    const out = jsonReporter.render(sampleResult(), sampleContext());
    expect(out.endsWith('}\n')).toBe(true);
    const doc = parse(out);
    expect(Object.keys(doc)).toEqual(['findings', 'summary']);
    const findings = doc.findings as Record<string, unknown>[];
    expect(findings).toHaveLength(6);
    for (const f of findings) expect(Object.keys(f)).toEqual(FINDING_KEYS);
    const summary = doc.summary as Record<string, unknown>;
    expect(Object.keys(summary)).toEqual(SUMMARY_KEYS);
    expect(Object.keys(summary.bySeverity as object)).toEqual([...SEVERITIES]);
    expect(Object.keys(summary.byCategory as object)).toEqual([...CATEGORIES]);
    // Same input, same bytes.
    expect(jsonReporter.render(sampleResult(), sampleContext())).toBe(out);
  });

  it('writes every field, with null for what is unknown', () => {
    const [web, , role, api, broken, ns] = parse(jsonReporter.render(sampleResult(), sampleContext()))
      .findings as Record<string, unknown>[];
    expect(web).toEqual({
      ruleId: 'privileged-container',
      severity: 'critical',
      category: 'pod-security',
      message: 'Container "web" runs privileged',
      object: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'prod', name: 'web' },
      path: '/spec/template/spec/containers/0/securityContext/privileged',
      source: { file: 'deploy/web.yaml', line: 30, column: 13 },
      roots: [],
      otherObjects: [],
      fingerprint: fingerprintOf(sampleResult().findings[0] as Finding),
      deployedBy: [],
    });
    expect(web?.fingerprint).toMatch(/^[0-9a-f]{32}$/);
    expect(role?.object).toEqual({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      namespace: null,
      name: 'admin-all',
    });
    expect(role?.source).toEqual({ file: 'rbac.yaml', line: 7, column: null });
    expect(api?.source).toEqual({ file: 'deploy/api.yaml', line: null, column: null });
    expect(broken?.object).toBeNull();
    expect(broken?.path).toBeNull();
    expect(ns?.source).toBeNull();
    expect(ns?.path).toBe('');
  });

  it('a finding overlays share lists every render root and the other objects', () => {
    const r = sampleResult();
    const first = r.findings[0];
    if (!first) throw new Error('sample has findings');
    r.findings[0] = {
      ...first,
      roots: ['overlays/production', 'overlays/staging'],
      otherObjects: [{ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'staging', name: 'web' }],
    };
    const [web] = parse(jsonReporter.render(r, sampleContext())).findings as Record<string, unknown>[];
    expect(web?.roots).toEqual(['overlays/production', 'overlays/staging']);
    expect(web?.otherObjects).toEqual([
      { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'staging', name: 'web' },
    ]);
    // chunks and render agree
    expect([...jsonReporter.chunks(r, sampleContext())].join('')).toBe(jsonReporter.render(r, sampleContext()));
  });

  it('keeps messages exactly, escaped only as JSON requires', () => {
    const out = jsonReporter.render(sampleResult(), sampleContext());
    const findings = parse(out).findings as Record<string, unknown>[];
    expect(findings[1]?.message).toBe(HOSTILE_MESSAGE);
    expect(out).not.toContain('\u001b');
    expect(out).toContain('\\u001b[31mred');
  });

  it('summarises counts, the threshold and the verdict', () => {
    const summary = parse(jsonReporter.render(sampleResult(), sampleContext({ failOn: 'critical' }))).summary as Record<
      string,
      unknown
    >;
    expect(summary).toEqual({
      total: 6,
      bySeverity: { critical: 1, high: 2, medium: 1, low: 1, info: 1 },
      byCategory: {
        'supply-chain': 1,
        identity: 1,
        'pod-security': 1,
        network: 1,
        resilience: 1,
        'control-plane': 0,
        gitops: 0,
        governance: 1,
      },
      failOn: 'critical',
      failed: true,
      exempted: 2,
      files: 4,
      objects: 9,
      skippedDocuments: 1,
      skippedFiles: 0,
      notIncluded: 0,
      notIncludedFiles: [],
    });
    const r = sampleResult();
    r.findings = r.findings.filter((f) => f.severity !== 'critical');
    const passing = parse(jsonReporter.render(r, sampleContext({ failOn: 'critical' }))).summary as Record<
      string,
      unknown
    >;
    expect(passing.failed).toBe(false);
    expect(passing.total).toBe(5);
  });

  it('lists exempted findings with their exemption only with showExempted', () => {
    const doc = parse(jsonReporter.render(sampleResult(), sampleContext({ showExempted: true })));
    expect(Object.keys(doc)).toEqual(['findings', 'summary', 'exempted']);
    const exempted = doc.exempted as Record<string, unknown>[];
    expect(exempted).toHaveLength(2);
    expect(Object.keys(exempted[0] ?? {})).toEqual([...FINDING_KEYS, 'exemption']);
    expect(exempted[0]?.exemption).toEqual({
      via: 'config',
      reason: 'legacy image, migration tracked in PLAT-12',
      owner: 'team-web',
      expires: '2030-01-31',
    });
    expect(exempted[1]?.exemption).toEqual({
      via: 'annotation',
      reason: 'dev runs one replica',
      owner: null,
      expires: null,
    });
    // Exempted findings never count in the totals or the verdict.
    expect((doc.summary as Record<string, unknown>).total).toBe(6);
  });
});

describe('json reporter with a baseline', () => {
  it('adds baseline after summary: counts, the fixed findings, the NetworkPolicy change', () => {
    const r = sampleResult();
    const fixed = r.findings.pop() as Finding;
    r.baseline = {
      against: 'main (3f2a1bc)',
      fixed: [fixed],
      unchanged: 7,
      networkPolicies: {
        changed: ['changed NetworkPolicy shop/web'],
        connectivity: [
          {
            type: 'added',
            source: 'shop/admin[Deployment]',
            destination: 'shop/web[Deployment]',
            before: 'No Connections',
            after: 'TCP 8080',
            workloads: '',
          },
        ],
        problems: [],
      },
    };
    const doc = parse(jsonReporter.render(r, sampleContext({ showExempted: true })));
    expect(Object.keys(doc)).toEqual(['findings', 'summary', 'baseline', 'exempted']);
    const b = doc.baseline as Record<string, unknown>;
    expect(Object.keys(b)).toEqual(['against', 'new', 'fixed', 'unchanged', 'fixedFindings', 'networkPolicies']);
    expect(b).toMatchObject({ against: 'main (3f2a1bc)', new: r.findings.length, fixed: 1, unchanged: 7 });
    const [gone] = b.fixedFindings as Record<string, unknown>[];
    expect(Object.keys(gone ?? {})).toEqual(FINDING_KEYS);
    expect(gone?.fingerprint).toBe(fingerprintOf(fixed));
    expect(b.networkPolicies).toEqual({
      changed: ['changed NetworkPolicy shop/web'],
      connectivityDiff: [
        {
          type: 'added',
          source: 'shop/admin[Deployment]',
          destination: 'shop/web[Deployment]',
          before: 'No Connections',
          after: 'TCP 8080',
          workloads: '',
        },
      ],
      problems: [],
    });
    // chunked output is the same document
    expect([...jsonReporter.chunks(r, sampleContext({ showExempted: true }))].join('')).toBe(
      jsonReporter.render(r, sampleContext({ showExempted: true })),
    );
    r.baseline = { against: 'base.json', fixed: [], unchanged: 0 };
    expect(
      (parse(jsonReporter.render(r, sampleContext())).baseline as Record<string, unknown>).networkPolicies,
    ).toBeNull();
  });
});
