/**
 * The PSS pack until the lead's table-driven rules test picks it up from the
 * registry: one rule per admission check, and every rule against its
 * fixtures (same conventions: pass.* gives no finding, fail.* at least one,
 * `# expect-path:` names the first finding's pointer).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PSS_CHECKS } from '../../engines/pss/index.js';
import { scanPaths } from '../../scan.js';
import { pssRules } from './pss-pack.js';

const DIR = new URL('.', import.meta.url).pathname;

describe('pssRules', () => {
  it('has one file per rule, unique ids, and one rule per admission check', () => {
    const ids = pssRules.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of ids) expect(existsSync(join(DIR, `${id}.ts`)), id).toBe(true);
    const perCheck = pssRules.filter((r) => r.appliesTo === 'workloads' && r.needs === 'object');
    expect(perCheck.length).toBe(PSS_CHECKS.length);
    for (const r of pssRules) expect(r.category).toBe('pod-security');
  });

  describe.each(pssRules.map((r) => [r.id, r] as const))('%s', (id, rule) => {
    const dir = join(DIR, 'fixtures', id);
    const entries = existsSync(dir) ? readdirSync(dir).filter((n) => /^(pass|fail)\./.test(n)) : [];
    it('has pass and fail fixtures', () => {
      expect(entries.some((n) => n.startsWith('pass.'))).toBe(true);
      expect(entries.some((n) => n.startsWith('fail.'))).toBe(true);
    });
    it.each(entries)('%s', async (entry) => {
      const path = join(dir, entry);
      const result = await scanPaths([path], { cwd: process.cwd(), rules: [rule] });
      const mine = result.findings.filter((f) => f.ruleId === id);
      if (entry.startsWith('pass.')) {
        expect(mine.map((f) => `${f.path}: ${f.message}`)).toEqual([]);
        return;
      }
      expect(mine.length).toBeGreaterThan(0);
      const expPath = /^# expect-path: (\S+)/m.exec(readFileSync(path, 'utf8').split('\n')[0] ?? '')?.[1];
      if (expPath) expect(mine.map((f) => f.path)).toContain(expPath);
      for (const f of mine) expect(f.source?.line).toBeGreaterThan(0);
    });
  });
});
