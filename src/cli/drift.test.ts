import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../test/cli-capture.js';

const dir = mkdtempSync(join(tmpdir(), 'kubeprint-drift-cli-'));
writeFileSync(join(dir, 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: a, namespace: shop }\n');
writeFileSync(join(dir, 'empty.yaml'), '# nothing\n');
// a kubeconfig whose server refuses connections (port 1 on loopback)
writeFileSync(
  join(dir, 'kubeconfig'),
  `apiVersion: v1
kind: Config
clusters: [{ name: c, cluster: { server: "https://127.0.0.1:1", insecure-skip-tls-verify: true } }]
users: [{ name: u, user: { token: t } }]
contexts: [{ name: ctx, context: { cluster: c, user: u } }]
current-context: ctx
`,
);

const drift = (...args: string[]) => runCli(['drift', ...args], { cwd: dir });

describe('kubeprint drift (arguments)', () => {
  it('prints its help', async () => {
    const r = await drift('--help');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Usage: kubeprint drift PATH\.\.\. --cluster/);
  });

  it.each([
    [['cm.yaml'], /add --cluster/],
    [['--cluster'], /give the PATH/],
    [['cm.yaml', '--cluster', '-o', 'sarif'], /-o must be one of table, json, markdown/],
    [['cm.yaml', '--cluster', '--owner-label', 'team'], /--owner-label takes KEY=VALUE/],
    [['cm.yaml', '--cluster', '--field-manager', 'a b'], /--field-manager must be/],
    [['cm.yaml', '--cluster', '--nope'], /unknown option --nope/],
  ])('refuses %j with a usage error (exit 2)', async (args, message) => {
    const r = await drift(...args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
  });

  it('exits 2 when the PATH holds no object: a drift check that compared nothing does not pass', async () => {
    const r = await drift('empty.yaml', '--cluster', '--kubeconfig', 'kubeconfig');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no Kubernetes object in empty\.yaml/);
  });

  it('exits 2 with one line when the cluster cannot be reached', async () => {
    const r = await drift('cm.yaml', '--cluster', '--kubeconfig', 'kubeconfig');
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^kubeprint drift: cannot reach the API server https:\/\/127\.0\.0\.1:1: connection refused/,
    );
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('kubeprint drift (configuration)', () => {
  it('reads gitops.repoURL from the config, and refuses an invalid config (exit 2)', async () => {
    const cfgDir = mkdtempSync(join(tmpdir(), 'kubeprint-drift-cfg-'));
    writeFileSync(join(cfgDir, 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: a }\n');
    writeFileSync(join(cfgDir, 'bad.yaml'), 'gitops:\n  repoURL: 3\n');
    const r = await runCli(['drift', 'cm.yaml', '--cluster', '-c', 'bad.yaml'], { cwd: cfgDir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/bad\.yaml:2: gitops\.repoURL/);
  });
});
