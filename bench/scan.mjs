// Scan benchmark: builds a 10,000-object corpus from the real microservices-demo
// manifests (objects renamed per copy), then times a full `kubeprint scan` of it
// as a whole process (Node start-up included), and the same corpus through the
// peer tools that are installed here (kube-score, Checkov).
//
//   npm run bench:scan [-- --objects 10000 --runs 3]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: { objects: { type: 'string', default: '10000' }, runs: { type: 'string', default: '3' } },
});
const target = Number(values.objects);
const runs = Number(values.runs);
const SOURCE = join(root, '../shared/corpora/apps/microservices-demo/release/kubernetes-manifests.yaml');
if (!existsSync(SOURCE)) {
  console.error(`bench:scan needs ${SOURCE} (the shared corpora)`);
  process.exit(2);
}

// --- corpus -------------------------------------------------------------
const outDir = join(root, 'bench/out/scan-corpus');
rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });
const docs = readFileSync(SOURCE, 'utf8')
  .split(/^---\s*$/m)
  .filter((d) => /^kind:/m.test(d));
const names = [...new Set(docs.flatMap((d) => [...d.matchAll(/^ {2}name: ([\w-]+)/gm)].map((m) => m[1])))];
let objects = 0;
let copy = 0;
const files = [];
while (objects < target) {
  const suffix = `-c${copy}`;
  const parts = [];
  for (const d of docs) {
    if (objects >= target) break;
    let text = d;
    // rename every object and every reference to it, so cross-object rules see distinct apps
    for (const n of names) text = text.replace(new RegExp(`\\b${n}\\b(?!\\.)`, 'g'), `${n}${suffix}`);
    parts.push(text.trim());
    objects++;
  }
  const file = join(outDir, `app-${String(copy).padStart(4, '0')}.yaml`);
  writeFileSync(file, `${parts.join('\n---\n')}\n`);
  files.push(file);
  copy++;
}
const bytes = files.reduce((n, f) => n + readFileSync(f).length, 0);
console.log(
  `corpus: ${objects} objects in ${files.length} files (${(bytes / 1e6).toFixed(1)} MB), from ${docs.length} real manifests`,
);

// --- measure --------------------------------------------------------------
/** Run a command under GNU time; wall seconds and peak RSS (MB). */
function measure(cmd, args, opts = {}) {
  const r = spawnSync('/usr/bin/time', ['-f', '%e %M', cmd, ...args], {
    encoding: 'utf8',
    maxBuffer: 1024 * 1024 * 1024,
    ...opts,
  });
  const last = r.stderr.trim().split('\n').pop() ?? '';
  const [wall, rssKb] = last.split(' ').map(Number);
  return { wall, rssMb: rssKb / 1024, status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function best(label, cmd, args, count, opts) {
  const results = [];
  for (let i = 0; i < runs; i++) results.push(measure(cmd, args, opts));
  const ok = results.filter((r) => Number.isFinite(r.wall));
  if (ok.length === 0) {
    console.log(`${label.padEnd(28)} failed: ${results[0]?.stderr.slice(0, 300)}`);
    return undefined;
  }
  const wall = Math.min(...ok.map((r) => r.wall));
  const rss = Math.max(...ok.map((r) => r.rssMb));
  const line = `${label.padEnd(28)} ${wall.toFixed(2).padStart(6)} s  ${Math.round(count / wall)
    .toString()
    .padStart(7)} objects/s  peak RSS ${rss.toFixed(0).padStart(5)} MB  (best of ${ok.length}, exit ${ok[0].status})`;
  console.log(line);
  return { wall, rss, result: ok[0] };
}

console.log(`\nfull scan of ${objects} objects, whole process, best of ${runs}:`);
const ours = best(
  'kubeprint scan -o json',
  process.execPath,
  [join(root, 'dist/cli/main.js'), 'scan', outDir, '-o', 'json', '--fail-on', 'none'],
  objects,
);
if (ours) {
  const summary = JSON.parse(ours.result.stdout).summary;
  console.log(`  (${summary.total} findings)`);
}

const tools = join(process.env.KUBEPRINT_TOOLS_DIR ?? join(homedir(), '.cache/kubeprint-tools'), 'bin');
const which = (name, extra = []) => {
  for (const dir of [tools, ...extra, ...(process.env.PATH ?? '').split(':')]) {
    if (existsSync(join(dir, name))) return join(dir, name);
  }
  return undefined;
};
const kubeScore = which('kube-score');
if (kubeScore) {
  best('kube-score score', kubeScore, ['score', '--output-format', 'json', ...files], objects);
} else {
  console.log('kube-score: not installed (go install github.com/zegl/kube-score/cmd/kube-score@v1.20.0)');
}
const checkov = which('checkov', [join(tools, '../checkov-venv/bin')]);
if (checkov) {
  best(
    'checkov --framework kubernetes',
    checkov,
    ['-d', outDir, '--framework', 'kubernetes', '-o', 'json', '--quiet', '--compact'],
    objects,
  );
} else {
  console.log('checkov: not installed (pip install checkov)');
}
console.log('\ntargets: >= 20,000 objects/s, < 500 MB, faster than kube-score');
