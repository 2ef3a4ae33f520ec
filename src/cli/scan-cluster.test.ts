import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../test/cli-capture.js';

const dir = mkdtempSync(join(tmpdir(), 'kubeprint-scan-cluster-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('scan --cluster / --from-snapshot (no server needed)', () => {
  it('exits 2 with one line for a kubeconfig that does not exist', async () => {
    const r = await runCli(['scan', '--cluster', '--kubeconfig', join(dir, 'missing')], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('missing');
  });

  it('exits 2 when an unreachable server is named', { timeout: 15_000 }, async () => {
    const kc = join(dir, 'kc');
    writeFileSync(
      kc,
      'apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]\nusers: [{name: u, user: {token: t}}]\ncontexts: [{name: x, context: {cluster: c, user: u}}]\ncurrent-context: x\n',
    );
    const r = await runCli(['scan', '--cluster', '--kubeconfig', kc], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/127\.0\.0\.1:1.*refused/);
  });

  it('refuses paths with --cluster and -n with -A', async () => {
    expect((await runCli(['scan', '--cluster', 'x.yaml'], { cwd: dir })).code).toBe(2);
    expect((await runCli(['scan', '--cluster', '-n', 'a', '-A'], { cwd: dir })).code).toBe(2);
  });

  it('scans kubectl get -o json output offline', async () => {
    const list = {
      apiVersion: 'v1',
      kind: 'List',
      items: [
        {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { name: 'p', namespace: 'a' },
          spec: {
            hostNetwork: true,
            containers: [{ name: 'c', image: 'nginx', securityContext: { privileged: true } }],
          },
        },
      ],
    };
    const f = join(dir, 'list.json');
    writeFileSync(f, JSON.stringify(list));
    const r = await runCli(['scan', '--from-snapshot', f, '-o', 'json', '--fail-on', 'none'], { cwd: dir });
    expect(r.code).toBe(0);
    const findings = (JSON.parse(r.stdout) as { findings: Array<{ ruleId: string; object?: { name: string } }> })
      .findings;
    expect(findings.some((x) => x.ruleId === 'pss-privileged' && x.object?.name === 'p')).toBe(true);
  });
});
