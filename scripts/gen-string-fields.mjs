#!/usr/bin/env node
/**
 * Generates src/rules/governance/string-fields-data.ts: where the built-in
 * Kubernetes kinds hold strings, read from the API server's own OpenAPI
 * document (api/openapi-spec/swagger.json of k8s.io/kubernetes at the release
 * in test/controlplane/versions.env). The rule yaml-scalar-not-string walks an
 * object with it: a YAML boolean or number where the schema says string is an
 * object kubectl refuses ("cannot unmarshal bool into Go struct field ... of
 * type string"). Quantities and int-or-strings take numbers, not booleans.
 *
 *   node scripts/gen-string-fields.mjs [SWAGGER_JSON]
 *
 * Without an argument it reads the swagger.json of k8s.io/kubernetes@$K8S_VERSION
 * in the Go module cache (`go env GOMODCACHE`; the control-plane build fills it).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const OUT = new URL('../src/rules/governance/string-fields-data.ts', import.meta.url).pathname;
const VERSIONS = new URL('../test/controlplane/versions.env', import.meta.url).pathname;

function swaggerPath() {
  if (process.argv[2]) return process.argv[2];
  const version = /^K8S_VERSION=(\S+)/m.exec(readFileSync(VERSIONS, 'utf8'))?.[1];
  const cache = execFileSync('go', ['env', 'GOMODCACHE'], { encoding: 'utf8' }).trim();
  const p = join(cache, `k8s.io/kubernetes@${version}`, 'api/openapi-spec/swagger.json');
  if (!existsSync(p))
    throw new Error(`${p}: not in the Go module cache (go mod download k8s.io/kubernetes@${version})`);
  return p;
}

const source = swaggerPath();
const swagger = JSON.parse(readFileSync(source, 'utf8'));
const defs = swagger.definitions;
const REF = '#/definitions/';
const NUMBER_OK = new Set([
  'io.k8s.apimachinery.pkg.api.resource.Quantity',
  'io.k8s.apimachinery.pkg.util.intstr.IntOrString',
]);

/** A schema as a compact reference: 's' string, 'n' number-or-string, {a: r} list, {m: r} map, a definition name, or null (anything else). */
function refOf(schema) {
  if (!schema) return null;
  if (schema.$ref) {
    const name = schema.$ref.slice(REF.length);
    if (NUMBER_OK.has(name)) return 'n';
    const d = defs[name];
    if (!d) return null;
    if (d.properties) return { d: name };
    return refOf({ ...d, description: undefined });
  }
  if (schema.allOf?.length === 1) return refOf(schema.allOf[0]);
  if (schema.type === 'string') return schema.format === 'int-or-string' ? 'n' : 's';
  if (schema.type === 'array') {
    const r = refOf(schema.items);
    return r === null ? null : { a: r };
  }
  if (schema.type === 'object' && schema.additionalProperties && typeof schema.additionalProperties === 'object') {
    const r = refOf(schema.additionalProperties);
    return r === null ? null : { m: r };
  }
  return null;
}

// the fields of every definition with properties
const fields = new Map();
for (const [name, d] of Object.entries(defs)) {
  if (!d.properties) continue;
  const f = {};
  for (const [prop, schema] of Object.entries(d.properties)) {
    const r = refOf(schema);
    if (r !== null) f[prop] = r;
  }
  fields.set(name, f);
}

// keep only what leads to a string: a fixpoint over definitions
const useful = new Set();
const leadsToString = (r) =>
  r === 's' || r === 'n' || (r.d ? useful.has(r.d) : r.a ? leadsToString(r.a) : r.m ? leadsToString(r.m) : false);
for (let changed = true; changed; ) {
  changed = false;
  for (const [name, f] of fields) {
    if (useful.has(name)) continue;
    if (Object.values(f).some(leadsToString)) {
      useful.add(name);
      changed = true;
    }
  }
}

// number the useful definitions, most used first is not needed: alphabetical, stable
const names = [...useful].sort();
const index = new Map(names.map((n, i) => [n, i]));
const encode = (r) =>
  r === 's' || r === 'n' ? r : r.d ? index.get(r.d) : r.a ? { a: encode(r.a) } : { m: encode(r.m) };
const types = names.map((n) => {
  const out = {};
  for (const [prop, r] of Object.entries(fields.get(n))) if (leadsToString(r)) out[prop] = encode(r);
  return out;
});

// top-level kinds: apiVersion/kind, and each kind name alone when every group agrees on one definition shape
const kinds = {};
const byKind = new Map();
for (const [name, d] of Object.entries(defs)) {
  for (const gvk of d['x-kubernetes-group-version-kind'] ?? []) {
    if (!index.has(name) || gvk.kind.endsWith('List') || gvk.kind === 'WatchEvent' || gvk.kind === 'DeleteOptions')
      continue;
    const apiVersion = gvk.group ? `${gvk.group}/${gvk.version}` : gvk.version;
    kinds[`${apiVersion}/${gvk.kind}`] = index.get(name);
    if (!byKind.has(gvk.kind)) byKind.set(gvk.kind, new Set());
    byKind.get(gvk.kind).add(gvk.group);
  }
}
const latestByKind = {};
for (const [kind, groups] of byKind) {
  if (groups.size !== 1) continue;
  const candidates = Object.keys(kinds).filter((k) => k.endsWith(`/${kind}`));
  // the GA version where there is one, else the first
  const pick = candidates.find((k) => /\/v\d+\/[^/]+$/.test(k)) ?? candidates[0];
  latestByKind[kind] = kinds[pick];
}

const objectMeta = index.get('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta');
const body = `// Generated by scripts/gen-string-fields.mjs from ${source.replace(/^.*\/(k8s\.io\/kubernetes@[^/]+)/, '$1')}. Do not edit.

/** 's': a string; 'n': a string or a number (Quantity, IntOrString); {a}: a list of; {m}: a map of; a number: a type below. */
export type FieldRef = 's' | 'n' | number | { a: FieldRef } | { m: FieldRef };

/** Types with the fields that hold (or lead to) strings. */
export const TYPES: ReadonlyArray<Readonly<Record<string, FieldRef>>> = ${JSON.stringify(types)};

/** apiVersion/kind of every built-in kind → its type. */
export const KINDS: Readonly<Record<string, number>> = ${JSON.stringify(kinds)};

/** A kind name alone (an apiVersion the release no longer serves) → the type of its served version, when one group has it. */
export const KIND_NAMES: Readonly<Record<string, number>> = ${JSON.stringify(latestByKind)};

/** ObjectMeta: what every object's metadata is, custom resources' too. */
export const OBJECT_META = ${objectMeta};
`;
writeFileSync(OUT, body);
spawnSync('npx', ['biome', 'format', '--write', OUT], { stdio: 'inherit' });
console.log(`${OUT}: ${types.length} types, ${Object.keys(kinds).length} kinds`);
