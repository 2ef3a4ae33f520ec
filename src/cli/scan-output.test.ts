import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { captureIO, runCli } from '../../test/cli-capture.js';
import { KubeprintError } from '../errors.js';
import { writeReportFile, writeReportStdout } from './scan.js';

const dir = mkdtempSync(join(tmpdir(), 'kubeprint-scan-output-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** 3 MB of pieces, each ending in the first half of a surrogate pair whose second half starts the next. */
function pieces(): string[] {
  const out: string[] = [];
  for (let i = 0; i < 3000; i++) out.push(`${i === 0 ? '' : '\ude00'} line ${i} ü ${'x'.repeat(1000 + (i % 7))}\ud83d`);
  out.push('\ude00\n');
  return out;
}

describe('writing the report piece by piece', () => {
  it('writes a file that holds every piece in order, as UTF-8 that decodes whole', () => {
    const file = join(dir, 'report.txt');
    writeReportFile(file, 'report.txt', pieces());
    const text = readFileSync(file, 'utf8');
    expect(text).toBe(pieces().join(''));
    expect(text).not.toContain('\ufffd');
  });

  it('truncates a file that was there', () => {
    const file = join(dir, 'old.txt');
    writeFileSync(file, 'x'.repeat(10_000));
    writeReportFile(file, 'old.txt', ['short\n']);
    expect(readFileSync(file, 'utf8')).toBe('short\n');
  });

  it('fails with USAGE naming the file as given when it cannot be written', () => {
    let err: unknown;
    try {
      writeReportFile(join(dir, 'no/such/dir/r.json'), 'no/such/dir/r.json', ['{}\n']);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(KubeprintError);
    expect((err as KubeprintError).code).toBe('USAGE');
    expect((err as KubeprintError).message).toBe('cannot write no/such/dir/r.json');
  });

  it('writes stdout in several writes of whole characters, ending in one newline', () => {
    const io = captureIO(dir);
    writeReportStdout(io, pieces());
    expect(io.out.length).toBeGreaterThan(1);
    for (const w of io.out) expect(Buffer.from(w, 'utf8').toString('utf8')).toBe(w);
    expect(io.out.join('')).toBe(pieces().join(''));

    for (const [given, written] of [
      [['a', 'b'], 'ab\n'],
      [['a\n', ''], 'a\n'],
      [[], '\n'],
    ] as const) {
      const one = captureIO(dir);
      writeReportStdout(one, given);
      expect(one.out).toEqual([written]);
    }
  });

  it('scan -o json --output-file writes the same report as stdout', async () => {
    writeFileSync(
      join(dir, 'pod.yaml'),
      'apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: default}\nspec:\n  containers:\n  - name: c\n    image: nginx\n',
    );
    const toStdout = await runCli(['scan', 'pod.yaml', '-o', 'json', '--fail-on', 'none'], { cwd: dir });
    const toFile = await runCli(['scan', 'pod.yaml', '-o', 'json', '--fail-on', 'none', '--output-file', 'r.json'], {
      cwd: dir,
    });
    expect(toStdout.code).toBe(0);
    expect(toFile.code).toBe(0);
    expect(toFile.stdout).toBe('');
    const fromFile = readFileSync(join(dir, 'r.json'), 'utf8');
    expect((JSON.parse(fromFile) as { findings: unknown[] }).findings.length).toBeGreaterThan(0);
    // durationMs is not in the JSON report, so the two runs agree byte for byte
    expect(fromFile).toBe(toStdout.stdout);
  });
});
