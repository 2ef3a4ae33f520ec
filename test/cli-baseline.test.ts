/**
 * The PR gate end to end: a git repository made here (a base commit, a head
 * commit that moves lines, fixes one finding and adds one violation), scanned
 * through the CLI with --baseline-ref and with --baseline.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findTool } from '../src/sources/tools.js';
import { runCli } from './cli-capture.js';

const hasHelm = await findTool('helm');
if (!hasHelm) console.warn('skipping the Helm baseline test: helm is not on PATH or in the tools directory');

const APP = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  replicas: 1
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
        - name: web
          image: nginx:latest
`;

/** The head: two comment lines on top (every line moves), readOnlyRootFilesystem fixed, hostNetwork added. */
const APP_HEAD = `# the web tier
# owned by team-shop
${APP.replace(
  '          image: nginx:latest\n',
  '          image: nginx:latest\n          securityContext:\n            readOnlyRootFilesystem: true\n',
).replace('    spec:\n      containers:', '    spec:\n      hostNetwork: true\n      containers:')}`;

/** YAML that does not parse: a finding about the file, not an object. */
const BROKEN = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: [oops\n';

interface JsonFinding {
  ruleId: string;
  fingerprint: string;
  object: { kind: string; name: string } | null;
  source: { file: string; line: number | null } | null;
}
interface Report {
  findings: JsonFinding[];
  summary: { total: number; failed: boolean };
  baseline?: {
    against: string;
    new: number;
    fixed: number;
    unchanged: number;
    fixedFindings: JsonFinding[];
    networkPolicies: { changed: string[]; connectivityDiff: unknown[] } | null;
  };
}

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], {
    cwd,
    encoding: 'utf8',
  });
}

function write(root: string, files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, name)), { recursive: true });
    writeFileSync(join(root, name), text);
  }
}

/** A repository with `base` committed on main and `head` on the branch `change`. */
function repo(base: Record<string, string>, head: Record<string, string>): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'kubeprint-gate-')));
  git(dir, 'init', '-q', '-b', 'main');
  write(dir, base);
  git(dir, 'add', '.');
  git(dir, 'commit', '-q', '-m', 'base');
  git(dir, 'checkout', '-q', '-b', 'change');
  write(dir, head);
  git(dir, 'add', '.');
  git(dir, 'commit', '-q', '-m', 'head');
  return dir;
}

const baseWorktrees = () => readdirSync(tmpdir()).filter((n) => n.startsWith('kubeprint-base-'));

function lineOf(text: string, needle: string): number {
  return text.split('\n').findIndex((l) => l.includes(needle)) + 1;
}

describe('scan --baseline-ref / --baseline (PR gate)', () => {
  it('reports exactly the new finding and the fixed one, whatever lines moved', async () => {
    const dir = repo(
      { 'deploy/app.yaml': APP, 'deploy/broken.yaml': BROKEN },
      {
        'deploy/app.yaml': APP_HEAD,
        // the broken file moves down too: still the same finding about the file
        'deploy/broken.yaml': `# still broken\n\n${BROKEN}`,
      },
    );
    const before = baseWorktrees();
    const full = JSON.parse(
      (await runCli(['scan', 'deploy', '-o', 'json', '--fail-on', 'none'], { cwd: dir })).stdout,
    ) as Report;

    const r = await runCli(['scan', 'deploy', '--baseline-ref', 'main', '-o', 'json'], { cwd: dir });
    const out = JSON.parse(r.stdout) as Report;
    expect(out.findings.map((f) => f.ruleId)).toEqual(['pss-host-namespaces']);
    expect(out.findings[0]?.source).toMatchObject({ file: 'deploy/app.yaml', line: lineOf(APP_HEAD, 'hostNetwork') });
    expect(out.baseline?.fixedFindings.map((f) => f.ruleId)).toEqual(['readonly-root-filesystem']);
    // the fixed finding is where the base had it
    expect(out.baseline?.fixedFindings[0]?.source).toMatchObject({
      file: 'deploy/app.yaml',
      line: lineOf(APP, '- name: web'),
    });
    expect(out.baseline).toMatchObject({ new: 1, fixed: 1, networkPolicies: null });
    expect(out.baseline?.against).toMatch(/^main \([0-9a-f]{7}\)$/);
    // everything else the head has is unchanged, the broken file's finding among them
    expect(full.findings.some((f) => f.ruleId === 'yaml-invalid' || f.object === null)).toBe(true);
    expect(out.baseline?.unchanged).toBe(full.findings.length - 1);
    expect(out.summary).toMatchObject({ total: 1, failed: true });
    // the exit status counts only new findings: the new one is high
    expect(r.code).toBe(1);
    const critical = await runCli(['scan', 'deploy', '--baseline-ref', 'main', '--fail-on', 'critical'], { cwd: dir });
    expect(critical.code).toBe(0);
    expect(critical.stdout).toMatch(/baseline +main \([0-9a-f]{7}\): 1 new, 1 fixed/);
    expect(critical.stdout).toMatch(/Fixed by this change \(1\)[\s\S]*readonly-root-filesystem/);

    // the worktree is gone, from git and from disk
    expect(git(dir, 'worktree', 'list').trim().split('\n')).toHaveLength(1);
    expect(baseWorktrees()).toEqual(before);
  });

  it('gives the same answer with --baseline REPORT.json, and with absolute paths from elsewhere', async () => {
    const dir = repo(
      { 'deploy/app.yaml': APP, 'deploy/broken.yaml': BROKEN },
      {
        'deploy/app.yaml': APP_HEAD,
        'deploy/broken.yaml': `# still broken\n\n${BROKEN}`,
      },
    );
    const reports = mkdtempSync(join(tmpdir(), 'kubeprint-gate-report-'));
    git(dir, 'checkout', '-q', 'main');
    const base = await runCli(
      ['scan', 'deploy', '-o', 'json', '--fail-on', 'none', '--output-file', join(reports, 'base.json')],
      { cwd: dir },
    );
    expect(base.code).toBe(0);
    git(dir, 'checkout', '-q', 'change');

    const viaReport = JSON.parse(
      (await runCli(['scan', 'deploy', '--baseline', join(reports, 'base.json'), '-o', 'json'], { cwd: dir })).stdout,
    ) as Report;
    expect(viaReport.findings.map((f) => f.ruleId)).toEqual(['pss-host-namespaces']);
    expect(viaReport.baseline?.fixedFindings.map((f) => f.ruleId)).toEqual(['readonly-root-filesystem']);
    expect(viaReport.baseline?.against).toBe(join(reports, 'base.json'));

    // absolute paths, run from outside the repository: the base's files are shown as the head's
    const abs = JSON.parse(
      (await runCli(['scan', join(dir, 'deploy'), '--baseline-ref', 'main', '-o', 'json'], { cwd: tmpdir() })).stdout,
    ) as Report;
    expect(abs.findings.map((f) => f.ruleId)).toEqual(['pss-host-namespaces']);
    expect(abs.baseline?.unchanged).toBe(viaReport.baseline?.unchanged);
    expect(abs.baseline?.fixedFindings[0]?.source?.file).toBe(join(dir, 'deploy', 'app.yaml'));
    expect(abs.findings[0]?.fingerprint).toBe(viaReport.findings[0]?.fingerprint);
  });

  it('a path the base lacks makes all its findings new; a deleted file’s findings are fixed', async () => {
    const api = APP.replaceAll('web', 'api').replace('namespace: shop', 'namespace: api');
    const old = APP.replaceAll('web', 'old').replace('namespace: shop', 'namespace: legacy');
    const dir = repo(
      { 'deploy/app.yaml': APP, 'deploy/old.yaml': old },
      { 'deploy/app.yaml': APP_HEAD, 'more/api.yaml': api },
    );
    git(dir, 'rm', '-q', 'deploy/old.yaml');
    git(dir, 'commit', '-q', '-m', 'old is gone');
    const r = await runCli(['scan', 'deploy', 'more', '--baseline-ref', 'main', '-o', 'json', '--fail-on', 'none'], {
      cwd: dir,
    });
    expect(r.stderr).toMatch(/base main: more does not exist there: all its findings are new/);
    const out = JSON.parse(r.stdout) as Report;
    const alone = async (path: string) =>
      (
        JSON.parse((await runCli(['scan', path, '-o', 'json', '--fail-on', 'none'], { cwd: dir })).stdout) as Report
      ).findings.map((f) => f.ruleId);
    const apiFindings = await alone('more');
    expect(apiFindings.length).toBeGreaterThan(5);
    expect(out.findings.map((f) => f.ruleId).sort()).toEqual(['pss-host-namespaces', ...apiFindings].sort());
    write(dir, { 'old.yaml': old });
    const oldFindings = await alone('old.yaml');
    expect(out.baseline?.fixedFindings.map((f) => f.ruleId).sort()).toEqual(
      ['readonly-root-filesystem', ...oldFindings].sort(),
    );
  });

  it('-o markdown shows the netpol diff between base and head when NetworkPolicies changed', async () => {
    const workload = (name: string) =>
      APP.replaceAll('web', name).replace('nginx:latest', 'nginx:1.25').replace('replicas: 1', 'replicas: 2');
    const policy = (from: string[]) => `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: web-ingress
  namespace: shop
spec:
  podSelector:
    matchLabels: {app: web}
  policyTypes: [Ingress]
  ingress:
    - from:
${from.map((a) => `        - podSelector:\n            matchLabels: {app: ${a}}`).join('\n')}
      ports:
        - {protocol: TCP, port: 8080}
`;
    const base = {
      'deploy/web.yaml': workload('web'),
      'deploy/frontend.yaml': workload('frontend'),
      'deploy/admin.yaml': workload('admin'),
      'deploy/netpol.yaml': policy(['frontend']),
    };
    const head = { 'deploy/netpol.yaml': `# admin may call web too\n${policy(['frontend', 'admin'])}` };
    const dir = repo(base, head);
    const r = await runCli(['scan', 'deploy', '--baseline-ref', 'main', '-o', 'markdown', '--fail-on', 'none'], {
      cwd: dir,
    });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('### NetworkPolicy changes');
    expect(r.stdout).toContain('changed `NetworkPolicy shop/web-ingress`.');

    // the rows are those of `kubeprint netpol diff BASE HEAD -o md`
    const baseCopy = mkdtempSync(join(tmpdir(), 'kubeprint-gate-base-'));
    write(baseCopy, base);
    const diff = await runCli(['netpol', 'diff', join(baseCopy, 'deploy'), join(dir, 'deploy'), '-o', 'md']);
    const rows = diff.stdout.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| diff-type'));
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.join('\n')).toContain('shop/admin[Deployment] | shop/web[Deployment]');
    // the comment escapes what markdown would read as markup (`\[Deployment\]` renders as `[Deployment]`)
    const rendered = r.stdout.replace(/\\([\\`*_[\]|<>~])/g, '$1');
    for (const row of rows) expect(rendered).toContain(row);

    const json = JSON.parse(
      (await runCli(['scan', 'deploy', '--baseline-ref', 'main', '-o', 'json', '--fail-on', 'none'], { cwd: dir }))
        .stdout,
    ) as Report;
    expect(json.baseline?.networkPolicies?.changed).toEqual(['changed NetworkPolicy shop/web-ingress']);
    expect(json.baseline?.networkPolicies?.connectivityDiff).toHaveLength(rows.length);

    // a policy moved down a line, unchanged in what it says: no section
    const same = repo(base, { 'deploy/netpol.yaml': `# comment\n${policy(['frontend'])}` });
    const quiet = await runCli(['scan', 'deploy', '--baseline-ref', 'main', '-o', 'markdown', '--fail-on', 'none'], {
      cwd: same,
    });
    expect(quiet.stdout).not.toContain('NetworkPolicy changes');
    expect(quiet.stdout).toContain('**0 new**');
  });

  it.runIf(hasHelm)('a Helm values file of the repository is read at the base revision too', async () => {
    const chart = {
      'chart/Chart.yaml': 'apiVersion: v2\nname: web\nversion: 0.1.0\n',
      'chart/values.yaml': 'image: nginx:1.25\n',
      'chart/templates/web.yaml': APP.replace('nginx:latest', '{{ .Values.image }}'),
    };
    const dir = repo(
      { ...chart, 'values/prod.yaml': 'image: nginx:latest\n' },
      {
        'values/prod.yaml':
          '# pinned\nimage: nginx:1.25@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\n',
      },
    );
    const r = await runCli(
      ['scan', 'chart', '-f', 'values/prod.yaml', '--baseline-ref', 'main', '-o', 'json', '--fail-on', 'none'],
      { cwd: dir },
    );
    const out = JSON.parse(r.stdout) as Report;
    // main's values said latest: the change fixes it (with the head's values file, the base would have been pinned too)
    expect(out.baseline?.fixedFindings.map((f) => f.ruleId).sort()).toEqual([
      'image-digest-not-pinned',
      'image-tag-latest',
    ]);
    expect(out.baseline?.fixedFindings[0]?.source?.file).toBe('chart/templates/web.yaml');
    expect(out.findings).toEqual([]);
  });

  it('usage and input errors exit 2 with one line', async () => {
    const dir = repo({ 'deploy/app.yaml': APP }, { 'deploy/app.yaml': APP_HEAD });
    const reports = mkdtempSync(join(tmpdir(), 'kubeprint-gate-report-'));
    const gated = join(reports, 'gated.json');
    writeFileSync(gated, JSON.stringify({ findings: [], summary: {}, baseline: { against: 'main' } }));
    writeFileSync(join(reports, 'junk.json'), '{"not": "a report"}');
    const plain = mkdtempSync(join(tmpdir(), 'kubeprint-gate-plain-'));
    writeFileSync(join(plain, 'app.yaml'), APP);
    const cases: Array<[string[], string | undefined, RegExp]> = [
      [['scan', 'deploy', '--baseline', gated, '--baseline-ref', 'main'], dir, /pick one/],
      [['scan', '-', '--baseline-ref', 'main'], dir, /stdin/],
      [['scan', '--from-snapshot', gated, '--baseline-ref', 'main'], dir, /--baseline-ref scans files/],
      [['scan', 'deploy', '--baseline-ref', 'no-such-branch'], dir, /no-such-branch names no commit/],
      [['scan', 'deploy', '--baseline-ref=--upload-pack=x'], dir, /is not a revision/],
      [['scan', plain, '--baseline-ref', 'main'], undefined, /is not in a git repository/],
      [['scan', 'deploy', plain, '--baseline-ref', 'main'], dir, /is outside the repository/],
      [['scan', 'deploy', '--baseline', join(reports, 'missing.json')], dir, /no such file/],
      [['scan', 'deploy', '--baseline', gated], dir, /written with a baseline/],
      [['scan', 'deploy', '--baseline', join(reports, 'junk.json')], dir, /not a kubeprint scan -o json report/],
    ];
    for (const [args, cwd, message] of cases) {
      const r = await runCli(args, cwd ? { cwd } : {});
      expect([args.join(' '), r.code]).toEqual([args.join(' '), 2]);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(message);
    }
    expect(git(dir, 'worktree', 'list').trim().split('\n')).toHaveLength(1);
    expect(existsSync(join(dir, '.git', 'worktrees')) ? readdirSync(join(dir, '.git', 'worktrees')) : []).toEqual([]);
    expect(readFileSync(join(dir, 'deploy', 'app.yaml'), 'utf8')).toBe(APP_HEAD);
    expect(git(dir, 'status', '--porcelain')).toBe('');
  });
});
