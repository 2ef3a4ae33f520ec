import { describe, expect, it } from 'vitest';
import { sampleContext, sampleResult } from '../../test/helpers/report-sample.js';
import type { Finding } from '../model/finding.js';
import { scanObjects } from '../scan.js';
import { objectsFromText } from '../sources/file-objects.js';
import { tableReporter, wrap, wrapItems } from './table.js';

const ESC = '\u001b';

describe('table reporter', () => {
  it("says under an object's header which GitOps objects deploy it", () => {
    const result = sampleResult();
    for (const f of result.findings.filter((x) => x.object?.name === 'web'))
      f.deployedBy = [
        {
          apiVersion: 'argoproj.io/v1alpha1',
          kind: 'Application',
          namespace: 'argocd',
          name: 'web',
          source: { file: 'apps/web.yaml', line: 3, column: 1 },
          via: [{ apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', namespace: 'argocd', name: 'root' }],
        },
      ];
    const lines = tableReporter.render(result, sampleContext()).split('\n');
    const webHeader = lines.indexOf('Deployment prod/web  (deploy/web.yaml:21)');
    expect(lines[webHeader + 1]).toBe(
      '  deployed by Application argocd/web (apps/web.yaml:3) via Application argocd/root',
    );
    expect(lines.filter((l) => l.includes('deployed by'))).toHaveLength(1);
  });

  it('has no escape codes at all without colour, even when a message carries one', () => {
    const out = tableReporter.render(sampleResult(), sampleContext({ color: false, showExempted: true }));
    expect(out).not.toContain(ESC);
    // The message's own ESC is shown, not sent to the terminal.
    expect(out).toContain('\\u001b[31mred');
  });

  it('colours severities and the verdict with colour on', () => {
    const out = tableReporter.render(sampleResult(), sampleContext({ color: true }));
    expect(out).toContain(`${ESC}[1m${ESC}[31mCRITICAL`);
    expect(out).toContain(`${ESC}[33mMEDIUM`);
    expect(out).toMatch(new RegExp(`${ESC}\\[1m${ESC}\\[31mFAIL:`));
    // Without the colour codes it is the plain table, character for character.
    // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping SGR sequences
    const stripped = out.replace(/\u001b\[[0-9;]*m/g, '');
    expect(stripped).toBe(tableReporter.render(sampleResult(), sampleContext({ color: false })));
  });

  it('groups findings by object with a header line, and file-only findings by file', () => {
    const lines = tableReporter.render(sampleResult(), sampleContext()).split('\n');
    const webHeader = lines.indexOf('Deployment prod/web  (deploy/web.yaml:21)');
    expect(webHeader).toBeGreaterThanOrEqual(0);
    // Both findings on prod/web sit under one header, each with its location and JSON path.
    expect(lines[webHeader + 1]).toMatch(/^ {2}CRITICAL {2}privileged-container {2}Container "web" runs privileged$/);
    expect(lines[webHeader + 2]).toBe(
      `${' '.repeat(12)}deploy/web.yaml:30:13  /spec/template/spec/containers/0/securityContext/privileged`,
    );
    expect(lines.slice(webHeader + 3).find((l) => l.includes('image-digest-not-pinned'))).toMatch(/^ {2}HIGH {6}/);
    expect(lines.filter((l) => l.startsWith('Deployment prod/web'))).toHaveLength(1);
    // Cluster-scoped object: no namespace; a line without column.
    expect(lines).toContain('ClusterRole admin-all  (rbac.yaml:7)');
    expect(lines).toContain(`${' '.repeat(12)}rbac.yaml:7  /rules/0`);
    // A finding without a line: header names the file alone.
    expect(lines).toContain('Deployment prod/api  (deploy/api.yaml)');
    // Without an object: grouped under its file.
    expect(lines).toContain('broken.yaml');
    expect(lines).toContain(`${' '.repeat(12)}broken.yaml:4:2`);
    // Without any source (cluster scan): the bare object.
    expect(lines).toContain('Namespace prod');
  });

  it('stays within 100 columns', () => {
    const long = sampleResult();
    long.findings[0]!.message = `${'word '.repeat(60)}end`;
    const out = tableReporter.render(long, sampleContext({ showExempted: true }));
    const over = out.split('\n').filter((l) => l.length > 100);
    expect(over).toEqual([]);
    expect(out).toContain('end');
  });

  it('summarises by severity and pillar and states the verdict at --fail-on', () => {
    const out = tableReporter.render(sampleResult(), sampleContext({ failOn: 'high' }));
    expect(out).toContain('Summary: 6 findings in 4 objects');
    expect(out).toContain('by severity  critical 1  high 2  medium 1  low 1  info 1');
    expect(out).toContain(
      'by pillar    supply-chain 1  identity 1  pod-security 1  network 1  resilience 1  governance 1',
    );
    expect(out).toContain('scanned      4 files, 9 objects (1 document without apiVersion/kind skipped)');
    expect(out).toContain('exempted     2 (--show-exempted lists them)');
    expect(out.trimEnd().split('\n').at(-1)).toBe('FAIL: 3 findings at or above high (--fail-on high)');
  });

  it('passes when nothing reaches --fail-on', () => {
    const r = sampleResult();
    r.findings = r.findings.filter((f) => f.severity === 'low' || f.severity === 'info');
    const out = tableReporter.render(r, sampleContext({ failOn: 'medium' }));
    expect(out.trimEnd().split('\n').at(-1)).toBe('PASS: no findings at or above medium (--fail-on medium)');
  });

  it('says so when there are no findings', () => {
    const r = sampleResult();
    r.findings = [];
    r.exempted = [];
    const out = tableReporter.render(r, sampleContext());
    expect(out.startsWith('No findings.\n')).toBe(true);
    expect(out).toContain('PASS');
  });

  it('lists exempted findings with via, reason, owner and expiry only when asked', () => {
    const without = tableReporter.render(sampleResult(), sampleContext());
    expect(without).not.toContain('run-as-root');
    const out = tableReporter.render(sampleResult(), sampleContext({ showExempted: true }));
    // Wrapped lines joined again, to read the exemption as one sentence.
    const section = out.slice(out.indexOf('Exempted findings (2)')).replace(/\n {12}/g, ' ');
    expect(section).toContain('run-as-root');
    expect(section).toContain(
      'exempted via config: legacy image, migration tracked in PLAT-12; owner team-web; expires 2030-01-31',
    );
    expect(section).toContain('exempted via annotation: dev runs one replica');
    expect(out).toContain('exempted     2 (listed above)');
  });
});

describe('wrapItems', () => {
  it('breaks between items, never inside one (a pillar and its count stay together)', () => {
    expect(wrapItems(['supply-chain 449', 'identity 62', 'gitops 5'], 30)).toEqual([
      'supply-chain 449  identity 62',
      'gitops 5',
    ]);
  });
});

describe('wrap', () => {
  it('breaks at spaces and keeps over-long words whole', () => {
    expect(wrap('aaa bbb ccc', 7)).toEqual(['aaa bbb', 'ccc']);
    expect(wrap('x averyveryverylongword y', 5)).toEqual(['x', 'averyveryverylongword', 'y']);
  });
});

const BARE_DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: nginx
`;

function scanText(yaml: string) {
  const { objects } = objectsFromText(yaml, { file: 'deploy.yaml', scope: '.' });
  return scanObjects(objects, {});
}

/** Entries of the table: lines that start with a severity. */
function entries(out: string): string[] {
  return out
    .replace(/\n {12}/g, ' ')
    .split('\n')
    .filter((l) => /^ {2}(CRITICAL|HIGH|MEDIUM|LOW|INFO) /.test(l));
}

describe('table reporter: one entry per cause', () => {
  it('a bare Deployment reads as a short list of causes, every rule id listed once', () => {
    const result = scanText(BARE_DEPLOYMENT);
    const out = tableReporter.render(result, sampleContext());
    const list = entries(out);
    for (const f of result.findings) expect(list.filter((l) => l.includes(` ${f.ruleId}`))).toHaveLength(1);
    // four restricted Pod Security rules on one container are one entry; so are the service-account rules
    const pss = list.filter((l) => l.includes('pss-'));
    expect(pss).toHaveLength(1);
    expect(pss[0]).toMatch(/securityContext not hardened: .*pss-run-as-non-root.*pss-seccomp-profile-restricted/);
    expect(list.filter((l) => /service-account/.test(l))).toHaveLength(1);
    // the worst severity leads; a lower one is marked on its id
    expect(list.find((l) => l.includes('image-tag-latest'))).toMatch(
      /^ {2}HIGH {6}image not pinned: image-tag-latest, image-digest-not-pinned \(medium\) /,
    );
    expect(list.length).toBeLessThanOrEqual(Math.ceil(result.findings.length / 2));
    expect(out).toContain(`Summary: ${result.findings.length} findings (${list.length} causes) in 1 object`);
  });

  it('a joined entry points at the topmost finding and the path its findings share', () => {
    const out = tableReporter.render(scanText(BARE_DEPLOYMENT), sampleContext());
    const lines = out.split('\n');
    const at = lines.findIndex((l) => l.includes('resource requests or limits missing'));
    expect(lines[at + 1]).toBe(`${' '.repeat(12)}deploy.yaml:13:9  /spec/template/spec/containers/0`);
  });

  it('a finding alone keeps its message; exempted findings are listed one by one', () => {
    const out = tableReporter.render(sampleResult(), sampleContext({ showExempted: true }));
    expect(out).toContain('CRITICAL  privileged-container  Container "web" runs privileged');
    expect(out).not.toContain('causes');
  });
});

describe('table reporter: a base that overlays share', () => {
  const base = (over: Partial<Finding>): Finding => ({
    ruleId: 'pdb-missing',
    severity: 'medium',
    category: 'resilience',
    message: 'Deployment "web" runs 2 replicas and no PodDisruptionBudget selects its pods',
    object: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop-prod', name: 'web' },
    path: '',
    source: { file: 'apps/base/web.yaml', line: 3, column: 1 },
    ...over,
  });

  it('names the overlays once, in the header of one block with every object', () => {
    const r = sampleResult();
    r.findings = [
      base({
        roots: ['apps/overlays/staging', 'apps/overlays/production'],
        otherObjects: [{ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop-staging', name: 'web' }],
      }),
      base({
        ruleId: 'spread-missing',
        path: '/spec/template/spec',
        source: { file: 'apps/base/web.yaml', line: 9, column: 5 },
        // the same objects and roots, named in the other order
        object: { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop-staging', name: 'web' },
        otherObjects: [{ apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop-prod', name: 'web' }],
        roots: ['apps/overlays/production', 'apps/overlays/staging'],
      }),
      base({ ruleId: 'single-replica', roots: ['apps/overlays/staging'] }),
      base({
        ruleId: 'single-replica',
        source: { file: 'apps/overlays/staging/patch.yaml', line: 4, column: 3 },
        roots: ['apps/overlays/staging'],
      }),
    ];
    const out = tableReporter.render(r, sampleContext());
    const headers = out.split('\n').filter((l) => /^[A-Z]/.test(l) && !l.startsWith('Summary'));
    expect(headers.slice(0, 3)).toEqual([
      'Deployment shop-prod/web, shop-staging/web  (apps/base/web.yaml:3; production, staging)',
      // one overlay's finding on the base says which overlay
      'Deployment shop-prod/web  (apps/base/web.yaml:3; staging)',
      // an overlay's own file says where it is by itself
      'Deployment shop-prod/web  (apps/overlays/staging/patch.yaml:4)',
    ]);
    expect(out.match(/production, staging/g)).toHaveLength(1);
  });
});
