/**
 * `list --explain` against np-guard's expected explain outputs: every
 * `<stem>_explain_output.txt` of the corpus, compared exactly (after trimming
 * trailing whitespace and the blank lines at the end). The loader and the
 * out-of-scope families follow netpol-corpus.test.ts; they are copied, since
 * importing that file would run its tests here too.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { loadAll } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { type KubeObject, toKubeObject } from '../../model/kube-object.js';
import { type ExplainFilter, explainAll, filterExplained, formatExplainNpGuard } from './explain-npguard.js';
import { ConnSet, connectivity } from './index.js';

const CORPUS = join(process.cwd(), '../shared/corpora/netpol-analyzer');
const TESTS = join(CORPUS, 'tests');
const OUT = join(CORPUS, 'test_outputs/connlist');
const SUFFIX = '_explain_output.txt';

/** Case families outside Kubernetes core networking (as in netpol-corpus.test.ts). */
const OUT_OF_SCOPE: Array<[RegExp, string]> = [
  [/^c?udn_/, 'OVN-Kubernetes (Cluster)UserDefinedNetworks'],
  [/^nad_/, 'Multus NetworkAttachmentDefinitions / MultiNetworkPolicy'],
  [/^(udn_and_vms_|virtual_machines_)/, 'KubeVirt VirtualMachines'],
];

function outOfScope(dir: string): string | undefined {
  return OUT_OF_SCOPE.find(([re]) => re.test(dir))?.[1];
}

/** Every YAML/JSON document under a folder, read as leniently as np-guard's Go reader. */
function loadCase(dir: string): KubeObject[] {
  const out: KubeObject[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.(ya?ml|json)$/.test(name)) {
        const text = readFileSync(p, 'utf8');
        let values: unknown[];
        try {
          values = loadAll(text);
        } catch {
          values = parseAllDocuments(text)
            .filter((x) => x.errors.length === 0)
            .map((x) => x.toJS());
        }
        for (const v of values) {
          const o = toKubeObject(v, undefined, dir);
          if (o) out.push(o);
        }
      }
    }
  };
  walk(dir);
  return out;
}

/**
 * Expected explain outputs kubeprint does not reproduce yet, with the reason.
 * The test fails when one of them starts matching (move it out of this list)
 * or when a case not listed here stops matching.
 */
const NOT_YET: Record<string, string> = {};

/** The explain runs of np-guard's test table that add options: output file stem → options. */
const OPTIONS: Record<string, ExplainFilter> = {
  'acs-security-demos_udp-5353_deny': { conn: ConnSet.of('UDP', [5353, 5353]), only: 'deny' },
  anp_banp_blog_demo_deny: { only: 'deny' },
  anp_banp_blog_demo_focus_workload_myfoo_ingress: { focus: { workloads: ['myfoo'], direction: 'ingress' } },
  anp_banp_blog_demo_focus_workload_myfoo_mybar_egress_with_mybaz_mymonitoring: {
    focus: { workloads: ['myfoo', 'mybar'], direction: 'egress', peers: ['mybaz', 'mymonitoring'] },
  },
  anp_banp_blog_demo_focus_workload_mymonitoring_egress_with_myfoo_allow: {
    focus: { workloads: ['mymonitoring'], direction: 'egress', peers: ['myfoo'] },
    only: 'allow',
  },
  'anp_banp_blog_demo_focus_workload_mymonitoring_egress_with_myfoo_tcp-80_allow': {
    focus: { workloads: ['mymonitoring'], direction: 'egress', peers: ['myfoo'] },
    conn: ConnSet.of('TCP', [80, 80]),
    only: 'allow',
  },
  anp_banp_blog_demo_focus_workload_mymonitoring_mybaz: { focus: { workloads: ['mymonitoring', 'mybaz'] } },
  anp_banp_blog_demo_focus_workload_mymonitoring_with_myfoo_allow: {
    focus: { workloads: ['mymonitoring'], peers: ['myfoo'] },
    only: 'allow',
  },
  anp_banp_blog_demo_focus_workload_mymonitoring_with_myfoo: {
    focus: { workloads: ['mymonitoring'], peers: ['myfoo'] },
  },
};

/** Expected text without trailing whitespace and without the blank lines at the end. */
function normalize(text: string): string {
  const lines = text.split('\n').map((l) => l.trimEnd());
  while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
  return lines.join('\n');
}

/** The case folder an explain output belongs to: the stem itself, or the longest case name it starts with. */
function caseOf(stem: string, dirs: readonly string[]): string | undefined {
  if (dirs.includes(stem)) return stem;
  return dirs.filter((d) => stem.startsWith(`${d}_`)).sort((a, b) => b.length - a.length)[0];
}

const present = existsSync(TESTS);
const dirs = present ? readdirSync(TESTS) : [];
const stems = present
  ? readdirSync(OUT)
      .filter((f) => f.endsWith(SUFFIX))
      .map((f) => f.slice(0, -SUFFIX.length))
      .sort()
  : [];

describe.skipIf(!present)(`netpol list --explain vs ${OUT}`, () => {
  const tally = { matched: 0, total: 0, notYet: 0, skipped: 0 };
  for (const stem of stems) {
    const dir = caseOf(stem, dirs);
    if (dir === undefined || outOfScope(dir)) {
      tally.skipped++;
      continue;
    }
    it(stem, () => {
      tally.total++;
      const expected = normalize(readFileSync(join(OUT, `${stem}${SUFFIX}`), 'utf8'));
      let actual = '';
      const options = OPTIONS[stem];
      if (dir === stem || options) {
        const { engine } = connectivity(loadCase(join(TESTS, dir)));
        const pairs = explainAll(engine);
        actual = normalize(formatExplainNpGuard(options ? filterExplained(pairs, options) : pairs));
      }
      const reason = NOT_YET[stem];
      if (reason !== undefined) {
        tally.notYet++;
        expect(
          actual,
          `${stem} is listed as not matching (${reason}) but now matches: remove it from NOT_YET`,
        ).not.toBe(expected);
        return;
      }
      expect(actual).toBe(expected);
      tally.matched++;
    });
  }
  it('lists only cases of the corpus as not matching', () => {
    for (const stem of Object.keys(NOT_YET)) expect(stems).toContain(stem);
  });
  it('reports the tally', () => {
    console.log(
      `netpol explain txt: matched ${tally.matched}/${tally.total} (not yet: ${tally.notYet}, out of scope: ${tally.skipped})`,
    );
  });
});
