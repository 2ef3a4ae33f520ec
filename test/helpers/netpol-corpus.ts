/**
 * np-guard's netpol-analyzer corpus (../shared/corpora/netpol-analyzer): where it
 * lies and how a case is run, shared by the connlist, dot and explain corpus
 * tests. Every case goes through the CLI (`kubeprint netpol list` in-process),
 * so a passing test means a user running that command gets that answer.
 */
import { join } from 'node:path';
import { runCli } from '../cli-capture.js';
import { corpus } from './corpora.js';

export const { path: CORPUS, present: PRESENT } = corpus('netpol-analyzer');
/** One folder of manifests per case. */
export const TESTS = join(CORPUS, 'tests');
/** The expected outputs, `<case>_<mode>_output.<format>`. */
export const OUT = join(CORPUS, 'test_outputs/connlist');

/** One run of `kubeprint netpol list` over a case folder: the output format and the options np-guard's test gives. */
export interface CliRun extends FocusRun {
  format?: string;
  exposure?: boolean;
  explain?: boolean;
  explainOnly?: 'allow' | 'deny';
}

/** The arguments of `kubeprint netpol list` for one run (np-guard's analyzer options as CLI flags). */
export function netpolListArgs(run: CliRun): string[] {
  const args = ['netpol', 'list', join(TESTS, run.dir), '-o', run.format ?? 'txt'];
  for (const w of run.workloads ?? []) args.push('--focus-workload', w);
  for (const p of run.peers ?? []) args.push('--focus-workload-peer', p);
  if (run.direction) args.push('--focus-direction', run.direction);
  if (run.conn) args.push('--focus-conn', run.conn);
  if (run.exposure) args.push('--exposure');
  if (run.explain) args.push('--explain');
  if (run.explainOnly) args.push('--explain-only', run.explainOnly);
  return args;
}

/**
 * What `kubeprint netpol list` prints for one run, read and judged exactly as
 * a user's command is (the CLI in-process: its loader, its options, its
 * formatting), without the newline that ends the output.
 *
 * @throws Error with the CLI's stderr when it exits non-zero.
 */
export async function netpolList(run: CliRun): Promise<string> {
  const r = await runCli(netpolListArgs(run));
  if (r.code !== 0) throw new Error(`kubeprint ${netpolListArgs(run).join(' ')} exited ${r.code}: ${r.stderr}`);
  return r.stdout.replace(/\n$/, '');
}

/** One run of np-guard's test table: the input folder and the focus options. */
export interface FocusRun {
  dir: string;
  workloads?: string[];
  peers?: string[];
  direction?: 'ingress' | 'egress';
  conn?: string;
}

/** Exposure runs of np-guard's test table that add a focus: output file stem → analyzer options. */
export const EXPOSURE_FOCUS: Record<string, FocusRun> = {
  'anp_demo_focus_workload_harry-potter_egress_tcp-8080': {
    dir: 'anp_demo',
    workloads: ['harry-potter'],
    direction: 'egress',
    conn: 'tcp-8080',
  },
  'anp_demo_udp-52': { dir: 'anp_demo', conn: 'udp-52' },
  'acs-security-demos_focus_workload_backend_catalog': { dir: 'acs-security-demos', workloads: ['backend/catalog'] },
  'acs-security-demos_focus_workload_backend_checkout_frontend_webapp': {
    dir: 'acs-security-demos',
    workloads: ['backend/checkout', 'frontend/webapp'],
  },
  'acs-security-demos_focus_workload_backend_checkout_frontend_webapp_egress': {
    dir: 'acs-security-demos',
    workloads: ['backend/checkout', 'frontend/webapp'],
    direction: 'egress',
  },
  'acs-security-demos_focus_workload_frontend_webapp': { dir: 'acs-security-demos', workloads: ['frontend/webapp'] },
  'acs-security-demos_focus_workload_frontend_webapp_egress': {
    dir: 'acs-security-demos',
    workloads: ['frontend/webapp'],
    direction: 'egress',
  },
  'acs-security-demos_focus_workload_frontend_webapp_ingress': {
    dir: 'acs-security-demos',
    workloads: ['frontend/webapp'],
    direction: 'ingress',
  },
  anp_banp_blog_demo_focus_workload_mybar_egress: {
    dir: 'anp_banp_blog_demo',
    workloads: ['mybar'],
    direction: 'egress',
  },
  'k8s_ingress_test_focus_workload_ratings-v1-b6994bb9': {
    dir: 'k8s_ingress_test',
    workloads: ['ratings-v1-b6994bb9'],
  },
  onlineboutique_workloads_focus_workload_default_loadgenerator: {
    dir: 'onlineboutique_workloads',
    workloads: ['default/loadgenerator'],
  },
};
