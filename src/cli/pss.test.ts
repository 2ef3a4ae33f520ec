import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { captureIO } from '../../test/cli-capture.js';
import { corpus } from '../../test/helpers/corpora.js';
import { main } from './main.js';
import type { PssEntry } from './pss.js';

const capture = captureIO;

const { path: CORPUS, present } = corpus('psa/testdata');

describe.skipIf(!present)(`kubeprint pss over the PSA corpus (${CORPUS})`, () => {
  it('gives the fixture verdict for every file, level and version', async () => {
    let total = 0;
    const wrong: string[] = [];
    for (const level of ['baseline', 'restricted']) {
      for (const version of readdirSync(join(CORPUS, level))) {
        const dir = join(CORPUS, level, version);
        const io = capture();
        const code = await main(
          ['pss', join(dir, 'pass'), join(dir, 'fail'), '--level', level, '--version', version, '-o', 'json'],
          io,
        );
        const entries = JSON.parse(io.out.join('')) as PssEntry[];
        const files = ['pass', 'fail'].flatMap((k) => readdirSync(join(dir, k)).filter((f) => f.endsWith('.yaml')));
        expect(entries.length).toBe(files.length);
        expect(code).toBe(entries.some((e) => !e.allowed) ? 1 : 0);
        for (const e of entries) {
          total++;
          const expected = e.source?.file.includes('/pass/') ?? false;
          expect(e.level).toBe(level);
          expect(e.version).toBe(version);
          if (e.allowed !== expected) wrong.push(`${e.source?.file}: allowed=${e.allowed}`);
          for (const v of e.violations) expect(v.line).toBeGreaterThan(0);
        }
      }
    }
    expect(wrong).toEqual([]);
    expect(total).toBe(4537);
  });
});

describe('kubeprint pss', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubeprint-pss-'));
  writeFileSync(
    join(dir, 'app.yaml'),
    `apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels:
    pod-security.kubernetes.io/enforce: baseline
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  template:
    spec:
      containers:
      - name: app
        image: nginx
        securityContext:
          privileged: true
---
apiVersion: v1
kind: Pod
metadata:
  name: ok
  namespace: other
spec:
  containers:
  - name: app
    image: nginx
`,
  );

  it('points each violation at the line of its field', async () => {
    const io = capture(dir);
    const code = await main(['pss', 'app.yaml', '--level', 'baseline', '-o', 'json'], io);
    expect(code).toBe(1);
    const entries = JSON.parse(io.out.join('')) as PssEntry[];
    expect(entries.map((e) => [e.kind, e.name, e.allowed])).toEqual([
      ['Deployment', 'web', false],
      ['Pod', 'ok', true],
    ]);
    expect(entries[0]?.source).toEqual({ file: 'app.yaml', line: 8 });
    expect(entries[0]?.violations).toEqual([
      {
        check: 'privileged',
        reason: 'privileged',
        detail: 'container "app" must not set securityContext.privileged=true',
        path: '/spec/template/spec/containers/0/securityContext/privileged',
        line: 20,
      },
    ]);
  });

  it('lists what would break when a namespace is raised', async () => {
    const io = capture(dir);
    const code = await main(['pss', 'app.yaml', '--what-if', 'restricted', '-n', 'shop'], io);
    expect(code).toBe(1);
    const text = io.out.join('');
    expect(text).toContain('namespace "shop" enforced restricted:latest (now baseline:latest)');
    expect(text).toContain('Deployment shop/web  DENIED');
    expect(text).not.toContain('Pod other/ok');
    expect(text).toContain('1 of 1 pod-bearing objects in "shop" would be denied at restricted:latest');
  });

  it('exits 0 when all allowed and 2 on usage errors', async () => {
    expect(await main(['pss', 'app.yaml', '-n', 'other'], capture(dir))).toBe(1);
    expect(await main(['pss', 'app.yaml', '-n', 'other', '--level', 'baseline'], capture(dir))).toBe(0);
    const io = capture(dir);
    expect(await main(['pss', 'app.yaml', '--version', 'v2.0'], io)).toBe(2);
    expect(io.err.join('')).toMatch(/--version must be/);
    expect(await main(['pss', 'app.yaml', '--level', 'strict'], capture(dir))).toBe(2);
    expect(await main(['pss', 'app.yaml', '--what-if', 'restricted'], capture(dir))).toBe(2);
    expect(await main(['pss'], capture(dir))).toBe(2);
  });
});
