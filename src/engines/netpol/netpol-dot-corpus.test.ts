/**
 * `-o dot` against np-guard's expected graphs: every `<stem>_connlist_output.dot` and
 * `<stem>_exposure_output.dot` of the corpus, compared byte for byte (after trimming
 * the final newline), each drawn by `kubeprint netpol list -o dot` (the CLI
 * in-process, test/helpers/netpol-corpus.ts). The out-of-scope families follow
 * netpol-corpus.test.ts.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXPOSURE_FOCUS, type FocusRun, netpolList, OUT, TESTS } from '../../../test/helpers/netpol-corpus.js';

/** Families kubeprint does not model (as in netpol-corpus.test.ts): OVN user-defined networks, Multus, KubeVirt. */
const OUT_OF_SCOPE: Array<[RegExp, string]> = [
  [/^c?udn_(test_\d+|with_ingress_controller)/, 'OVN-Kubernetes (Cluster)UserDefinedNetworks'],
  [/^nad_test_\d+/, 'Multus NetworkAttachmentDefinitions / MultiNetworkPolicy'],
  [/^(udn_and_vms_test_\d+|virtual_machines_example)/, 'KubeVirt VirtualMachines'],
];

function outOfScope(stem: string): string | undefined {
  return OUT_OF_SCOPE.find(([re]) => re.test(stem))?.[1];
}

type Run = FocusRun;

/** Focus runs of np-guard's test table with a dot output: file stem → options. */
const FOCUS: Record<string, Run> = {
  'acs-security-demos_focus_workload_backend_checkout_frontend_webapp_with_backend_recommendation': {
    dir: 'acs-security-demos',
    workloads: ['backend/checkout', 'frontend/webapp'],
    peers: ['backend/recommendation'],
  },
  'acs-security-demos_focus_workload_checkout_ingress_with_webapp': {
    dir: 'acs-security-demos',
    workloads: ['checkout'],
    peers: ['webapp'],
    direction: 'ingress',
  },
  'acs-security-demos_focus_workload_checkout_reports_egress_with_recommendation_catalog': {
    dir: 'acs-security-demos',
    workloads: ['checkout', 'reports'],
    peers: ['recommendation', 'catalog'],
    direction: 'egress',
  },
  anp_banp_blog_demo_focus_workload_myfoo_mybar: { dir: 'anp_banp_blog_demo', workloads: ['myfoo', 'mybar'] },
  'anp_demo_udp-52': { dir: 'anp_demo', conn: 'udp-52' },
};

const present = existsSync(TESTS);
const dotFiles = present ? readdirSync(OUT).filter((f) => f.endsWith('.dot')) : [];

for (const kind of ['connlist', 'exposure'] as const) {
  const suffix = `_${kind}_output.dot`;
  const table = kind === 'connlist' ? FOCUS : EXPOSURE_FOCUS;
  describe.skipIf(!present)(`netpol ${kind} dot vs ${OUT}`, () => {
    const tally = { matched: 0, total: 0, skipped: [] as string[] };
    for (const f of dotFiles.filter((x) => x.endsWith(suffix)).sort()) {
      const stem = f.slice(0, -suffix.length);
      const run = table[stem] ?? { dir: stem };
      const reason = outOfScope(stem);
      if (reason) {
        tally.skipped.push(`${f} (${reason})`);
        continue;
      }
      it(f, async () => {
        tally.total++;
        expect(existsSync(join(TESTS, run.dir)), `no input folder (or focus entry) for ${f}`).toBe(true);
        const expected = readFileSync(join(OUT, f), 'utf8').replace(/\n$/, '');
        expect(await netpolList({ ...run, format: 'dot', exposure: kind === 'exposure' })).toBe(expected);
        tally.matched++;
      });
    }
    it('reports the tally', () => {
      console.log(`${kind} dot: matched ${tally.matched}/${tally.total} (out of scope: ${tally.skipped.length})`);
    });
  });
}
