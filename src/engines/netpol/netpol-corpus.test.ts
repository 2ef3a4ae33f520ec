import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { type KubeObject, toKubeObject } from '../../model/kube-object.js';
import { connectivity, formatConnlist } from './index.js';

const CORPUS = join(process.cwd(), '../shared/corpora/netpol-analyzer');
const TESTS = join(CORPUS, 'tests');
const OUT = join(CORPUS, 'test_outputs/connlist');

/**
 * Cases that need features outside Kubernetes core networking; np-guard
 * models them (OVN user-defined networks, Multus network attachments,
 * KubeVirt virtual machines) and kubeprint does not.
 */
export const OUT_OF_SCOPE: Record<string, string> = {};
const OUT_OF_SCOPE_PREFIXES: Array<[RegExp, string]> = [
  [/^(c?udn|udn_and_vms|udn_with|udn_warning)/, 'OVN-Kubernetes (Cluster)UserDefinedNetworks'],
  [/^nad_/, 'Multus NetworkAttachmentDefinitions and MultiNetworkPolicy'],
  [/^virtual_machines/, 'KubeVirt VirtualMachines'],
];

function outOfScope(name: string): string | undefined {
  return OUT_OF_SCOPE[name] ?? OUT_OF_SCOPE_PREFIXES.find(([re]) => re.test(name))?.[1];
}

/** Read every YAML/JSON document under a folder (small test loader until sources/loadInputs exists). */
export function loadCase(dir: string): KubeObject[] {
  const out: KubeObject[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else if (/\.(ya?ml|json)$/.test(name)) {
        let docs: ReturnType<typeof parseAllDocuments>;
        try {
          docs = parseAllDocuments(readFileSync(p, 'utf8'));
        } catch {
          continue;
        }
        if (!Array.isArray(docs)) continue;
        for (const doc of docs) {
          if (doc.errors.length > 0) continue;
          const o = toKubeObject(doc.toJS(), undefined, dir);
          if (o) out.push(o);
        }
      }
    }
  };
  walk(dir);
  return out;
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
    it(c, () => {
      tally.total++;
      const { connections } = connectivity(loadCase(join(TESTS, c)));
      const actual = formatConnlist(connections, 'txt')
        .split('\n')
        .filter((l) => l !== '');
      const expected = expectedLines(join(OUT, `${c}_connlist_output.txt`));
      expect(new Set(actual)).toEqual(new Set(expected));
      tally.matched++;
    });
  }
  it('reports the tally', () => {
    console.log(`connlist txt: matched ${tally.matched}/${tally.total} (out of scope: ${tally.skipped.length})`);
  });
});
