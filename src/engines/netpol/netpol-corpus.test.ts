import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../test/cli-capture.js';
import { CORPUS, EXPOSURE_FOCUS, netpolList, OUT, TESTS } from '../../../test/helpers/netpol-corpus.js';
import { EXPOSURE_FORMATS } from './index.js';

/**
 * Cases that need features outside Kubernetes core networking; np-guard
 * models them (OVN user-defined networks, Multus network attachments,
 * KubeVirt virtual machines) and kubeprint does not.
 */
export const OUT_OF_SCOPE: Record<string, string> = {
  cudn_test_1: 'OVN-Kubernetes (Cluster)UserDefinedNetworks',
  cudn_test_2: 'OVN-Kubernetes (Cluster)UserDefinedNetworks',
  cudn_test_3: 'OVN-Kubernetes (Cluster)UserDefinedNetworks',
  cudn_test_5: 'OVN-Kubernetes (Cluster)UserDefinedNetworks',
  cudn_test_6: 'OVN-Kubernetes (Cluster)UserDefinedNetworks',
  udn_test_2: 'OVN-Kubernetes (Cluster)UserDefinedNetworks',
  udn_test_3: 'OVN-Kubernetes (Cluster)UserDefinedNetworks',
  udn_test_4: 'OVN-Kubernetes (Cluster)UserDefinedNetworks',
  udn_with_ingress_controller: 'OVN-Kubernetes (Cluster)UserDefinedNetworks',
  udn_with_ingress_controller_two_pods: 'OVN-Kubernetes (Cluster)UserDefinedNetworks',
  nad_test_1: 'Multus NetworkAttachmentDefinitions / MultiNetworkPolicy',
  nad_test_2: 'Multus NetworkAttachmentDefinitions / MultiNetworkPolicy',
  nad_test_3: 'Multus NetworkAttachmentDefinitions / MultiNetworkPolicy',
  nad_test_5: 'Multus NetworkAttachmentDefinitions / MultiNetworkPolicy',
  nad_test_6: 'Multus NetworkAttachmentDefinitions / MultiNetworkPolicy',
  nad_test_8: 'Multus NetworkAttachmentDefinitions / MultiNetworkPolicy',
  nad_test_12: 'Multus NetworkAttachmentDefinitions / MultiNetworkPolicy',
  nad_test_13: 'Multus NetworkAttachmentDefinitions / MultiNetworkPolicy',
  nad_test_14: 'Multus NetworkAttachmentDefinitions / MultiNetworkPolicy',
  nad_test_15: 'Multus NetworkAttachmentDefinitions / MultiNetworkPolicy',
  nad_test_16: 'Multus NetworkAttachmentDefinitions / MultiNetworkPolicy',
  udn_and_vms_test_1: 'KubeVirt VirtualMachines',
  udn_and_vms_test_2: 'KubeVirt VirtualMachines',
  udn_and_vms_test_3: 'KubeVirt VirtualMachines',
  udn_and_vms_test_4: 'KubeVirt VirtualMachines',
  udn_and_vms_test_5: 'KubeVirt VirtualMachines',
  virtual_machines_example: 'KubeVirt VirtualMachines',
};

function outOfScope(name: string): string | undefined {
  return OUT_OF_SCOPE[name];
}

function expectedLines(file: string): string[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .map((l) => l.trimEnd())
    .filter((l) => l !== '');
}

const present = existsSync(TESTS);
const cases = present
  ? readdirSync(OUT)
      .filter((f) => f.endsWith('_connlist_output.txt'))
      .map((f) => f.slice(0, -'_connlist_output.txt'.length))
      .filter((c) => existsSync(join(TESTS, c)))
      .sort()
  : [];

describe.skipIf(!present)(`netpol connlist txt vs ${TESTS}`, () => {
  const tally = { matched: 0, total: 0, skipped: [] as string[] };
  for (const c of cases) {
    const reason = outOfScope(c);
    if (reason) {
      tally.skipped.push(c);
      continue;
    }
    it(c, async () => {
      tally.total++;
      const actual = (await netpolList({ dir: c })).split('\n').filter((l) => l !== '');
      const expected = expectedLines(join(OUT, `${c}_connlist_output.txt`));
      expect(new Set(actual)).toEqual(new Set(expected));
      tally.matched++;
    });
  }
  it('reports the tally', () => {
    console.log(`connlist txt: matched ${tally.matched}/${tally.total} (out of scope: ${tally.skipped.length})`);
  });
});

/** The focus runs of np-guard's own test table: output file stem → analyzer options. */
const FOCUS_CASES: Array<{
  stem: string;
  dir: string;
  workloads?: string[];
  peers?: string[];
  direction?: 'ingress' | 'egress';
  conn?: string;
}> = [
  {
    stem: 'onlineboutique_workloads_focus_workload_emailservice',
    dir: 'onlineboutique_workloads',
    workloads: ['emailservice'],
  },
  {
    stem: 'k8s_ingress_test_focus_workload_details-v1-79f774bdb9',
    dir: 'k8s_ingress_test',
    workloads: ['details-v1-79f774bdb9'],
  },
  {
    stem: 'acs-security-demos-added-workloads_focus_workload_backend_recommendation',
    dir: 'acs-security-demos-added-workloads',
    workloads: ['backend/recommendation'],
  },
  {
    stem: 'acs-security-demos-added-workloads_focus_workload_backend_recommendation_ingress',
    dir: 'acs-security-demos-added-workloads',
    workloads: ['backend/recommendation'],
    direction: 'ingress',
  },
  {
    stem: 'acs-security-demos-added-workloads_focus_workload_backend_recommendation_egress',
    dir: 'acs-security-demos-added-workloads',
    workloads: ['backend/recommendation'],
    direction: 'egress',
  },
  {
    stem: 'acs-security-demos-added-workloads_focus_workload_asset-cache',
    dir: 'acs-security-demos-added-workloads',
    workloads: ['asset-cache'],
  },
  {
    stem: 'acs-security-demos-added-workloads_focus_workload_frontend_asset-cache',
    dir: 'acs-security-demos-added-workloads',
    workloads: ['frontend/asset-cache'],
  },
  {
    stem: 'acs-security-demos-added-workloads_focus_workload_ingress-controller',
    dir: 'acs-security-demos-added-workloads',
    workloads: ['ingress-controller'],
  },
  {
    stem: 'acs-security-demos_focus_workload_backend_checkout_frontend_webapp_with_backend_recommendation',
    dir: 'acs-security-demos',
    workloads: ['backend/checkout', 'frontend/webapp'],
    peers: ['backend/recommendation'],
  },
  {
    stem: 'acs-security-demos_focus_workload_checkout_ingress_with_webapp',
    dir: 'acs-security-demos',
    workloads: ['checkout'],
    peers: ['webapp'],
    direction: 'ingress',
  },
  {
    stem: 'acs-security-demos_focus_workload_checkout_reports_egress_with_recommendation_catalog',
    dir: 'acs-security-demos',
    workloads: ['checkout', 'reports'],
    peers: ['recommendation', 'catalog'],
    direction: 'egress',
  },
  {
    stem: 'anp_banp_blog_demo_focus_workload_mybar_egress_with_mybaz',
    dir: 'anp_banp_blog_demo',
    workloads: ['mybar'],
    peers: ['mybaz'],
    direction: 'egress',
  },
  { stem: 'anp_banp_blog_demo_focus_workload_myfoo_mybar', dir: 'anp_banp_blog_demo', workloads: ['myfoo', 'mybar'] },
  { stem: 'anp_banp_blog_demo_udp-52', dir: 'anp_banp_blog_demo', conn: 'udp-52' },
  { stem: 'anp_demo_udp-52', dir: 'anp_demo', conn: 'udp-52' },
];

describe.skipIf(!present)('netpol focus (workload, peers, direction, connection)', () => {
  for (const f of FOCUS_CASES) {
    it(f.stem, async () => {
      const actual = (await netpolList(f)).split('\n').filter((l) => l !== '');
      expect(new Set(actual)).toEqual(new Set(expectedLines(join(OUT, `${f.stem}_connlist_output.txt`))));
    });
  }
});

const DIFF_OUT = join(CORPUS, 'test_outputs/diff');
const diffCases = present
  ? readdirSync(DIFF_OUT)
      .filter((f) => /^diff_between_.*\.txt$/.test(f))
      .map((f) => {
        const stem = f.slice('diff_between_'.length, -'.txt'.length);
        const dirs = readdirSync(TESTS).filter(
          (d) => stem.endsWith(`_and_${d}`) && existsSync(join(TESTS, stem.slice(0, -`_and_${d}`.length))),
        );
        const second = dirs.sort((x, y) => y.length - x.length)[0];
        return second ? { file: f, ref2: stem.slice(0, -`_and_${second}`.length), ref1: second } : undefined;
      })
      .filter((x): x is { file: string; ref1: string; ref2: string } => x !== undefined)
  : [];

describe.skipIf(!present)('netpol diff txt', () => {
  for (const d of diffCases) {
    it(d.file, async () => {
      const r = await runCli(['netpol', 'diff', join(TESTS, d.ref1), join(TESTS, d.ref2), '-o', 'txt']);
      expect(r.code, r.stderr).toBe(0);
      const actual = r.stdout.split('\n').filter((l) => l !== '');
      expect(new Set(actual)).toEqual(new Set(expectedLines(join(DIFF_OUT, d.file))));
    });
  }
});

describe.skipIf(!present)('netpol connlist json, csv, md', () => {
  for (const fmt of ['json', 'csv', 'md'] as const) {
    for (const c of cases.filter((x) => !outOfScope(x) && existsSync(join(OUT, `${x}_connlist_output.${fmt}`)))) {
      it(`${c} (${fmt})`, async () => {
        const actual = await netpolList({ dir: c, format: fmt });
        const expected = readFileSync(join(OUT, `${c}_connlist_output.${fmt}`), 'utf8');
        if (fmt === 'json') {
          const key = (x: { src: string; dst: string; conn: string }) => `${x.src}|${x.dst}|${x.conn}`;
          expect(new Set((JSON.parse(actual) as Array<{ src: string; dst: string; conn: string }>).map(key))).toEqual(
            new Set((JSON.parse(expected) as Array<{ src: string; dst: string; conn: string }>).map(key)),
          );
        } else {
          expect(new Set(actual.split('\n').filter(Boolean))).toEqual(
            new Set(
              expected
                .split('\n')
                .map((l) => l.trimEnd())
                .filter(Boolean),
            ),
          );
        }
      });
    }
  }
});

/** Exposure outputs whose form kubeprint does not produce (beyond the connlist test's out-of-scope families). */
const EXPOSURE_OUT_OF_SCOPE: Array<[RegExp, string]> = [
  [/_explain_exposure_output\.txt$/, 'explain with exposure: compared by netpol-explain-corpus.test.ts'],
];

const exposureFiles = present ? readdirSync(OUT).filter((f) => /_exposure_output\.(txt|json|csv|md)$/.test(f)) : [];

describe.skipIf(!present)('netpol exposure (txt, json, csv, md)', () => {
  const tally = { matched: 0, total: 0, skipped: [] as string[] };
  for (const f of exposureFiles.sort()) {
    const m = /^(.*)_exposure_output\.(txt|json|csv|md)$/.exec(f);
    const stem = m?.[1] ?? '';
    const format = EXPOSURE_FORMATS.find((x) => x === m?.[2]) ?? 'txt';
    const focus = EXPOSURE_FOCUS[stem];
    const dir = focus ? focus.dir : stem;
    const reason =
      EXPOSURE_OUT_OF_SCOPE.find(([re]) => re.test(f.replace(/\.(json|csv|md)$/, '.txt')))?.[1] ?? outOfScope(dir);
    if (reason) {
      tally.skipped.push(`${f} (${reason})`);
      continue;
    }
    it(f, async () => {
      tally.total++;
      expect(existsSync(join(TESTS, dir)), `no input folder for ${f}`).toBe(true);
      const actual = await netpolList({ ...(focus ?? { dir }), format, exposure: true });
      const expected = readFileSync(join(OUT, f), 'utf8').replace(/\n+$/, '');
      if (format === 'json') expect(JSON.parse(actual)).toEqual(JSON.parse(expected));
      else expect(actual).toEqual(expected);
      tally.matched++;
    });
  }
  it('reports the tally', () => {
    console.log(
      `exposure: matched ${tally.matched}/${tally.total} (out of scope: ${tally.skipped.length})\n  ${tally.skipped.join('\n  ')}`,
    );
  });
});
