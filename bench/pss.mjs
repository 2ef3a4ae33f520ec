// Pods evaluated per second by the PSS engine over the whole upstream PSA corpus
// (every level, version and fixture), against the built dist/. Run: npm run bench:pss
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import jsYaml from 'js-yaml';

const root = resolve(fileURLToPath(new URL('..', import.meta.url)));
const corpus = resolve(root, '../shared/corpora/psa/testdata');
if (!existsSync(corpus)) {
  console.error(`bench:pss: corpus folder ${corpus} is absent; nothing to measure`);
  process.exit(2);
}
const { evaluatePod, podInput } = await import(join(root, 'dist/engines/pss/index.js'));
const { loadInputs } = await import(join(root, 'dist/sources/index.js'));
const { workloadOf } = await import(join(root, 'dist/model/workload.js'));
const { evaluateWorkload } = await import(join(root, 'dist/engines/pss/index.js'));

const rec = (v) => (v && typeof v === 'object' && !Array.isArray(v) ? v : {});
const cases = [];
const dirs = [];
for (const level of ['baseline', 'restricted']) {
  for (const version of readdirSync(join(corpus, level))) {
    for (const expect of ['pass', 'fail']) {
      const dir = join(corpus, level, version, expect);
      if (!existsSync(dir)) continue;
      dirs.push({ dir, level, version });
      for (const f of readdirSync(dir)) {
        if (!f.endsWith('.yaml')) continue;
        const pod = rec(jsYaml.load(readFileSync(join(dir, f), 'utf8')));
        const input = podInput(rec(pod.metadata), rec(pod.spec), { metadataPath: '/metadata', specPath: '/spec' });
        cases.push({ input, level, version, allowed: expect === 'pass' });
      }
    }
  }
}

// 1. The engine alone: parsed pods, every case at its level and version.
let wrong = 0;
for (const c of cases) if (evaluatePod(c.input, c.level, c.version).allowed !== c.allowed) wrong++;
let pods = 0;
const t0 = performance.now();
while (performance.now() - t0 < 3000) {
  for (const c of cases) evaluatePod(c.input, c.level, c.version);
  pods += cases.length;
}
const engineSec = (performance.now() - t0) / 1000;

// 2. End to end: read and parse the files (with positions), evaluate, resolve the line of every violation.
const t1 = performance.now();
let e2e = 0;
for (const { dir, level, version } of dirs) {
  const loaded = await loadInputs([dir], { cwd: root });
  for (const o of loaded.objects) {
    const w = workloadOf(o);
    if (!w) continue;
    const r = evaluateWorkload(w, level, version);
    for (const v of r.violations) o.source?.positionOf(v.path);
    e2e++;
  }
}
const e2eSec = (performance.now() - t1) / 1000;

console.log(`PSA corpus: ${cases.length} cases (${cases.length - wrong} agree with the fixtures)`);
console.log(
  `engine:     ${Math.round(pods / engineSec).toLocaleString('en-US')} pods evaluated/s (${pods} evaluations in ${engineSec.toFixed(2)} s)`,
);
console.log(
  `end to end: ${Math.round(e2e / e2eSec).toLocaleString('en-US')} pods/s including file reading, YAML parsing and line lookup (${e2e} pods in ${e2eSec.toFixed(2)} s)`,
);
if (wrong > 0) process.exitCode = 1;
