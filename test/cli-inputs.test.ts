/**
 * Inputs that deploy must be judged, and what cannot be judged must fail the
 * gate (issue 13): sizes, encodings, symlinks, unreadable paths, FIFOs, empty
 * runs, YAML 1.1 scalars, aliases, nesting and very large streams, through
 * the CLI as a user runs it.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './cli-capture.js';

const PRIVILEGED = `apiVersion: v1
kind: Pod
metadata:
  name: root
  namespace: shop
spec:
  containers:
    - name: c
      image: nginx:1.27
      securityContext:
        privileged: true
`;

function tmp(files: Record<string, string | Buffer> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'kubeprint-inputs-'));
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  return dir;
}

interface Out {
  findings: Array<{ ruleId: string; severity: string; message: string; source?: { file: string; line?: number } }>;
  summary: { objects?: number };
}

async function scan(args: string[], opts: { stdin?: string; cwd?: string } = {}) {
  const r = await runCli(['scan', ...args, '-o', 'json'], opts);
  const out = (r.stdout.trim() ? JSON.parse(r.stdout) : { findings: [] }) as Out;
  return { ...r, out, ids: out.findings.map((f) => f.ruleId) };
}

describe('files kubeprint could not judge fail the gate', () => {
  it('a privileged Pod padded with a 9 MiB comment is read and judged (the limit is 64 MiB)', async () => {
    const dir = tmp({ 'pod.yaml': `# ${'x'.repeat(9 * 1024 * 1024)}\n${PRIVILEGED}` });
    const r = await scan([dir]);
    expect(r.ids).toContain('pss-privileged');
    expect(r.ids).not.toContain('file-skipped');
    expect(r.code).toBe(1);
  });

  it('a file over maxFileBytes is a high file-skipped finding, and the gate fails', async () => {
    const dir = tmp({ 'pod.yaml': `# ${'x'.repeat(2000)}\n${PRIVILEGED}`, '.kubeprint.yaml': 'maxFileBytes: 1000\n' });
    const r = await scan(['pod.yaml', '--allow-empty'], { cwd: dir });
    const skipped = r.out.findings.filter((f) => f.ruleId === 'file-skipped');
    expect(skipped.map((f) => f.severity)).toEqual(['high']);
    expect(skipped[0]?.message).toMatch(/over the 1000-byte limit/);
    expect(r.code).toBe(1);
  });

  it('stdin is bounded like a file', async () => {
    const dir = tmp({ '.kubeprint.yaml': 'maxFileBytes: 1000\n' });
    const r = await scan(['-', '--allow-empty'], { cwd: dir, stdin: `# ${'x'.repeat(2000)}\n${PRIVILEGED}` });
    expect(r.out.findings.filter((f) => f.ruleId === 'file-skipped').map((f) => f.source?.file)).toEqual(['-']);
    expect(r.code).toBe(1);
  });

  it('UTF-16 and UTF-32 files with a byte-order mark are decoded and judged, at their lines', async () => {
    const dir = tmp({
      'le.yaml': Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(PRIVILEGED, 'utf16le')]),
      'be.yaml': Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(PRIVILEGED, 'utf16le').swap16()]),
      'le32.yaml': Buffer.concat([
        Buffer.from([0xff, 0xfe, 0, 0]),
        Buffer.from(Uint32Array.from([...PRIVILEGED].map((c) => c.codePointAt(0) as number)).buffer),
      ]),
    });
    const r = await scan([dir, '--fail-on', 'none']);
    const privileged = r.out.findings.filter((f) => f.ruleId === 'pss-privileged');
    expect(privileged.map((f) => [f.source?.file.replace(`${dir}/`, ''), f.source?.line]).sort()).toEqual([
      ['be.yaml', 11],
      ['le.yaml', 11],
      ['le32.yaml', 11],
    ]);
    expect(r.ids).not.toContain('file-skipped');
  });

  it('symlinked manifests and directories inside the input are followed, loops end, links out of it fail the gate', async () => {
    const outside = tmp({ 'pod.yaml': PRIVILEGED.replace('name: root', 'name: outside') });
    const dir = tmp({ 'real/pod.yaml': PRIVILEGED });
    symlinkSync(join(dir, 'real'), join(dir, 'linked-dir'));
    symlinkSync(join(dir, 'real', 'pod.yaml'), join(dir, 'linked.yaml'));
    symlinkSync(dir, join(dir, 'real', 'loop'));
    const inside = await scan([join(dir, 'linked-dir'), '--fail-on', 'none']);
    // the directory named is a link: its target is read
    expect(inside.ids).toContain('pss-privileged');

    const only = tmp();
    symlinkSync(join(dir, 'real'), join(only, 'manifests'));
    mkdirSync(join(only, 'more'));
    symlinkSync(join(dir, 'real', 'pod.yaml'), join(only, 'more', 'pod.yaml'));
    // both links lead out of `only`: not read, and said so
    const out = await scan([only]);
    expect(out.out.findings.filter((f) => f.ruleId === 'file-skipped').map((f) => f.message)).toEqual([
      expect.stringMatching(/symlink to a file outside the input/),
    ]);
    expect(out.stderr).toMatch(/manifests: symlink to a directory outside the input .*not followed/);
    expect(out.code).toBe(2); // nothing was judged

    // inside: each real file once, the loop ends
    const whole = await scan([dir, '--fail-on', 'none']);
    expect(whole.out.findings.filter((f) => f.ruleId === 'pss-privileged')).toHaveLength(1);
    expect(whole.ids).not.toContain('file-skipped');

    // a link into a second input is inside the input
    const both = await scan([only, dir, '--fail-on', 'none']);
    expect(both.ids).not.toContain('file-skipped');
    void outside;
  });

  it('a dangling symlink with a manifest name is a file-skipped finding', async () => {
    const dir = tmp({ 'ok.yaml': PRIVILEGED });
    symlinkSync(join(dir, 'gone.yaml.target'), join(dir, 'gone.yaml'));
    const r = await scan([dir, '--fail-on', 'none']);
    expect(r.out.findings.filter((f) => f.ruleId === 'file-skipped').map((f) => f.message)).toEqual([
      expect.stringMatching(/symlink cannot be followed \(ENOENT\)/),
    ]);
  });

  it('a FIFO is never opened for reading: named, exit 2; inside a directory, a finding; the run ends', async () => {
    const dir = tmp({ 'ok.yaml': PRIVILEGED });
    const made = spawnSync('mkfifo', [join(dir, 'pipe.yaml')]);
    if (made.status !== 0) throw new Error(`mkfifo failed: ${made.stderr}`);
    const named = await scan([join(dir, 'pipe.yaml')]);
    expect(named.code).toBe(2);
    expect(named.stderr).toMatch(/pipe\.yaml: not a regular file or directory/);
    const walked = await scan([dir, '--fail-on', 'none']);
    expect(walked.out.findings.filter((f) => f.ruleId === 'file-skipped').map((f) => f.message)).toEqual([
      expect.stringMatching(/not a regular file/),
    ]);
    expect(walked.ids).toContain('pss-privileged');
  }, 20_000);

  it('a path named on the command line that cannot be read exits 2', async () => {
    const dir = tmp();
    symlinkSync(join(dir, 'loop'), join(dir, 'loop')); // ELOOP, whoever runs the test
    const r = await scan([join(dir, 'loop')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/loop: cannot be read \(ELOOP\)/);
  });

  it.skipIf(process.getuid?.() === 0)(
    'unreadable files and directories are findings; a named one exits 2',
    async () => {
      const dir = tmp({ 'ok.yaml': PRIVILEGED, 'secret.yaml': PRIVILEGED, 'locked/pod.yaml': PRIVILEGED });
      chmodSync(join(dir, 'secret.yaml'), 0);
      chmodSync(join(dir, 'locked'), 0);
      try {
        const r = await scan([dir, '--fail-on', 'none']);
        expect(
          r.out.findings
            .filter((f) => f.ruleId === 'file-skipped')
            .map((f) => f.message)
            .sort(),
        ).toEqual([
          expect.stringMatching(/cannot be read \(EACCES\)/),
          expect.stringMatching(/directory cannot be read \(EACCES\)/),
        ]);
        expect((await scan([join(dir, 'secret.yaml')])).code).toBe(2);
        expect((await scan([join(dir, 'locked')])).code).toBe(2);
      } finally {
        chmodSync(join(dir, 'secret.yaml'), 0o644);
        chmodSync(join(dir, 'locked'), 0o755);
      }
    },
  );
  if (process.getuid?.() === 0) console.warn('skipping the EACCES test: running as root, every file is readable');

  it('a run that judged no object exits 2 unless --allow-empty (scan and the commands that read manifests)', async () => {
    const dir = tmp({ 'notes.yaml': 'just: data\n' });
    const r = await scan([dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no Kubernetes object in .* nothing was judged/);
    expect(r.out.findings).toEqual([]); // the report is still written
    expect((await scan([dir, '--allow-empty'])).code).toBe(0);
    expect((await scan(['-'], { stdin: '' })).code).toBe(2);
    for (const cmd of [['pss'], ['rbac', 'who-can', 'get', 'secrets'], ['identities'], ['netpol', 'list']]) {
      const c = await runCli([...cmd, dir]);
      expect(c.code, cmd.join(' ')).toBe(2);
      expect(c.stderr, cmd.join(' ')).toMatch(/nothing was judged/);
      expect((await runCli([...cmd, dir, '--allow-empty'])).code, `${cmd.join(' ')} --allow-empty`).not.toBe(2);
    }
  });
});

describe('YAML as kubectl reads it', () => {
  it('hostPID: on and privileged: yes deploy as true, and are judged so', async () => {
    const pod = PRIVILEGED.replace('privileged: true', 'privileged: yes').replace('spec:\n', 'spec:\n  hostPID: on\n');
    const r = await scan(['-'], { stdin: pod });
    expect(r.ids).toEqual(expect.arrayContaining(['pss-privileged', 'pss-host-namespaces']));
    const pss = await runCli(['pss', '-', '--level', 'baseline'], { stdin: pod });
    expect(pss.code).toBe(1);
    expect(pss.stdout).toMatch(/DENIED/);
  });

  it('a file with more than 100 aliases passes; billion laughs fails fast, naming kubectl', async () => {
    const env = Array.from({ length: 300 }, (_, i) => `        - name: V${i}\n          value: *v`).join('\n');
    const many = PRIVILEGED.replace('metadata:\n', 'metadata:\n  annotations: {a: &v "1"}\n').replace(
      '      securityContext:',
      `      env:\n${env}\n      securityContext:`,
    );
    const ok = await scan(['-', '--fail-on', 'none'], { stdin: many });
    expect(ok.ids).not.toContain('invalid-yaml');
    expect(ok.ids).toContain('pss-privileged');

    const lines = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 30; i++)
      lines.push(
        `${'l'}${i}: &l${i} [${Array(10)
          .fill(i === 1 ? '*a' : `*l${i - 1}`)
          .join(',')}]`,
      );
    const bomb = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: bomb}\ndata:\n${lines.map((l) => `  ${l}`).join('\n')}\n`;
    const bad = await scan(['-', '--fail-on', 'none'], { stdin: `${bomb}---\n${PRIVILEGED}` });
    const invalid = bad.out.findings.filter((f) => f.ruleId === 'invalid-yaml');
    expect(invalid.map((f) => f.message)).toEqual([expect.stringMatching(/excessive aliasing/)]);
    expect(bad.ids).toContain('pss-privileged');
  });

  it('800 levels of nesting give a one-line message at a line, not a JavaScript stack overflow', async () => {
    const flow = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deep}\ndata:\n  x: ${'['.repeat(800)}${']'.repeat(800)}\n`;
    let block = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deep2}\nspec:\n';
    for (let i = 0; i < 800; i++) block += `${' '.repeat(2 + i)}a:\n`;
    block += `${' '.repeat(802)}b: 1\n`;
    const aliased = `${flow.replace('x: ', 'x: &d ')}  y: *d\n`;
    for (const text of [flow, block, aliased]) {
      const r = await scan(['-', '--fail-on', 'none', '--allow-empty'], { stdin: text });
      const invalid = r.out.findings.filter((f) => f.ruleId === 'invalid-yaml');
      expect(invalid).toHaveLength(1);
      expect(invalid[0]?.message).toMatch(/^nesting deeper than 500 levels/);
      expect(invalid[0]?.message).not.toMatch(/call stack/);
      expect(invalid[0]?.source?.line).toBeGreaterThan(4);
    }
  });

  it('150,000 objects on stdin: every accumulation survives (no spread of a huge array)', async () => {
    // ConfigMaps: few rules judge them, so the run measures the sources and the accumulations, not the rules
    const cm = (i: number) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: n${i}\n`;
    const text = Array.from({ length: 150_000 }, (_, i) => cm(i)).join('---\n');
    const r = await runCli(['scan', '-', '--fail-on', 'none', '-o', 'table'], { stdin: text });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/1 file, 150000 objects/);
  }, 120_000);
});
