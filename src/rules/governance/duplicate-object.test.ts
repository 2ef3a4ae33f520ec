import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../config/config.js';
import { scanPaths } from '../../scan.js';

const FIXTURES = new URL('./fixtures/duplicate-object/', import.meta.url).pathname;

async function findings(fixture: string) {
  const result = await scanPaths([join(FIXTURES, fixture)], { cwd: process.cwd(), config: DEFAULT_CONFIG });
  return result.findings.filter((f) => f.ruleId === 'duplicate-object');
}

describe('duplicate-object', () => {
  it('reports the later definition, naming where the first one is', async () => {
    const [f, ...rest] = await findings('fail.two-files');
    expect(rest).toEqual([]);
    expect(f?.source?.file).toMatch(/web-old\.yaml$/);
    expect(f?.message).toMatch(
      /^Deployment shop\/web is defined again in .*fail\.two-files\/ \(first at .*fail\.two-files\/deployment\.yaml:4\); applied together, the last definition replaces the others$/,
    );
  });

  it('within one file, the second document is the one reported', async () => {
    const out = await findings('fail.same-file.yaml');
    expect(out.map((f) => [f.source?.line, f.object?.name])).toEqual([[18, 'settings']]);
    expect(out[0]?.message).toContain('fail.same-file.yaml:6)');
  });
});
