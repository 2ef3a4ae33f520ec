/**
 * Every control-plane rule declares the flags it reads (`flags` in its
 * definition), so that test/integration/control-plane-flags.test.ts can check
 * them against the real binaries' --help. Here: each rule runs over every
 * control-plane fixture while its flag reads are recorded, and what it reads
 * must be exactly what it declares (an undeclared read escapes the --help
 * check; a declared flag never read is stale).
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../config/config.js';
import type { KubeObject } from '../../model/kube-object.js';
import { scanObjects } from '../../scan.js';
import { loadInputs } from '../../sources/index.js';
import { type ControlPlaneRule, recordFlagReads } from './flags.js';
import { controlPlaneRules } from './pack.js';

const FIXTURES = join(new URL('.', import.meta.url).pathname, 'fixtures');

async function fixtureScopes(): Promise<KubeObject[][]> {
  const out: KubeObject[][] = [];
  for (const id of readdirSync(FIXTURES)) {
    const dir = join(FIXTURES, id);
    if (!existsSync(dir)) continue;
    for (const entry of readdirSync(dir).filter((n) => /^(pass|fail)\./.test(n))) {
      const loaded = await loadInputs([join(dir, entry)], { cwd: process.cwd() });
      out.push(loaded.objects);
    }
  }
  return out;
}

function declared(rule: ControlPlaneRule): string[] {
  return Object.entries(rule.flags).flatMap(([component, names]) => (names ?? []).map((n) => `${component} --${n}`));
}

describe('control-plane rules declare the flags they read', async () => {
  const scopes = await fixtureScopes();

  it('has fixtures to run the rules over', () => {
    expect(scopes.length).toBeGreaterThan(50);
  });

  it.each(controlPlaneRules.map((r) => [r.id, r] as const))('%s', async (_id, rule) => {
    const read = new Set<string>();
    await recordFlagReads(
      (component, name) => read.add(`${component} --${name}`),
      async () => {
        for (const objects of scopes) scanObjects(objects, { config: DEFAULT_CONFIG, rules: [rule] });
      },
    );
    expect([...read].sort(), 'flags read (left) vs declared').toEqual([...new Set(declared(rule))].sort());
  });
});
