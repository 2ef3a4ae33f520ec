import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { corpus } from '../../../test/helpers/corpora.js';
import { loadInputs } from '../../sources/index.js';
import { checksInForce, evaluatePod, isPssLevel, podInput, resolveMinor } from './index.js';

/**
 * Every Pod Security Admission fixture: allowed under pass/, denied under
 * fail/, for every level and version the upstream testdata covers.
 */
const { path: CORPUS, present } = corpus('psa/testdata');

interface Case {
  level: 'baseline' | 'restricted';
  version: string;
  expect: 'pass' | 'fail';
  file: string;
  pod: Record<string, unknown>;
}

/** Every fixture, read by the sources the CLI reads files with (one Pod per file). */
async function cases(): Promise<Case[]> {
  const out: Case[] = [];
  for (const level of readdirSync(CORPUS)) {
    if (level !== 'baseline' && level !== 'restricted') continue;
    for (const version of readdirSync(join(CORPUS, level))) {
      for (const expect of ['pass', 'fail'] as const) {
        const dir = join(CORPUS, level, version, expect);
        if (!existsSync(dir)) continue;
        const loaded = await loadInputs([dir], { cwd: process.cwd() });
        if (loaded.problems.length > 0) throw new Error(`${dir}: ${loaded.problems.map((p) => p.message).join('; ')}`);
        for (const o of loaded.objects) out.push({ level, version, expect, file: o.source?.file ?? dir, pod: o.raw });
      }
    }
  }
  return out;
}

function record(v: unknown): Record<string, unknown> {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

describe.skipIf(!present)(`PSA corpus (${CORPUS})`, () => {
  it('agrees with every upstream fixture', async () => {
    const all = await cases();
    const wrong: string[] = [];
    for (const c of all) {
      expect(isPssLevel(c.level)).toBe(true);
      const pod = c.pod;
      const result = evaluatePod(
        podInput(record(pod.metadata), record(pod.spec), { metadataPath: '/metadata', specPath: '/spec' }),
        c.level,
        c.version,
      );
      if (result.allowed !== (c.expect === 'pass')) {
        const why = result.violations.map((v) => `${v.check}: ${v.reason} (${v.detail})`).join('; ');
        wrong.push(`${c.level}/${c.version}/${c.expect}/${c.file.split('/').pop()}: allowed=${result.allowed} ${why}`);
      }
    }
    console.log(`PSA corpus: ${all.length - wrong.length}/${all.length} cases agree`);
    expect(wrong).toEqual([]);
    expect(all.length).toBe(4537);
  });

  it('denies every fail/ fixture through the check it is named after (or the restricted check that replaces it)', async () => {
    const wrong: string[] = [];
    let checked = 0;
    for (const c of await cases()) {
      if (c.expect !== 'fail') continue;
      const named = (c.file.split('/').pop() ?? '').replace(/[0-9]*\.yaml$/, '');
      const minor = resolveMinor(c.version);
      // The restricted revisions that replace a baseline check at this version.
      const replacedBy = new Map<string, string>();
      for (const { check, revision } of checksInForce('restricted', minor))
        for (const o of revision.overrides ?? []) replacedBy.set(o.toLowerCase(), check.id.toLowerCase());
      const expected = c.level === 'restricted' ? (replacedBy.get(named) ?? named) : named;
      const pod = c.pod;
      const result = evaluatePod(
        podInput(record(pod.metadata), record(pod.spec), { metadataPath: '/metadata', specPath: '/spec' }),
        c.level,
        c.version,
      );
      checked++;
      const ids = result.violations.map((v) => v.check.toLowerCase());
      if (!ids.includes(expected)) wrong.push(`${c.level}/${c.version}/${named}: got ${ids.join(', ') || 'allowed'}`);
    }
    expect(checked).toBe(3486);
    expect(wrong).toEqual([]);
  });
});
