import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import ajvFormats from 'ajv-formats';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../test/cli-capture.js';

const FIXTURE = new URL(
  '../rules/supply-chain/fixtures/image-pull-policy-not-always/fail.auto-other-container.yaml',
  import.meta.url,
).pathname;
const work = mkdtempSync(join(tmpdir(), 'kubeprint-sarif-fix-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Replacement {
  deletedRegion: { charOffset: number; charLength: number };
  insertedContent?: { text: string };
}
interface Result {
  ruleId: string;
  fixes?: Array<{
    description: { text: string };
    artifactChanges: Array<{ artifactLocation: { uri: string }; replacements: Replacement[] }>;
  }>;
}

function applied(text: string, replacements: readonly Replacement[]): string {
  let out = text;
  for (const r of [...replacements].sort((a, b) => b.deletedRegion.charOffset - a.deletedRegion.charOffset)) {
    const { charOffset, charLength } = r.deletedRegion;
    out = out.slice(0, charOffset) + (r.insertedContent?.text ?? '') + out.slice(charOffset + charLength);
  }
  return out;
}

describe('SARIF fixes', () => {
  it('carry, for each fixable finding, replacements that make the text kubeprint fix writes; the log stays valid SARIF 2.1.0', async () => {
    cpSync(FIXTURE, join(work, 'a.yaml'));
    const original = readFileSync(join(work, 'a.yaml'), 'utf8');
    const r = await runCli(['scan', 'a.yaml', '-o', 'sarif', '--fail-on', 'none'], { cwd: work });
    expect(r.code, r.stderr).toBe(0);
    const log = JSON.parse(r.stdout);
    const results = log.runs[0].results as Result[];
    const pull = results.filter((x) => x.ruleId === 'image-pull-policy-not-always');
    expect(pull.length).toBeGreaterThan(0);
    for (const res of pull) {
      const change = res.fixes?.[0]?.artifactChanges[0];
      expect(change?.artifactLocation.uri).toBe('a.yaml');
      const fixed = applied(original, change?.replacements ?? []);
      expect(fixed).not.toBe(original);
      expect(fixed).toContain('imagePullPolicy: Always');
    }
    // every result of a rule without a fixer has no fixes
    expect(results.filter((x) => x.ruleId === 'image-tag-latest' && x.fixes)).toEqual([]);
    // the fixes of all findings of the rule together are what `fix --write` writes
    await runCli(['fix', 'a.yaml', '--rule', 'image-pull-policy-not-always', '--write'], { cwd: work });
    let all = original;
    for (const res of pull) all = applied(all, res.fixes?.[0]?.artifactChanges[0]?.replacements ?? []);
    if (pull.length === 1) expect(all).toBe(readFileSync(join(work, 'a.yaml'), 'utf8'));

    const schemaPath = createRequire(import.meta.url).resolve(
      '@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json',
    );
    const { $schema: _d, id, ...rest } = JSON.parse(readFileSync(schemaPath, 'utf8')) as Record<string, unknown>;
    const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false });
    ajvFormats.default(ajv);
    const validate = ajv.compile({ ...rest, $id: String(id) });
    expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
  });
});
