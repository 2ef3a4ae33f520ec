import { describe, expect, it } from 'vitest';
import { manyFindings, sampleContext, sampleResult } from '../../test/helpers/report-sample.js';
import { scanObjects } from '../scan.js';
import { objectsFromText } from '../sources/file-objects.js';
import { code, escapeMarkdown, MAX_CHARS, MAX_FINDINGS, markdownReporter } from './markdown.js';

function render(overrides: Parameters<typeof sampleContext>[0] = {}, result = sampleResult()): string {
  return markdownReporter.render(result, sampleContext(overrides));
}

describe('markdown reporter', () => {
  it('says which GitOps object deploys what a finding is about', () => {
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
    const out = markdownReporter.render(result, sampleContext());
    const items = out.split('\n').filter((l) => l.startsWith('- '));
    const web = items.filter((l) => l.includes('Deployment prod/web'));
    expect(web.length).toBeGreaterThan(0);
    for (const l of web)
      expect(l).toContain(' · deployed by Application argocd/web (apps/web.yaml:3) via Application argocd/root');
    expect(items.filter((l) => !l.includes('Deployment prod/web') && l.includes('deployed by'))).toEqual([]);
  });

  it('opens with the verdict at --fail-on', () => {
    expect(render({ failOn: 'high' }).split('\n')[0]).toBe('## ❌ kubeprint: fails at `high`');
    const r = sampleResult();
    r.findings = r.findings.filter((f) => f.severity === 'low' || f.severity === 'info');
    const out = render({ failOn: 'medium' }, r);
    expect(out.split('\n')[0]).toBe('## ✅ kubeprint: passes at `medium`');
    expect(out).toContain('No findings at or above `medium` (2 findings in total, 2 exempted');
  });

  it('has a summary table by severity', () => {
    const out = render();
    expect(out).toContain(
      '**3 findings** at or above `high` (6 findings in total, 2 exempted, 9 objects in 4 files scanned).',
    );
    const table = out.slice(out.indexOf('| Severity |')).split('\n\n')[0]?.split('\n');
    expect(table).toEqual([
      '| Severity | Findings |',
      '| --- | ---: |',
      '| 🔴 critical | 1 |',
      '| 🟠 high | 2 |',
      '| 🟡 medium | 1 |',
      '| 🔵 low | 1 |',
      '| ⚪ info | 1 |',
    ]);
  });

  it('groups findings by severity, worst first, each with rule id, file:line and object', () => {
    const out = render();
    const headings = out.split('\n').filter((l) => l.startsWith('### '));
    expect(headings).toEqual(['### Critical (1)', '### High (2)', '### Medium (1)', '### Low (1)', '### Info (1)']);
    expect(out).toContain(
      '- `privileged-container` Container "web" runs privileged — `deploy/web.yaml:30` · Deployment prod/web',
    );
    expect(out).toContain('- `rbac-wildcard` ClusterRole grants \\* on \\* — `rbac.yaml:7` · ClusterRole admin-all');
    expect(out).toContain('- `yaml-invalid` Unexpected end of document — `broken.yaml:4`');
    expect(out).toContain('- `replicas-too-few` Deployment has 1 replica — `deploy/api.yaml` · Deployment prod/api');
    expect(out).not.toContain('<details>');
  });

  it('says which files with objects no kustomization includes were not scanned', () => {
    const r = sampleResult();
    expect(render({}, r)).not.toContain('not scanned');
    r.stats.notIncluded = ['examples/a.yaml', 'examples/b_c.yaml', 'old/d.yaml', 'old/e.yaml'];
    expect(render({}, r)).toContain(
      '4 files with Kubernetes objects that no kustomization includes were not scanned: `examples/a.yaml`, `examples/b_c.yaml`, `old/d.yaml` and 1 more (`--raw` scans every file).',
    );
  });

  it('escapes pipes, markup, mentions and control characters in messages', () => {
    const line = render()
      .split('\n')
      .find((l) => l.includes('image-digest-not-pinned'));
    expect(line).toBe(
      '- `image-digest-not-pinned` image "nginx:1.25\\|\\<b\\>x\\</b\\>" &amp; \'tag\' by @\u2060admins \\`sh\\` ' +
        '\\[link\\](http://x) \\\\u001b\\[31mred — `deploy/web.yaml:21` · Deployment prod/web',
    );
    expect(line).not.toContain('\u001b');
  });

  it('lists exempted findings, folded, only with showExempted', () => {
    expect(render()).not.toContain('run-as-root');
    const out = render({ showExempted: true });
    const section = out.slice(out.indexOf('<details><summary>Exempted (2)</summary>'));
    expect(section).toContain(
      '<br>_exempted via config: legacy image, migration tracked in PLAT-12; owner team-web; expires 2030-01-31_',
    );
    expect(section.trimEnd().endsWith('</details>')).toBe(true);
  });

  it('folds long groups into <details>, open when they decide the verdict', () => {
    const r = sampleResult();
    r.findings = [...manyFindings(12, 'high'), ...manyFindings(11, 'low')];
    const out = render({ failOn: 'high' }, r);
    expect(out).toContain('<details open><summary><strong>High (12)</strong></summary>');
    expect(out).toContain('<details><summary><strong>Low (11)</strong></summary>');
    expect(out.match(/<\/details>/g)).toHaveLength(2);
    expect(out.split('\n').filter((l) => l.startsWith('- `replicas-too-few`'))).toHaveLength(23);
  });

  it(`caps the list at ${MAX_FINDINGS} findings and counts the rest`, () => {
    const r = sampleResult();
    r.findings = [...manyFindings(150, 'critical'), ...manyFindings(100, 'medium')];
    const out = render({}, r);
    expect(out.split('\n').filter((l) => l.startsWith('- '))).toHaveLength(MAX_FINDINGS);
    expect(out).toContain('…and 50 more findings not listed here');
    // Counts stay whole even when the list is cut.
    expect(out).toContain('| 🔴 critical | 150 |');
    expect(out).toContain('<details><summary><strong>Medium (100)</strong></summary>');
  });

  it(`stays under ${MAX_CHARS} characters however long the messages are`, () => {
    const r = sampleResult();
    r.findings = manyFindings(150, 'high').map((f) => ({ ...f, message: 'x'.repeat(1000) }));
    const out = render({ showExempted: true }, r);
    expect(out.length).toBeLessThanOrEqual(MAX_CHARS + 500);
    const listed = out.split('\n').filter((l) => l.includes('x'.repeat(1000))).length;
    expect(listed).toBeGreaterThan(0);
    expect(listed).toBeLessThan(150);
    expect(out).toContain(`…and ${150 - listed} more findings not listed here`);
  });
});

describe('markdown reporter: one item per cause', () => {
  const bare = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
        - name: web
          image: nginx
`;

  it('joins the findings of rules that judge one fact, under their worst severity, every rule id once', () => {
    const { objects } = objectsFromText(bare, { file: 'deploy.yaml', scope: '.' });
    const result = scanObjects(objects, {});
    const out = render({}, result);
    const items = out.split('\n').filter((l) => l.startsWith('- '));
    for (const f of result.findings) expect(items.filter((l) => l.includes(`\`${f.ruleId}\``))).toHaveLength(1);
    expect(items.length).toBeLessThanOrEqual(Math.ceil(result.findings.length / 2));
    const image = items.find((l) => l.includes('image-tag-latest'));
    expect(image).toBe(
      '- `image-tag-latest`, `image-digest-not-pinned` (medium) image not pinned — `deploy.yaml:11` · Deployment shop/web',
    );
    // the heading counts findings and causes when they differ
    expect(out).toMatch(/### Medium \(\d+ findings, \d+ causes\)/);
    expect(out).toContain('### High (2 findings, 1 cause)');
  });

  it('names the overlays of a finding they share, once, with every object', () => {
    const r = sampleResult();
    const first = r.findings[0];
    if (!first?.object) throw new Error('sample has an object finding first');
    r.findings[0] = {
      ...first,
      source: { file: 'apps/base/web.yaml', line: 30, column: 13 },
      roots: ['apps/overlays/production', 'apps/overlays/staging'],
      otherObjects: [{ ...first.object, namespace: 'staging' }],
    };
    expect(render({}, r)).toContain(
      '- `privileged-container` Container "web" runs privileged — `apps/base/web.yaml:30` · Deployment prod/web, staging/web (production, staging)',
    );
  });
});

describe('markdown helpers', () => {
  it('code spans survive backticks', () => {
    expect(code('a.yaml:3')).toBe('`a.yaml:3`');
    expect(code('a`b')).toBe('``a`b``');
    expect(code('`a')).toBe('`` `a ``');
  });

  it('escapeMarkdown leaves plain text alone', () => {
    expect(escapeMarkdown('Deployment prod/web-1 has 1 replica (want 2).')).toBe(
      'Deployment prod/web-1 has 1 replica (want 2).',
    );
    expect(escapeMarkdown('nginx@sha256:abc, mail me@x')).toBe('nginx@sha256:abc, mail me@x');
    expect(escapeMarkdown('ping @team')).toBe('ping @\u2060team');
  });
});

describe('markdown reporter with a baseline', () => {
  it('counts new findings, lists the fixed ones and the NetworkPolicy diff', () => {
    const r = sampleResult();
    const fixed = r.findings.splice(1, 1);
    r.baseline = {
      against: 'main (3f2a1bc)',
      fixed,
      unchanged: 12,
      networkPolicies: {
        changed: ['changed NetworkPolicy shop/web', 'added NetworkPolicy shop/deny_all'],
        connectivity: [
          {
            type: 'removed',
            source: 'shop/admin[Deployment]',
            destination: 'shop/web[Deployment]',
            before: 'TCP 8080',
            after: 'No Connections',
            workloads: '',
          },
        ],
        problems: ['head: warning: something odd'],
      },
    };
    const out = render({ failOn: 'high' }, r);
    expect(out).toContain('new findings** at or above `high`');
    expect(out).toContain('Against `main (3f2a1bc)`: **5 new**, 1 fixed, 12 unchanged');
    expect(out).toContain('### Fixed by this change (1)');
    const fixedSection = out.slice(out.indexOf('### Fixed by this change'));
    expect(fixedSection).toContain(`\`${fixed[0]?.ruleId}\``);
    expect(out).toContain('changed `NetworkPolicy shop/web`, added `NetworkPolicy shop/deny_all`.');
    expect(out).toContain(
      '| removed | shop/admin\\[Deployment\\] | shop/web\\[Deployment\\] | TCP 8080 | No Connections |  |',
    );
    expect(out).toContain('- head: warning: something odd');
    // the diff comes before the fixed list, both after the new findings
    expect(out.indexOf('### NetworkPolicy changes')).toBeLessThan(out.indexOf('### Fixed by this change'));
    expect(out.indexOf('### Critical')).toBeLessThan(out.indexOf('### NetworkPolicy changes'));
  });

  it('says so when nothing is new, and that the connections are the same', () => {
    const r = sampleResult();
    r.findings = [];
    r.baseline = {
      against: 'base.json',
      fixed: [],
      unchanged: 3,
      networkPolicies: { changed: ['changed NetworkPolicy shop/web'], connectivity: [], problems: [] },
    };
    const out = render({ failOn: 'high' }, r);
    expect(out.split('\n')[0]).toBe('## ✅ kubeprint: passes at `high`');
    expect(out).toContain('No new findings at or above `high` (0 new findings in total');
    expect(out).toContain(
      'The allowed connections between the workloads of the input are the same before and after (pods an operator creates from a custom resource are not among them).',
    );
    expect(out).not.toContain('Fixed by this change');
  });
});
