/**
 * kubeprint against Kyverno's Argo CD and Flux policies (corpora:
 * gitops/kyverno/{argo,flux}/<policy>/). Every expected result of a policy's
 * Kyverno CLI test (`.kyverno-test/kyverno-test.yaml` or `kyverno-test.yaml`:
 * policy, rule, kind, resources, pass/fail/skip) and, for policies with no
 * such test, every object of the chainsaw test's good/bad files (bad: denied,
 * good: admitted) is a case. A policy (or one of its rules) with a kubeprint
 * equivalent (test/gitops/kyverno-{argo,flux}-map.ts) must get the same
 * verdict from `kubeprint scan FILE -o json`: a finding of one of the mapped
 * rules on that object is Kyverno's `fail`, none is `pass` (and `skip`, a
 * policy that does not apply). Each object is scanned alone, as Kyverno judges
 * it. Policies without an equivalent are listed with the reason; a policy in
 * neither list fails the test, so that a new policy in the corpus is looked at.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { runCli } from '../cli-capture.js';
import { corpus } from '../helpers/corpora.js';
import { kyvernoArgoMap } from './kyverno-argo-map.js';
import { kyvernoFluxMap } from './kyverno-flux-map.js';
import type { KyvernoEquivalent, KyvernoMap } from './kyverno-map.js';

const KYVERNO = corpus('gitops/kyverno');
const MAPS: Record<string, KyvernoMap> = { argo: kyvernoArgoMap, flux: kyvernoFluxMap };

type Verdict = 'pass' | 'fail' | 'skip';

interface Case {
  folder: string;
  policy: string;
  rule: string | undefined;
  kind: string;
  name: string;
  namespace: string | undefined;
  expected: Verdict;
  /** The object, as the test's resource file holds it. */
  raw: Record<string, unknown> | undefined;
  /** Where the case comes from, for messages. */
  from: string;
}

type Doc = Record<string, unknown>;

function docsOf(file: string): Doc[] {
  if (!existsSync(file)) return [];
  return parseAllDocuments(readFileSync(file, 'utf8'))
    .map((d) => d.toJS() as unknown)
    .filter((d): d is Doc => !!d && typeof d === 'object' && !Array.isArray(d) && typeof (d as Doc).kind === 'string');
}

const meta = (d: Doc) => (d.metadata ?? {}) as { name?: string; namespace?: string };

function kyvernoTestCases(folder: string, policy: string, file: string): Case[] {
  const test = docsOf(file)[0] as
    | {
        resources?: string[];
        results?: Array<{
          policy: string;
          rule?: string;
          kind?: string;
          resources?: string[];
          resource?: string;
          result: Verdict;
        }>;
      }
    | undefined;
  if (!test) return [];
  const docs = (test.resources ?? []).flatMap((r) => docsOf(join(dirname(file), r)));
  const out: Case[] = [];
  for (const r of test.results ?? []) {
    for (const ref of r.resources ?? (r.resource ? [r.resource] : [])) {
      const [namespace, name] = ref.includes('/') ? (ref.split('/', 2) as [string, string]) : [undefined, ref];
      const raw = docs.find(
        (d) =>
          (r.kind === undefined || d.kind === r.kind) &&
          meta(d).name === name &&
          (namespace === undefined || meta(d).namespace === namespace),
      );
      out.push({
        folder,
        policy: r.policy || policy,
        rule: r.rule,
        kind: r.kind ?? String(raw?.kind ?? ''),
        name,
        namespace,
        expected: r.result,
        raw,
        from: `${folder}/${policy}/${basename(dirname(file))}/${basename(file)}`,
      });
    }
  }
  return out;
}

/** A chainsaw test's good/bad files: every object in a bad file must be denied, in a good file admitted. */
function chainsawCases(folder: string, policy: string, dir: string): Case[] {
  if (!existsSync(dir)) return [];
  const out: Case[] = [];
  for (const f of readdirSync(dir).sort()) {
    const m = /(?:^|[-_.])(good|bad)(?:[-_.]|$)/.exec(f);
    if (!m || !/\.ya?ml$/.test(f)) continue;
    for (const raw of docsOf(join(dir, f)))
      out.push({
        folder,
        policy,
        rule: undefined,
        kind: String(raw.kind),
        name: meta(raw).name ?? '',
        namespace: meta(raw).namespace,
        expected: m[1] === 'bad' ? 'fail' : 'pass',
        raw,
        from: `${folder}/${policy}/.chainsaw-test/${f}`,
      });
  }
  return out;
}

interface Policy {
  folder: string;
  name: string;
  cases: Case[];
}

function policies(): Policy[] {
  if (!KYVERNO.present) return [];
  const out: Policy[] = [];
  for (const folder of Object.keys(MAPS)) {
    const root = join(KYVERNO.path, folder);
    if (!existsSync(root)) continue;
    for (const name of readdirSync(root).sort()) {
      const dir = join(root, name);
      const testFile = [join(dir, '.kyverno-test', 'kyverno-test.yaml'), join(dir, 'kyverno-test.yaml')].find(
        existsSync,
      );
      const cases = testFile
        ? kyvernoTestCases(folder, name, testFile)
        : chainsawCases(folder, name, join(dir, '.chainsaw-test'));
      out.push({ folder, name, cases });
    }
  }
  return out;
}

function equivalentOf(map: KyvernoMap, policy: string, rule: string | undefined): KyvernoEquivalent | undefined {
  return (rule !== undefined ? map.equivalents[`${policy}/${rule}`] : undefined) ?? map.equivalents[policy];
}

function noEquivalentOf(map: KyvernoMap, policy: string, rule: string | undefined): string | undefined {
  return (rule !== undefined ? map.noEquivalent[`${policy}/${rule}`] : undefined) ?? map.noEquivalent[policy];
}

const POLICIES = policies();
const work = mkdtempSync(join(tmpdir(), 'kubeprint-kyverno-'));
const tally = { compared: 0, agreed: 0, byPolicy: new Map<string, { compared: number; agreed: number }>() };

/** kubeprint's verdict on one object: `fail` when a mapped rule reports on it. */
async function verdictOf(c: Case, eq: KyvernoEquivalent): Promise<{ verdict: 'pass' | 'fail'; detail: string }> {
  const dir = mkdtempSync(join(work, 'case-'));
  const file = join(dir, `${c.kind}-${c.name}.yaml`);
  writeFileSync(file, JSON.stringify(c.raw));
  const args = ['scan', file, '-o', 'json', '--fail-on', 'critical'];
  if (eq.config !== undefined) {
    writeFileSync(join(dir, 'kubeprint.yaml'), eq.config);
    args.push('--config', join(dir, 'kubeprint.yaml'));
  }
  const r = await runCli(args, { cwd: dir });
  if (r.code === 2) throw new Error(`kubeprint scan failed on ${c.from} ${c.kind}/${c.name}: ${r.stderr}`);
  const out = JSON.parse(r.stdout) as {
    findings: Array<{ ruleId: string; message: string; object?: { kind: string; name: string } }>;
  };
  const mine = out.findings.filter(
    (f) => eq.ruleIds.includes(f.ruleId) && f.object?.kind === c.kind && f.object.name === c.name,
  );
  return {
    verdict: mine.length > 0 ? 'fail' : 'pass',
    detail: mine.map((f) => `${f.ruleId}: ${f.message}`).join('; '),
  };
}

describe.skipIf(!KYVERNO.present)("Kyverno's Argo CD and Flux policy tests", () => {
  afterAll(() => {
    rmSync(work, { recursive: true, force: true });
    const lines = [
      `Kyverno comparison: ${tally.agreed}/${tally.compared} results with a kubeprint equivalent agree`,
      ...[...tally.byPolicy].map(([p, t]) => `  ${p}: ${t.agreed}/${t.compared}`),
      'Policies without an equivalent:',
      ...POLICIES.flatMap((p) => {
        const map = MAPS[p.folder] as KyvernoMap;
        const rules = [...new Set(p.cases.map((c) => c.rule))];
        const none = (rules.length ? rules : [undefined])
          .filter((r) => !equivalentOf(map, p.name, r))
          .map((r) => ({ r, why: noEquivalentOf(map, p.name, r) }))
          .filter((x) => x.why !== undefined);
        return none.map(({ r, why }) => `  ${p.folder}/${p.name}${r ? `/${r}` : ''}: ${why}`);
      }),
    ];
    console.log(lines.join('\n'));
  });

  it('finds the policies of both folders', () => {
    expect(POLICIES.filter((p) => p.folder === 'argo').length).toBeGreaterThanOrEqual(5);
    expect(POLICIES.filter((p) => p.folder === 'flux').length).toBeGreaterThanOrEqual(3);
  });

  it.each(POLICIES.map((p) => [`${p.folder}/${p.name}`, p] as const))(
    '%s: every rule is mapped to a kubeprint rule or listed with the reason it has none',
    (_label, p) => {
      const map = MAPS[p.folder] as KyvernoMap;
      const rules = [...new Set(p.cases.map((c) => c.rule))];
      const unmapped = (rules.length ? rules : [undefined]).filter(
        (r) => !equivalentOf(map, p.name, r) && !noEquivalentOf(map, p.name, r),
      );
      expect(
        unmapped.map((r) => `${p.name}${r ? `/${r}` : ''}: add it to test/gitops/kyverno-${p.folder}-map.ts`),
      ).toEqual([]);
    },
  );

  const compared = POLICIES.flatMap((p) =>
    p.cases
      .map((c) => ({ c, eq: equivalentOf(MAPS[p.folder] as KyvernoMap, c.policy, c.rule) }))
      .filter((x): x is { c: Case; eq: KyvernoEquivalent } => x.eq !== undefined),
  );

  it('compares at least the Argo CD results that have an equivalent', () => {
    expect(compared.filter(({ c }) => c.folder === 'argo').length).toBeGreaterThanOrEqual(6);
  });

  it.each(
    compared.map(
      ({ c, eq }) =>
        [`${c.folder}/${c.policy}${c.rule ? `/${c.rule}` : ''} ${c.kind}/${c.name}: ${c.expected}`, c, eq] as const,
    ),
  )('%s', async (_label, c, eq) => {
    expect(c.raw, `${c.from}: the resource ${c.kind}/${c.name} is in the test's resource files`).toBeDefined();
    const { verdict, detail } = await verdictOf(c, eq);
    const want = c.expected === 'fail' ? 'fail' : 'pass';
    const key = `${c.folder}/${c.policy}${c.rule ? `/${c.rule}` : ''}`;
    const t = tally.byPolicy.get(key) ?? { compared: 0, agreed: 0 };
    t.compared++;
    tally.compared++;
    if (verdict === want) {
      t.agreed++;
      tally.agreed++;
    }
    tally.byPolicy.set(key, t);
    expect(`${verdict}${detail ? ` (${detail})` : ''}`, `${c.from}: ${eq.ruleIds.join(', ')}`).toMatch(
      new RegExp(`^${want}\\b`),
    );
  });
});
