/**
 * `list --explain` (and `list --explain --exposure`) against np-guard's expected
 * outputs: every `<stem>_explain_output.txt` (and `<stem>_explain_exposure_output.txt`)
 * of the corpus, compared exactly (after trimming
 * trailing whitespace and the blank lines at the end), each printed by
 * `kubeprint netpol list --explain` (the CLI in-process). The out-of-scope
 * families follow netpol-corpus.test.ts.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type CliRun, netpolList, OUT, TESTS } from '../../../test/helpers/netpol-corpus.js';

/** np-guard's explain options for one run, as `netpol list` flags take them. */
type ExplainFilter = Omit<CliRun, 'dir' | 'format' | 'exposure' | 'explain'>;

const SUFFIX = '_explain_output.txt';
const EXPOSURE_SUFFIX = '_explain_exposure_output.txt';

/** Case families outside Kubernetes core networking (as in netpol-corpus.test.ts). */
const OUT_OF_SCOPE: Array<[RegExp, string]> = [
  [/^c?udn_/, 'OVN-Kubernetes (Cluster)UserDefinedNetworks'],
  [/^nad_/, 'Multus NetworkAttachmentDefinitions / MultiNetworkPolicy'],
  [/^(udn_and_vms_|virtual_machines_)/, 'KubeVirt VirtualMachines'],
];

function outOfScope(dir: string): string | undefined {
  return OUT_OF_SCOPE.find(([re]) => re.test(dir))?.[1];
}

/**
 * Expected explain outputs kubeprint does not reproduce yet, with the reason.
 * The test fails when one of them starts matching (move it out of this list)
 * or when a case not listed here stops matching.
 */
const NOT_YET: Record<string, string> = {};

/** The explain runs of np-guard's test table that add options: output file stem → options. */
const OPTIONS: Record<string, ExplainFilter> = {
  'acs-security-demos_udp-5353_deny': { conn: 'udp-5353', explainOnly: 'deny' },
  anp_banp_blog_demo_deny: { explainOnly: 'deny' },
  anp_banp_blog_demo_focus_workload_myfoo_ingress: { workloads: ['myfoo'], direction: 'ingress' },
  anp_banp_blog_demo_focus_workload_myfoo_mybar_egress_with_mybaz_mymonitoring: {
    workloads: ['myfoo', 'mybar'],
    direction: 'egress',
    peers: ['mybaz', 'mymonitoring'],
  },
  anp_banp_blog_demo_focus_workload_mymonitoring_egress_with_myfoo_allow: {
    workloads: ['mymonitoring'],
    direction: 'egress',
    peers: ['myfoo'],
    explainOnly: 'allow',
  },
  'anp_banp_blog_demo_focus_workload_mymonitoring_egress_with_myfoo_tcp-80_allow': {
    workloads: ['mymonitoring'],
    direction: 'egress',
    peers: ['myfoo'],
    conn: 'tcp-80',
    explainOnly: 'allow',
  },
  anp_banp_blog_demo_focus_workload_mymonitoring_mybaz: { workloads: ['mymonitoring', 'mybaz'] },
  anp_banp_blog_demo_focus_workload_mymonitoring_with_myfoo_allow: {
    workloads: ['mymonitoring'],
    peers: ['myfoo'],
    explainOnly: 'allow',
  },
  anp_banp_blog_demo_focus_workload_mymonitoring_with_myfoo: { workloads: ['mymonitoring'], peers: ['myfoo'] },
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

/** The explain-with-exposure runs of np-guard's test table that add options: output file stem → options. */
const EXPOSURE_OPTIONS: Record<string, ExplainFilter> = {
  'acs-security-demos_tcp-8080': { conn: 'tcp-8080' },
};

/**
 * Expected explain-with-exposure outputs kubeprint does not reproduce yet, with
 * the reason (same mechanism as NOT_YET).
 */
const EXPOSURE_NOT_YET: Record<string, string> = {};

const present = existsSync(TESTS);
const dirs = present ? readdirSync(TESTS) : [];
/** The output stems of one kind: `<stem><suffix>` files of the corpus. */
function stemsOf(suffix: string): string[] {
  return present
    ? readdirSync(OUT)
        .filter((f) => f.endsWith(suffix))
        .map((f) => f.slice(0, -suffix.length))
        .sort()
    : [];
}

interface Kind {
  title: string;
  suffix: string;
  options: Record<string, ExplainFilter>;
  notYet: Record<string, string>;
  render: (dir: string, options: ExplainFilter | undefined) => Promise<string>;
}

const KINDS: Kind[] = [
  {
    title: 'list --explain',
    suffix: SUFFIX,
    options: OPTIONS,
    notYet: NOT_YET,
    render: (dir, options) => netpolList({ ...options, dir, explain: true }),
  },
  {
    title: 'list --explain --exposure',
    suffix: EXPOSURE_SUFFIX,
    options: EXPOSURE_OPTIONS,
    notYet: EXPOSURE_NOT_YET,
    render: (dir, options) => netpolList({ ...options, dir, explain: true, exposure: true }),
  },
];

for (const kind of KINDS) {
  const stems = stemsOf(kind.suffix);
  describe.skipIf(!present)(`netpol ${kind.title} vs ${OUT}`, () => {
    const tally = { matched: 0, total: 0, notYet: 0, skipped: 0 };
    for (const stem of stems) {
      const dir = caseOf(stem, dirs);
      if (dir === undefined || outOfScope(dir)) {
        tally.skipped++;
        continue;
      }
      it(stem, async () => {
        tally.total++;
        const expected = normalize(readFileSync(join(OUT, `${stem}${kind.suffix}`), 'utf8'));
        const options = kind.options[stem];
        // a stem that is neither a case nor a known option run renders nothing, so it cannot match by accident
        const actual = dir === stem || options ? normalize(await kind.render(dir, options)) : '';
        const reason = kind.notYet[stem];
        if (reason !== undefined) {
          tally.notYet++;
          expect(
            actual,
            `${stem} is listed as not matching (${reason}) but now matches: remove it from the not-yet list`,
          ).not.toBe(expected);
          return;
        }
        expect(actual).toBe(expected);
        tally.matched++;
      });
    }
    it('lists only cases of the corpus as not matching', () => {
      for (const stem of Object.keys(kind.notYet)) expect(stems).toContain(stem);
    });
    it('reports the tally', () => {
      console.log(
        `netpol ${kind.title} txt: matched ${tally.matched}/${tally.total} (not yet: ${tally.notYet}, out of scope: ${tally.skipped})`,
      );
    });
  });
}
