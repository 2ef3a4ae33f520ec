/**
 * One rule for every command that reads manifests: it prints its result for
 * what it could read, names each unreadable input on stderr, and exits 2, so
 * that no gate passes on input it did not judge (issue #14).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './cli-capture.js';

const dir = mkdtempSync(join(tmpdir(), 'kubeprint-exit-'));
writeFileSync(
  join(dir, 'ok.yaml'),
  'apiVersion: v1\nkind: Pod\nmetadata: {name: web, namespace: shop}\nspec:\n  containers: [{name: app, image: nginx:1.27}]\n',
);
writeFileSync(join(dir, 'broken.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata:\n\tname: bad\n');

describe.each([
  [['pss', '--level', 'baseline']],
  [['netpol', 'list']],
  [['rbac', 'who-can', 'get', 'pods']],
  [['images', 'list']],
  [['identities']],
])('kubeprint %j', (args) => {
  it('exits 2 after its result when an input could not be read, naming it', async () => {
    const r = await runCli([...args, dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/broken\.yaml:4: /);
  });

  it('exits below 2 when every input was read', async () => {
    const r = await runCli([...args, join(dir, 'ok.yaml')]);
    expect(r.code).toBeLessThan(2);
  });
});
