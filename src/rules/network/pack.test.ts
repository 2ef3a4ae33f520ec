import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../config/config.js';
import { Inventory } from '../../model/inventory.js';
import { workloadOf } from '../../model/workload.js';
import { loadInputs } from '../../sources/index.js';
import type { RuleContext, RuleHit } from '../rule.js';
import { networkRules } from './pack.js';

const DIR = join(new URL('.', import.meta.url).pathname, 'fixtures');

/** Runs each network rule on every object of its fixtures, all in one scope (as the registry-wide driver does). */
describe.each(networkRules.map((r) => [r.id, r] as const))('network rule %s', (id, rule) => {
  const entries = readdirSync(join(DIR, id)).filter((n) => /^(pass|fail)\..*\.yaml$/.test(n));
  it('has pass and fail fixtures', () => {
    expect(entries.some((n) => n.startsWith('pass.'))).toBe(true);
    expect(entries.some((n) => n.startsWith('fail.'))).toBe(true);
  });
  it.each(entries)('%s', async (entry) => {
    const file = join(DIR, id, entry);
    const { objects } = await loadInputs([file], { cwd: process.cwd() });
    const scope = new Inventory(objects);
    const memo = new Map<string, unknown>();
    const hits: RuleHit[] = [];
    for (const o of objects) {
      const applies =
        rule.appliesTo === '*' || (rule.appliesTo === 'workloads' ? !!workloadOf(o) : rule.appliesTo.includes(o.kind));
      if (!applies) continue;
      const ctx: RuleContext = {
        scope,
        all: scope,
        config: DEFAULT_CONFIG.config,
        workload: workloadOf(o),
        memo: <T>(k: string, f: () => T): T => {
          if (!memo.has(k)) memo.set(k, f());
          return memo.get(k) as T;
        },
      };
      hits.push(...(rule.check(o, ctx) ?? []));
    }
    if (entry.startsWith('pass.')) {
      expect(hits.map((h) => `${h.path}: ${h.message}`)).toEqual([]);
      return;
    }
    expect(hits.length).toBeGreaterThan(0);
    const exp = /^# expect-path: (\S+)/m.exec(readFileSync(file, 'utf8').split('\n').slice(0, 3).join('\n'))?.[1];
    if (exp) expect(hits.map((h) => h.path)).toContain(exp);
  });
});
