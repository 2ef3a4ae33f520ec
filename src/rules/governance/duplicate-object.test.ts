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
  it('reports the second definition, naming where the first one is', async () => {
    const [f, ...rest] = await findings('fail.two-files');
    expect(rest).toEqual([]);
    expect(f?.source?.file).toMatch(/web-old\.yaml$/);
    expect(f?.message).toMatch(
      /^Deployment shop\/web is defined twice in .*fail\.two-files\/ \(also at .*fail\.two-files\/deployment\.yaml:4\); applied together, the last definition replaces the others$/,
    );
  });

  it('within one file, the second document is the one reported', async () => {
    const out = await findings('fail.same-file.yaml');
    expect(out.map((f) => [f.source?.line, f.object?.name])).toEqual([[18, 'settings']]);
    expect(out[0]?.message).toContain('fail.same-file.yaml:6)');
  });

  it('an object defined many times is one finding, on the second definition, the others named', async () => {
    const { objectsFromText } = await import('../../sources/file-objects.js');
    const { scanObjects } = await import('../../scan.js');
    const { rule } = await import('./duplicate-object.js');
    const cm = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n';
    const { objects } = objectsFromText(Array(6).fill(cm).join('---\n'), { file: 'deploy/cm.yaml', scope: 'deploy' });
    const out = scanObjects(objects, { rules: [rule] }).findings;
    expect(out.map((f) => f.source?.line)).toEqual([9]);
    expect(out[0]?.message).toBe(
      'ConfigMap settings is defined 6 times in deploy/ (also at deploy/cm.yaml:4, deploy/cm.yaml:14, deploy/cm.yaml:19 and 2 more); applied together, the last definition replaces the others',
    );
  });
});
