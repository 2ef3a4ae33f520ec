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
