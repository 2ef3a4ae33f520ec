/**
 * Scalars as kubectl reads them: a table of spellings decoded by the real
 * decoder (test/yamldecoder: kubectl v1.36's YAMLOrJSONDecoder over
 * sigs.k8s.io/yaml and go-yaml v2, built by scripts/ci/install-yamldecoder.sh)
 * and by kubeprint (loadInputs on stdin, as `scan -` reads it, and `pss -`),
 * which must agree on every entry.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../test/cli-capture.js';
import { corpus } from '../../test/helpers/corpora.js';
import { parseRawDocument, splitDocuments } from './documents.js';
import { formatFloat32, resolvePlain } from './go-yaml-scalars.js';
import { loadInputs } from './index.js';

const apps = corpus('apps');

function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory() && e.name !== '.git') out.push(...yamlFiles(p));
    else if (e.isFile() && /\.ya?ml$/.test(e.name)) out.push(p);
  }
  return out.sort();
}

function decoderPath(): string | undefined {
  const tools = join(
    process.env.KUBEPRINT_TOOLS_DIR ?? join(homedir(), '.cache/kubeprint-tools'),
    'bin',
    'yamldecoder',
  );
  if (existsSync(tools)) return tools;
  const found = spawnSync('sh', ['-c', 'command -v yamldecoder'], { encoding: 'utf8' }).stdout.trim();
  return found || undefined;
}

const DECODER = decoderPath();
if (!DECODER)
  console.warn(
    'skipping the scalar-spelling comparison with kubectl: test/yamldecoder is not built (bash scripts/ci/install-yamldecoder.sh)',
  );

type GoResult = { ok: unknown } | { error: string };

/** Each text through the real decoder, one document each. */
function decodeWithGo(texts: string[]): GoResult[] {
  const r = spawnSync(DECODER as string, ['-each'], { input: JSON.stringify(texts), encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`yamldecoder failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as GoResult[];
}

/** JSON with -0 kept apart from 0, for comparing decoded values. */
function canon(v: unknown): string {
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v);
  if (Array.isArray(v)) return `[${v.map(canon).join(',')}]`;
  if (v && typeof v === 'object')
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canon((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(v);
}

const BOOLS = ['y', 'Y', 'yes', 'Yes', 'YES', 'n', 'N', 'no', 'No', 'NO', 'true', 'True', 'TRUE', 'false', 'False'];
const BOOLS2 = ['FALSE', 'on', 'On', 'ON', 'off', 'Off', 'OFF'];
const NOT_BOOLS = ['yEs', 'nO', 'tRUE', 'oN', 'oFF', 'ye', 'yess', 'o', 'f', 't', 'T', 'F', 'enabled', 'nein'];
const NULLS = ['~', 'null', 'Null', 'NULL', 'nULL', 'nil', 'None'];
const INTS = [
  '0',
  '-0',
  '+0',
  '00',
  '000',
  '0_0',
  '7',
  '+7',
  '-7',
  '0755',
  '-0755',
  '+0755',
  '0o755',
  '0O17',
  '0o',
  '0x1F',
  '0X1f',
  '+0x1F',
  '-0x1F',
  '0x',
  '0x_1F',
  '0b101',
  '0B11',
  '-0b101',
  '0b-101',
  '0b+101',
  '0b',
  '0b2',
  '0b_1',
  '1_000',
  '1__0',
  '1_',
  '_1',
  '08',
  '09',
  '0789',
  '9223372036854775807',
  '9223372036854775808',
  '-9223372036854775808',
  '-9223372036854775809',
  '18446744073709551615',
  '18446744073709551616',
  '0xFFFFFFFFFFFFFFFF',
  '0x10000000000000000',
  '+9223372036854775808',
];
const FLOATS = [
  '1.0',
  '1.10',
  '1.',
  '-1.',
  '1.e5',
  '.5',
  '.5e3',
  '.5E-3',
  '+.5',
  '-.5',
  '.',
  '._5',
  '.5_0',
  '.5_',
  '.5e1_0',
  '-0.0',
  '0.0',
  '09.5',
  '1e3',
  '1E3',
  '1e+3',
  '1.5e3',
  '1_000.5',
  '1_0e1_0',
  '0.1',
  '3.14159265358979',
  '1e-5',
  '1e-400',
  '4.9e-324',
  '1.7976931348623157e308',
  '1.8e308',
  '1e',
  'e3',
  '0x1p3',
  '1:30',
  '190:20:30',
  '-1:30',
  'Infinity',
  'inf',
  'NaN',
  '.inf',
  '-.Inf',
  '+.INF',
  '.nan',
  '.NaN',
];
const STRINGS = [
  '2024-01-01',
  '2024-01-01T00:00:00Z',
  '2001-12-14 21:59:43.10 -5',
  '1.2.3',
  'v1',
  '+',
  '<<',
  '"yes"',
  "'no'",
  '"0755"',
  "'1_000'",
  '"~"',
  '!!str yes',
  '!!str 0755',
  '!!int "0755"',
  '!!float "1"',
  '!!bool "on"',
  '!!int 1.5',
  '!!bool 1',
  '!!null ""',
  '! on',
  '!custom on',
  '!!binary aGVsbG8=',
  '|\n    yes',
  '>-\n    on',
];

/** Documents that put one spelling in a value, a flow list, and a map key. */
function documents(spellings: string[]): Array<{ name: string; text: string; spelling: string; where: string }> {
  const out: Array<{ name: string; text: string; spelling: string; where: string }> = [];
  spellings.forEach((s, i) => {
    const head = (where: string) => `apiVersion: example.com/v1\nkind: Probe\nmetadata:\n  name: p${i}-${where}\n`;
    out.push({ name: `p${i}-value`, spelling: s, where: 'value', text: `${head('value')}spec:\n  v: ${s}\n` });
    if (!s.includes('\n')) {
      out.push({ name: `p${i}-flow`, spelling: s, where: 'flow', text: `${head('flow')}spec: {v: [${s}, x]}\n` });
      if (!/^[!|>"']/.test(s) && s !== '')
        out.push({ name: `p${i}-key`, spelling: s, where: 'key', text: `${head('key')}spec:\n  ${s}: v\n` });
    }
  });
  return out;
}

describe.skipIf(!DECODER)('plain scalars are read as kubectl reads them', () => {
  const table = [...BOOLS, ...BOOLS2, ...NOT_BOOLS, ...NULLS, ...INTS, ...FLOATS, ...STRINGS];

  it('loadInputs (scan -) agrees with the real decoder on every spelling, as a value, in a flow list and as a key', async () => {
    const docs = documents(table);
    const go = decodeWithGo(docs.map((d) => d.text));
    const stream = docs.map((d) => d.text).join('---\n');
    const loaded = await loadInputs(['-'], { cwd: process.cwd(), stdin: async () => stream });
    const byName = new Map(loaded.objects.map((o) => [o.name, o]));
    const mismatches: string[] = [];
    docs.forEach((d, i) => {
      const want = go[i] as GoResult;
      const got = byName.get(d.name);
      if ('error' in want) {
        if (got)
          mismatches.push(
            `${d.where} ${JSON.stringify(d.spelling)}: kubectl refuses (${want.error}); kubeprint read ${canon(got.raw.spec)}`,
          );
        return;
      }
      const wantSpec = (want.ok as { spec?: unknown }).spec;
      if (!got) {
        mismatches.push(
          `${d.where} ${JSON.stringify(d.spelling)}: kubectl reads ${canon(wantSpec)}; kubeprint read nothing`,
        );
        return;
      }
      if (canon(got.raw.spec) !== canon(wantSpec))
        mismatches.push(
          `${d.where} ${JSON.stringify(d.spelling)}: kubectl ${canon(wantSpec)}, kubeprint ${canon(got.raw.spec)}`,
        );
    });
    expect(mismatches).toEqual([]);
    // what kubectl refuses is reported, never silently dropped
    const refused = docs.filter((_, i) => 'error' in (go[i] as GoResult)).length;
    expect(loaded.problems.filter((p) => p.ruleId === 'invalid-yaml').length).toBe(refused);
  });

  it('pss - judges privileged and hostPID as kubectl stores them', async () => {
    const spellings = [...BOOLS, ...BOOLS2, ...NOT_BOOLS.slice(0, 5), '"yes"', '!!bool "on"', '!!str on'];
    const pods = spellings.map(
      (s, i) =>
        `apiVersion: v1\nkind: Pod\nmetadata:\n  name: pod${i}\nspec:\n  hostPID: ${s}\n  containers:\n  - name: c\n    image: nginx:1.27\n    securityContext:\n      privileged: ${s}\n`,
    );
    const go = decodeWithGo(pods);
    const r = await runCli(['pss', '-', '--level', 'baseline', '-o', 'json'], { stdin: pods.join('---\n') });
    const entries = JSON.parse(r.stdout) as Array<{
      name: string;
      allowed: boolean;
      violations: Array<{ check: string }>;
    }>;
    const verdicts = new Map(entries.map((e) => [e.name, e]));
    const mismatches: string[] = [];
    spellings.forEach((s, i) => {
      const want = go[i] as GoResult;
      if ('error' in want) return;
      const spec = (
        want.ok as { spec: { hostPID: unknown; containers: Array<{ securityContext: { privileged: unknown } }> } }
      ).spec;
      // a string in a boolean field is refused by the API server: only booleans are deployed and judged
      if (typeof spec.hostPID !== 'boolean') return;
      const e = verdicts.get(`pod${i}`);
      const deniedByKubernetes = spec.hostPID === true || spec.containers[0]?.securityContext.privileged === true;
      if (!e) mismatches.push(`${s}: no pss verdict`);
      else if (e.allowed === deniedByKubernetes)
        mismatches.push(`${s}: kubectl stores ${String(spec.hostPID)}, pss says ${e.allowed ? 'allowed' : 'denied'}`);
    });
    expect(mismatches).toEqual([]);
    expect(entries.filter((e) => !e.allowed).length).toBeGreaterThan(10);
  });

  it('merge keys, aliases and tags are read as kubectl reads them', async () => {
    const many = Array.from({ length: 150 }, (_, i) => `    - name: e${i}\n      value: *v`).join('\n');
    const bomb = ['  a: &a ["x","x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 9; i++)
      bomb.push(
        `  ${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10)
          .fill(`*${String.fromCharCode(96 + i)}`)
          .join(',')}]`,
      );
    const bodies = [
      // an explicit key before a merge: go-yaml lets the merge overwrite it (privileged becomes true)
      'base: &b {privileged: true, x: 1}\nsc:\n  privileged: false\n  <<: *b\n',
      'base: &b {privileged: true, x: 1}\nsc:\n  <<: *b\n  privileged: false\n',
      // a list of merges: the earlier map wins
      'one: &one {a: 1, b: 1}\ntwo: &two {b: 2, c: 2}\nm:\n  <<: [*one, *two]\n',
      // an inline merge, no alias at all
      'm:\n  privileged: false\n  <<: {privileged: true}\n',
      // a quoted << is a plain key
      'm:\n  "<<": {privileged: true}\n',
      // a heredoc in a block scalar is text
      'script: |\n  cat <<EOF\n  on\n  EOF\nv: on\n',
      // aliases as values and keys, a later anchor of the same name
      'k: &k on\nm:\n  *k : 1\nv: *k\nk2: &k 0755\nw: *k\n',
      // merging a scalar is refused
      's: &s 1\nm:\n  <<: *s\n',
      // an unknown anchor is refused
      'm: *nope\n',
      // 150 aliases in a real-looking file are fine for kubectl
      `v: &v "1"\nenv:\n${many}\n`,
      // billion laughs is refused
      `laughs:\n${bomb.join('\n')}\n`,
      // tags go-yaml reads and js-yaml does not
      'a: !custom on\nb: !!binary aGVsbG8=\nc: !!set {x, y}\nd: !!timestamp 2024-01-01\n',
      'a: !!float 1\nb: !!int 0x1F\nc: !!str 1.5\n',
      // duplicate keys: the last wins
      'a: 1\nb: 2\na: on\n',
      // keys JSON spells from floats and nulls
      'm:\n  1.5: a\n  1e6: b\n  on: c\n',
      'm:\n  ~: a\n',
      'm:\n  null: a\n',
      'creationTimestamp: null\nm:\n  "null": a\n  v: 1.5\n',
    ];
    const texts = bodies.map(
      (b, i) =>
        `apiVersion: example.com/v1\nkind: Probe\nmetadata:\n  name: s${i}\nspec:\n${b.replace(/^(?=.)/gm, '  ')}`,
    );
    const go = decodeWithGo(texts);
    const loaded = await loadInputs(['-'], { cwd: process.cwd(), stdin: async () => texts.join('---\n') });
    const byName = new Map(loaded.objects.map((o) => [o.name, o]));
    const mismatches: string[] = [];
    bodies.forEach((b, i) => {
      const want = go[i] as GoResult;
      const got = byName.get(`s${i}`);
      const shown = JSON.stringify(b.slice(0, 60));
      if ('error' in want) {
        if (got) mismatches.push(`${shown}: kubectl refuses (${want.error}); kubeprint read it`);
        return;
      }
      const w = canon((want.ok as { spec: unknown }).spec);
      if (!got) mismatches.push(`${shown}: kubectl reads ${w}; kubeprint read nothing`);
      else if (canon(got.raw.spec) !== w) mismatches.push(`${shown}: kubectl ${w}, kubeprint ${canon(got.raw.spec)}`);
    });
    expect(mismatches).toEqual([]);
  });

  it.skipIf(!apps.present)('every document of the real application repositories reads as kubectl reads it', () => {
    const files = yamlFiles(apps.path).filter((f) => !f.includes(`${sep}templates${sep}`)); // Helm templates are not YAML yet
    const mismatches: string[] = [];
    let compared = 0;
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      const docs = splitDocuments(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
      const go = decodeWithGo(docs.map((d) => d.text));
      docs.forEach((d, i) => {
        const want = go[i] as GoResult;
        const got = parseRawDocument(d);
        compared++;
        const at = `${file.slice(apps.path.length + 1)}:${d.lineOffset + 1}`;
        if ('error' in want) {
          if (got.$case !== 'error') mismatches.push(`${at}: kubectl refuses (${want.error}); kubeprint reads it`);
          return;
        }
        const value = got.$case === 'value' ? got.value : got.$case === 'empty' ? null : undefined;
        if (value === undefined)
          mismatches.push(`${at}: kubectl reads it; kubeprint: ${got.$case === 'error' ? got.problem.message : ''}`);
        else if (canon(value) !== canon(want.ok)) mismatches.push(`${at}: kubectl and kubeprint read different values`);
      });
    }
    expect(mismatches).toEqual([]);
    expect(compared).toBeGreaterThan(500);
  });

  it('float map keys are spelled as sigs.k8s.io/yaml spells them (float32, %g)', () => {
    const keys = ['1.5', '0.1', '1e6', '123456.7', '1234567.0', '3.14159265358979', '1e-7', '-2.5e10', '100000.0'];
    const go = decodeWithGo(keys.map((k) => `${k}: v`));
    keys.forEach((k, i) => {
      const want = Object.keys((go[i] as { ok: Record<string, unknown> }).ok)[0];
      expect(formatFloat32(resolvePlain(k).value as number), k).toBe(want);
    });
  });
});
