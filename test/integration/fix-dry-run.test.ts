/**
 * What `kubeprint fix` writes is accepted by the real API server: copies of
 * examples/gitops and of every fixable rule's fail fixtures are fixed
 * (`--include-review`), loaded as a scan loads them (Kustomize and Helm
 * rendered), and every object in a fixed file is sent as a server-side apply
 * with `--dry-run=server` (nothing stored). An object the server accepted
 * before the fix must be accepted after it.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FIXERS } from '../../src/fix/registry.js';
import { objectKey } from '../../src/model/kube-object.js';
import { ruleById } from '../../src/rules/registry.js';
import { loadInputs } from '../../src/sources/index.js';
import { runCli } from '../cli-capture.js';
import { type ControlPlane, controlPlaneMissing, startControlPlane } from '../helpers/control-plane.js';

const missing = controlPlaneMissing();
if (missing) console.warn(`fix dry-run skipped: ${missing}`);
const EXAMPLE = new URL('../../examples/gitops', import.meta.url).pathname;
const RULES = new URL('../../src/rules/', import.meta.url).pathname;

function snapshot(root: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (p: string) => {
    if (statSync(p).isDirectory()) for (const n of readdirSync(p)) walk(join(p, n));
    else out.set(p, readFileSync(p, 'utf8'));
  };
  walk(root);
  return out;
}

async function objectsOf(root: string) {
  return (await loadInputs([root], { cwd: root })).objects;
}

describe.skipIf(missing !== undefined)('fixed objects on a real API server', () => {
  let cp: ControlPlane;
  const work = mkdtempSync(join(tmpdir(), 'kubeprint-fix-dry-'));

  async function rejection(raw: Record<string, unknown>): Promise<string | undefined> {
    try {
      await cp.kubectl(
        ['apply', '--server-side', '--dry-run=server', '--force-conflicts', '--field-manager=kubeprint', '-f', '-'],
        JSON.stringify(raw),
      );
      return undefined;
    } catch (err) {
      return err instanceof Error ? err.message : String(err);
    }
  }

  beforeAll(async () => {
    cp = await startControlPlane();
  }, 240_000);
  afterAll(async () => {
    await cp?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it('accepts every object of every fixed file', async () => {
    const roots: string[] = [];
    const gitops = join(work, 'gitops');
    cpSync(EXAMPLE, gitops, { recursive: true });
    roots.push(gitops);
    for (const f of FIXERS) {
      const rule = ruleById(f.ruleId);
      if (!rule) continue;
      const dir = join(RULES, rule.category, 'fixtures', rule.id);
      for (const n of readdirSync(dir).filter((x) => x.startsWith('fail.'))) {
        const copy = join(work, `${rule.id}__${n}`);
        cpSync(join(dir, n), copy, { recursive: true });
        roots.push(copy);
      }
    }
    let checked = 0;
    for (const root of roots) {
      const before = new Map((await objectsOf(root)).map((o) => [`${o.scope} ${objectKey(o)}`, o.raw]));
      const files = snapshot(root);
      const r = await runCli(['fix', root, '--include-review', '--write']);
      expect(r.code, r.stderr).toBe(0);
      const changed = new Set([...snapshot(root)].filter(([p, t]) => files.get(p) !== t).map(([p]) => p));
      if (changed.size === 0) continue;
      for (const o of await objectsOf(root)) {
        const old = before.get(`${o.scope} ${objectKey(o)}`);
        if (!old || JSON.stringify(old) === JSON.stringify(o.raw)) continue;
        const ns = o.namespace;
        if (ns && ns !== 'default')
          await cp.kubectl(['create', 'namespace', ns]).catch((err: Error) => {
            if (!/AlreadyExists/.test(err.message)) throw err;
          });
        if ((await rejection(old)) !== undefined) continue; // rejected before the fix: not ours to judge
        expect(await rejection(o.raw), `${root}: ${objectKey(o)}`).toBeUndefined();
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(10);
  }, 300_000);
});
