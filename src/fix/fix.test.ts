/**
 * Every fixable rule's fail fixtures: `fix --write` on a copy, then a rescan:
 * the rule no longer fires on the copy, no finding appears that was not
 * there before, a second `fix` changes nothing, and the lines that changed
 * are only those of the edited fields.
 */
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../test/cli-capture.js';
import { ruleById } from '../rules/registry.js';
import { FIXERS } from './registry.js';

const RULES_DIR = new URL('../rules/', import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), 'kubeprint-fix-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Row {
  ruleId: string;
  id: string;
  path: string;
}

/** A finding's identity apart from its line: rule, object, pointer. */
function key(f: {
  ruleId: string;
  object?: { kind: string; namespace?: string; name: string };
  path?: string;
}): string {
  return `${f.ruleId} ${f.object?.kind}/${f.object?.namespace ?? ''}/${f.object?.name} ${f.path ?? ''}`;
}

async function findings(path: string, config: string[]): Promise<string[]> {
  const r = await runCli(['scan', path, '-o', 'json', '--fail-on', 'none', ...config]);
  expect(r.code, r.stderr).toBe(0);
  return (JSON.parse(r.stdout).findings as Parameters<typeof key>[0][]).map(key);
}

function filesUnder(p: string): string[] {
  if (!statSync(p).isDirectory()) return [p];
  return readdirSync(p).flatMap((n) => filesUnder(join(p, n)));
}

const rows: Row[] = [];
for (const fixer of FIXERS) {
  const rule = ruleById(fixer.ruleId);
  if (!rule) throw new Error(`fixer for unknown rule ${fixer.ruleId}`);
  const dir = join(RULES_DIR, rule.category, 'fixtures', rule.id);
  for (const entry of readdirSync(dir).filter((n) => n.startsWith('fail.'))) {
    rows.push({ ruleId: rule.id, id: `${rule.id}/${entry}`, path: join(dir, entry) });
  }
}

describe('every fixer repairs its rule on every fail fixture', () => {
  it('has fixtures for every fixer', () => {
    for (const f of FIXERS)
      expect(
        rows.some((r) => r.ruleId === f.ruleId),
        f.ruleId,
      ).toBe(true);
  });

  it.each(rows.map((r) => [r.id, r] as const))('%s', async (_id, row) => {
    const copy = join(work, row.id.replace(/\//g, '__'));
    cpSync(row.path, copy, { recursive: true });
    const cfgFile = join(row.path, '..', 'config.yaml');
    const config = existsSync(cfgFile) ? ['-c', cfgFile] : [];
    const before = await findings(copy, config);
    expect(before.some((k) => k.startsWith(`${row.ruleId} `))).toBe(true);
    const texts = new Map(filesUnder(copy).map((f) => [f, readFileSync(f, 'utf8')]));

    const fixed = await runCli(['fix', copy, '--rule', row.ruleId, '--include-review', '--write', ...config]);
    expect(fixed.code, fixed.stderr).toBe(0);
    const after = await findings(copy, config);
    expect(after.filter((k) => k.startsWith(`${row.ruleId} `))).toEqual([]);
    // nothing new: every finding after the fix was there before it
    expect(after.filter((k) => !before.includes(k))).toEqual([]);

    // comments survive, and a line of the file changes only where a fixed field is written
    for (const [file, old] of texts) {
      const now = readFileSync(file, 'utf8');
      for (const line of old.split('\n').filter((l) => l.trim().startsWith('#'))) expect(now).toContain(line);
      const kept = new Set(now.split('\n'));
      const gone = old.split('\n').filter((l) => !kept.has(l));
      for (const l of gone) expect(l).toMatch(FIXED_FIELD);
    }

    const again = await runCli(['fix', copy, '--rule', row.ruleId, '--include-review', '-o', 'json', ...config]);
    expect(again.code, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout).changes).toEqual([]);
  });
});

/** The fields the fixers write (a removed line must be one of them). */
const FIXED_FIELD =
  /\b(allowPrivilegeEscalation|drop|imagePullPolicy|type|automountServiceAccountToken|runAsNonRoot|readOnlyRootFilesystem|securityContext|seccompProfile|capabilities)\b|^\s*- [A-Z_]+\s*$/;
