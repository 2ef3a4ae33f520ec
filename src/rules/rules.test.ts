/**
 * One table-driven test for every rule: each rule has a folder of fixtures
 * beside it, `<pillar>/fixtures/<rule-id>/`, with entries named `pass.*` and
 * `fail.*` (a YAML file, or a directory scanned as one). A `pass` entry must
 * give no finding of that rule, a `fail` entry at least one. A fail file may
 * start with `# expect-path: /json/pointer` (the first finding's path) and
 * `# expect-line: N`. An optional `config.yaml` in the folder is the
 * `.kubeprint.yaml` used for its entries; a directory entry may hold its own
 * `.kubeprint.yaml`.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, parseConfig } from '../config/config.js';
import { scanPaths } from '../scan.js';
import { RULES } from './registry.js';

const RULES_DIR = new URL('.', import.meta.url).pathname;
const NOW = new Date('2026-06-01T00:00:00Z');

function fixtureDir(pillar: string, id: string): string {
  return join(RULES_DIR, pillar, 'fixtures', id);
}

describe.each(RULES.map((r) => [r.id, r] as const))('rule %s', (id, rule) => {
  const dir = fixtureDir(rule.category, id);
  const entries = existsSync(dir) ? readdirSync(dir).filter((n) => /^(pass|fail)\./.test(n)) : [];

  it('has at least one pass and one fail fixture', () => {
    expect(
      entries.some((n) => n.startsWith('pass.')),
      `${dir}/pass.*`,
    ).toBe(true);
    expect(
      entries.some((n) => n.startsWith('fail.')),
      `${dir}/fail.*`,
    ).toBe(true);
  });

  const config = existsSync(join(dir, 'config.yaml'))
    ? parseConfig(readFileSync(join(dir, 'config.yaml'), 'utf8'), join(dir, 'config.yaml'))
    : DEFAULT_CONFIG;

  it.each(entries)('%s', async (entry) => {
    const path = join(dir, entry);
    // a directory entry may carry its own config
    const own = join(path, '.kubeprint.yaml');
    const cfg = existsSync(own) ? parseConfig(readFileSync(own, 'utf8'), own) : config;
    const result = await scanPaths([path], { cwd: process.cwd(), config: cfg, now: NOW });
    const mine = result.findings.filter((f) => f.ruleId === id);
    if (entry.startsWith('pass.')) {
      expect(mine.map((f) => `${f.path}: ${f.message}`)).toEqual([]);
      return;
    }
    expect(mine.length, 'expected at least one finding').toBeGreaterThan(0);
    if (!entry.endsWith('.yaml') && !entry.endsWith('.yml')) return;
    const head = readFileSync(path, 'utf8').split('\n').slice(0, 3).join('\n');
    const expPath = /^# expect-path: (\S+)/m.exec(head)?.[1];
    if (expPath) expect(mine.map((f) => f.path)).toContain(expPath);
    const expLine = /^# expect-line: (\d+)/m.exec(head)?.[1];
    if (expLine) expect(mine.map((f) => f.source?.line)).toContain(Number(expLine));
  });
});
