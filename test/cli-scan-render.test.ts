import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { which } from '../src/sources/tools.js';
import { runCli } from './cli-capture.js';

const hasKustomize = (await which('kustomize')) ?? (await which('kubectl'));
const hasHelm = await which('helm');
if (!hasKustomize) console.warn('skipping kustomize CLI tests: neither kustomize nor kubectl is on PATH');
if (!hasHelm) console.warn('skipping helm CLI tests: helm is not on PATH');

function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'kubeprint-cli-render-'));
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, p)), { recursive: true });
    writeFileSync(join(root, p), text);
  }
  return root;
}

const CONFIGMAP = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: outside\ndata:\n  a: b\n';

/** Rule ids of a json report's findings. */
const ruleIds = (stdout: string) => (JSON.parse(stdout).findings as Array<{ ruleId: string }>).map((f) => f.ruleId);

describe('kubeprint scan rendering flags', () => {
  it('--load-restrictor takes kubectl values only', async () => {
    const r = await runCli(['scan', '.', '--load-restrictor', 'none'], { cwd: tree({ 'cm.yaml': CONFIGMAP }) });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('LoadRestrictionsRootOnly, LoadRestrictionsNone');
  });

  it.runIf(hasKustomize)(
    '--load-restrictor LoadRestrictionsNone lets a kustomization read files above it',
    async () => {
      const cwd = tree({ 'outside.yaml': CONFIGMAP, 'app/kustomization.yaml': 'resources:\n  - ../outside.yaml\n' });
      const restricted = await runCli(['scan', 'app', '-o', 'json'], { cwd });
      // the render failed and nothing else was read: nothing was judged, exit 2 (without --allow-empty)
      expect(restricted.code).toBe(2);
      expect(ruleIds(restricted.stdout)).toEqual(['render-failed']);
      const open = await runCli(['scan', 'app', '-o', 'json', '--load-restrictor', 'LoadRestrictionsNone'], { cwd });
      expect(open.code).toBe(0);
      expect(JSON.parse(open.stdout).summary.objects).toBe(1);
    },
  );

  it.runIf(hasKustomize)('--allow-remote lets kustomize fetch a remote base', async () => {
    const repo = tree({ 'app/cm.yaml': CONFIGMAP, 'app/kustomization.yaml': 'resources:\n  - cm.yaml\n' });
    const git = (...args: string[]) =>
      execFileSync('git', ['-c', 'user.email=t@example.com', '-c', 'user.name=t', ...args], { cwd: repo });
    git('init', '-q');
    git('add', '.');
    git('commit', '-qm', 'base');
    const cwd = tree({ 'remote/kustomization.yaml': `resources:\n  - file://${repo}//app\n` });
    const refused = await runCli(['scan', 'remote', '-o', 'json'], { cwd });
    expect(refused.stderr).toContain('--allow-remote');
    expect(ruleIds(refused.stdout)).toEqual(['render-failed']);
    const allowed = await runCli(['scan', 'remote', '-o', 'json', '--allow-remote'], { cwd });
    expect(allowed.code).toBe(0);
    expect(JSON.parse(allowed.stdout).summary.objects).toBe(1);
  });

  it.runIf(hasHelm)('--kubernetes-version is the release charts render for', async () => {
    const cwd = tree({
      'web/Chart.yaml': 'apiVersion: v2\nname: web\nversion: 1.0.0\nkubeVersion: ">=1.31.0-0"\n',
      'web/templates/cm.yaml': CONFIGMAP,
    });
    const current = await runCli(['scan', 'web', '-o', 'json'], { cwd });
    expect(ruleIds(current.stdout)).toEqual([]);
    const old = await runCli(['scan', 'web', '-o', 'json', '--kubernetes-version', '1.30'], { cwd });
    // the chart alone in the run does not render for 1.30: nothing was judged
    expect(old.code).toBe(2);
    expect(ruleIds(old.stdout)).toEqual(['render-failed']);
    expect(old.stderr).toMatch(/kubeVersion: >=1\.31\.0-0 which is incompatible with Kubernetes v1\.30\.0/);
  });
});
