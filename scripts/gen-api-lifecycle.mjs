#!/usr/bin/env node
/**
 * Generates src/rules/resilience/api-lifecycle-data.ts: for every beta and alpha
 * API version of Kubernetes' own types, the release that deprecated it, the
 * release that stops serving it and its replacement, read from the
 * `zz_generated.prerelease-lifecycle.go` files of the Go modules k8s.io/api,
 * k8s.io/apiextensions-apiserver and k8s.io/kube-aggregator (the source the API
 * server itself uses to answer with deprecation warnings). Newer module
 * versions win; types already deleted from every module given come from
 * GONE below (the Kubernetes deprecated API migration guide).
 *
 *   node scripts/gen-api-lifecycle.mjs [MODULE_DIR...]
 *
 * Without arguments it takes every k8s.io/{api,apiextensions-apiserver,kube-aggregator}@*
 * in the Go module cache (`go env GOMODCACHE`; the test tools' build fills it).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

const OUT = new URL('../src/rules/resilience/api-lifecycle-data.ts', import.meta.url).pathname;

/** Types no module version here still holds: apiVersion, kind, deprecated, removed, replacement. */
const GONE = [
  ['extensions/v1beta1', 'PodSecurityPolicy', '1.11', '1.16', 'policy/v1beta1'],
  ['policy/v1beta1', 'PodSecurityPolicy', '1.21', '1.25', ''],
  ['batch/v2alpha1', 'CronJob', '1.8', '1.21', 'batch/v1'],
  ['settings.k8s.io/v1alpha1', 'PodPreset', '1.19', '1.20', ''],
  ['rbac.authorization.k8s.io/v1alpha1', 'ClusterRole', '1.17', '1.22', 'rbac.authorization.k8s.io/v1'],
  ['rbac.authorization.k8s.io/v1alpha1', 'ClusterRoleBinding', '1.17', '1.22', 'rbac.authorization.k8s.io/v1'],
  ['rbac.authorization.k8s.io/v1alpha1', 'Role', '1.17', '1.22', 'rbac.authorization.k8s.io/v1'],
  ['rbac.authorization.k8s.io/v1alpha1', 'RoleBinding', '1.17', '1.22', 'rbac.authorization.k8s.io/v1'],
  ['scheduling.k8s.io/v1alpha1', 'PriorityClass', '1.14', '1.22', 'scheduling.k8s.io/v1'],
  ['node.k8s.io/v1alpha1', 'RuntimeClass', '1.20', '1.22', 'node.k8s.io/v1'],
];

function moduleDirs() {
  const args = process.argv.slice(2);
  if (args.length > 0) return args;
  const cache = execFileSync('go', ['env', 'GOMODCACHE'], { encoding: 'utf8' }).trim();
  const base = join(cache, 'k8s.io');
  if (!existsSync(base)) throw new Error(`${base}: no k8s.io modules in the Go module cache`);
  const semver = (d) => (d.split('@v')[1] ?? '0').split('.').map(Number);
  const cmp = (a, b) => {
    const x = semver(a);
    const y = semver(b);
    for (let i = 0; i < 3; i++) if ((x[i] ?? 0) !== (y[i] ?? 0)) return (x[i] ?? 0) - (y[i] ?? 0);
    return 0;
  };
  return readdirSync(base)
    .filter((d) => /^(api|apiextensions-apiserver|kube-aggregator)@v\d+\.\d+\.\d+$/.test(d))
    .sort(cmp) // oldest first: newer versions overwrite
    .map((d) => join(base, d));
}

function* lifecycleFiles(dir) {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) yield* lifecycleFiles(p);
    else if (name === 'zz_generated.prerelease-lifecycle.go') yield p;
  }
}

function groupOf(pkgDir) {
  for (const f of readdirSync(pkgDir).filter((n) => n.endsWith('.go'))) {
    const m = /const GroupName = "([^"]*)"/.exec(readFileSync(join(pkgDir, f), 'utf8'));
    if (m) return m[1];
  }
  throw new Error(`${pkgDir}: no GroupName`);
}

/**
 * Where a version with no declared replacement goes: the highest GA version
 * (v1, v2) of the same group that defines the kind (resource.k8s.io/v1beta1
 * ResourceClaim → resource.k8s.io/v1).
 */
function stableSibling(groupDir, group, kind) {
  const ga = readdirSync(groupDir)
    .filter((v) => /^v\d+$/.test(v) && statSync(join(groupDir, v)).isDirectory())
    .sort((a, b) => Number(b.slice(1)) - Number(a.slice(1)));
  for (const v of ga) {
    const dir = join(groupDir, v);
    const defines = readdirSync(dir)
      .filter((n) => n.endsWith('.go') && !n.startsWith('zz_') && !n.endsWith('_test.go'))
      .some((n) => new RegExp(`^type ${kind} struct`, 'm').test(readFileSync(join(dir, n), 'utf8')));
    if (defines) return { apiVersion: group ? `${group}/${v}` : v, kind };
  }
  return undefined;
}

const entries = new Map();
const mods = moduleDirs();
/** The Kubernetes minor of the newest k8s.io/api module read: the newest release this table knows. */
const newest = mods
  .map((d) => /\/api@v0\.(\d+)\./.exec(d)?.[1])
  .filter(Boolean)
  .map(Number)
  .sort((a, b) => a - b)
  .pop();
if (newest === undefined) throw new Error('no k8s.io/api module given');
for (const mod of mods) {
  for (const file of lifecycleFiles(mod)) {
    const pkg = dirname(file);
    const group = groupOf(pkg);
    const apiVersion = group ? `${group}/${basename(pkg)}` : basename(pkg);
    const text = readFileSync(file, 'utf8');
    const kinds = new Map();
    const re =
      /func \(in \*(\w+)\) APILifecycle(Introduced|Deprecated|Removed|Replacement)\(\)[^{]*\{\s*return ([^\n]+)\n/g;
    for (const m of text.matchAll(re)) {
      const [, kind, what, value] = m;
      if (kind.endsWith('List')) continue;
      const e = kinds.get(kind) ?? { apiVersion, kind };
      if (what === 'Replacement') {
        const r = /Group: "([^"]*)", Version: "([^"]*)", Kind: "([^"]*)"/.exec(value);
        if (r) e.replacement = { apiVersion: r[1] ? `${r[1]}/${r[2]}` : r[2], kind: r[3] };
      } else {
        const v = /(\d+), (\d+)/.exec(value);
        if (v) e[what.toLowerCase()] = `${v[1]}.${v[2]}`;
      }
      kinds.set(kind, e);
    }
    for (const [kind, e] of kinds) {
      if (!e.removed) continue;
      e.replacement ??= stableSibling(dirname(pkg), group, kind);
      if (!e.replacement) delete e.replacement;
      entries.set(`${apiVersion}|${kind}`, e);
    }
  }
}
for (const [apiVersion, kind, deprecated, removed, repl] of GONE) {
  const key = `${apiVersion}|${kind}`;
  if (entries.has(key)) continue;
  const e = { apiVersion, kind, deprecated, removed };
  if (repl) e.replacement = { apiVersion: repl, kind };
  entries.set(key, e);
}

const rows = [...entries.values()].sort((a, b) =>
  a.apiVersion === b.apiVersion ? a.kind.localeCompare(b.kind) : a.apiVersion.localeCompare(b.apiVersion),
);
const line = (e) => {
  const parts = [`apiVersion: '${e.apiVersion}'`, `kind: '${e.kind}'`];
  if (e.introduced) parts.push(`introduced: '${e.introduced}'`);
  if (e.deprecated) parts.push(`deprecated: '${e.deprecated}'`);
  parts.push(`removed: '${e.removed}'`);
  if (e.replacement)
    parts.push(`replacement: { apiVersion: '${e.replacement.apiVersion}', kind: '${e.replacement.kind}' }`);
  return `  { ${parts.join(', ')} },`;
};
writeFileSync(
  OUT,
  `// Generated by scripts/gen-api-lifecycle.mjs from the prerelease-lifecycle data of
// Kubernetes' Go API modules; do not edit by hand (run \`npm run gen:api-lifecycle\`).
import type { ApiLifecycle } from './api-lifecycle.js';

/** The newest Kubernetes release the table was read from (k8s.io/api v0.${newest}): the default target version. */
export const NEWEST_KUBERNETES_MINOR = ${newest};

export const API_LIFECYCLE: readonly ApiLifecycle[] = [
${rows.map(line).join('\n')}
];
`,
);
console.log(`${OUT}: ${rows.length} API versions of kinds`);
