/**
 * `-o dot` against np-guard's expected graphs: every `<stem>_connlist_output.dot` and
 * `<stem>_exposure_output.dot` of the corpus, compared byte for byte (after trimming
 * the final newline). The case list, focus tables and loader follow
 * netpol-corpus.test.ts; they are copied, since importing that file would run its
 * tests here too.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXPOSURE_FOCUS, type FocusRun, loadCase, OUT, TESTS } from '../../../test/helpers/netpol-corpus.js';
import { dotPeers, narrowConnections } from './dot.js';
import {
  connectivity,
  exposureAnalysis,
  type FocusOptions,
  focusConnections,
  focusExposure,
  focusOnConnection,
  formatConnlist,
  formatExposure,
  formatExposureOnConnection,
  parseFocusConn,
} from './index.js';

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

/** The dot graph kubeprint draws for one run, as the CLI does. */
function render(run: Run, exposure: boolean): string {
  const { connections, engine } = connectivity(loadCase(join(TESTS, run.dir)));
  const opts: FocusOptions = { workloads: run.workloads ?? [] };
  if (run.peers) opts.peers = run.peers;
  if (run.direction) opts.direction = run.direction;
  let conns = focusConnections(connections, opts);
  const peers = dotPeers(engine.pods, run.workloads);
  const fc = run.conn === undefined ? undefined : parseFocusConn(run.conn);
  if (run.conn !== undefined && !fc) throw new Error(`bad focus connection ${run.conn}`);
  if (fc) conns = narrowConnections(focusOnConnection(conns, fc.protocol, fc.port), fc.conn);
  if (!exposure) return formatConnlist(conns, 'dot', peers);
  const exposed = exposureAnalysis(engine, opts);
  if (fc) return formatExposureOnConnection(conns, focusExposure(exposed, fc.conn), fc.conn.toString(), 'dot', peers);
  return formatExposure(conns, exposed, 'dot', peers);
}

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
      it(f, () => {
        tally.total++;
        expect(existsSync(join(TESTS, run.dir)), `no input folder (or focus entry) for ${f}`).toBe(true);
        const expected = readFileSync(join(OUT, f), 'utf8').replace(/\n$/, '');
        expect(render(run, kind === 'exposure')).toBe(expected);
        tally.matched++;
      });
    }
    it('reports the tally', () => {
      console.log(`${kind} dot: matched ${tally.matched}/${tally.total} (out of scope: ${tally.skipped.length})`);
    });
  });
}
