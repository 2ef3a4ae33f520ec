/**
 * np-guard's netpol-analyzer corpus (../shared/corpora/netpol-analyzer): where it
 * lies and how a case folder is read, shared by the connlist, dot and explain
 * corpus tests.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { loadAll } from 'js-yaml';
import { parseAllDocuments } from 'yaml';
import { type KubeObject, toKubeObject } from '../../src/model/kube-object.js';

export const CORPUS = join(process.cwd(), '../shared/corpora/netpol-analyzer');
/** One folder of manifests per case. */
export const TESTS = join(CORPUS, 'tests');
/** The expected outputs, `<case>_<mode>_output.<format>`. */
export const OUT = join(CORPUS, 'test_outputs/connlist');

/**
 * Every object of every YAML/JSON document under a case folder, in file-name
 * order, read as np-guard reads them: js-yaml is as lenient as the Go YAML
 * reader (tabs inside flow sequences); a document js-yaml refuses is read with
 * `yaml`, keeping the documents that parse.
 */
export function loadCase(dir: string): KubeObject[] {
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
            .filter((d) => d.errors.length === 0)
            .map((d) => d.toJS());
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
