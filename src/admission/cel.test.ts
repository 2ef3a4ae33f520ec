/**
 * Every rule that carries CEL is checked against its own fixtures: the
 * ValidatingAdmissionPolicy that `admission vap` generates for it (match
 * conditions, variables, validations) is evaluated with @bufbuild/cel on each
 * object of every pass/fail fixture, and must reach the TypeScript check's
 * verdict on that object.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isCelError, run } from '@bufbuild/cel';
import { strings } from '@bufbuild/cel/ext';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, type LoadedConfig, parseConfig } from '../config/config.js';
import type { KubeObject } from '../model/kube-object.js';
import { RULES } from '../rules/registry.js';
import type { Rule } from '../rules/rule.js';
import { scanPaths } from '../scan.js';
import { toCel } from './testdata/cel-json.js';
import { validatingAdmissionPolicies, WORKLOAD_KINDS } from './vap.js';

const RULES_DIR = new URL('../rules/', import.meta.url).pathname;
const NOW = new Date('2026-06-01T00:00:00Z');

type Outcome =
  | { kind: 'unmatched' }
  | { kind: 'allowed' }
  | { kind: 'denied'; messages: string[] }
  | { kind: 'error'; error: string };

function evalCel(expr: string, bindings: Record<string, unknown>): unknown {
  try {
    const r = run(expr, bindings as never, { funcs: strings });
    if (isCelError(r)) return { error: r.message };
    return r;
  } catch (err) {
    return { error: err instanceof Error ? err.message : String(err) };
  }
}

function isErr(v: unknown): v is { error: string } {
  return !!v && typeof v === 'object' && !(v instanceof Map) && 'error' in v;
}

interface Spec {
  matchConditions?: Array<{ expression: string }>;
  variables?: Array<{ name: string; expression: string }>;
  validations: Array<{ expression: string; message: string }>;
}

/** Evaluate a generated policy on one object, as the API server does for a CREATE (or an UPDATE from `old`). */
function evaluatePolicy(spec: Spec, obj: Record<string, unknown>, old?: Record<string, unknown>): Outcome {
  const object = toCel(obj);
  const oldObject = old ? toCel(old) : null;
  const request = new Map([['operation', old ? 'UPDATE' : 'CREATE']]);
  for (const mc of spec.matchConditions ?? []) {
    const r = evalCel(mc.expression, { object, oldObject, request });
    if (isErr(r)) return { kind: 'error', error: `matchCondition: ${r.error}` };
    if (r !== true) return { kind: 'unmatched' };
  }
  // Variables are lazy in Kubernetes, and an error surfaces only where one is
  // used: evaluated in order here, a failing one is left unset, so that using
  // it is an error (the `old_` variables fail on CREATE, where oldObject is null).
  const variables = new Map<string, unknown>();
  for (const v of spec.variables ?? []) {
    const r = evalCel(v.expression, { object, oldObject, request, variables });
    if (!isErr(r)) variables.set(v.name, r);
  }
  const messages: string[] = [];
  for (const val of spec.validations) {
    const r = evalCel(val.expression, { object, oldObject, request, variables });
    if (isErr(r)) return { kind: 'error', error: `${val.expression}: ${r.error}` };
    if (r !== true) messages.push(val.message);
  }
  return messages.length ? { kind: 'denied', messages } : { kind: 'allowed' };
}

/**
 * The shape the API server's schema validation guarantees before any policy
 * runs. Fixtures that test garbage (a string where a list belongs) are not
 * admissible objects; CEL may then fail, as long as it does not allow silently.
 */
function admissible(raw: Record<string, unknown>): boolean {
  const isMap = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v);
  const strings = (v: unknown) => v === undefined || (Array.isArray(v) && v.every((x) => typeof x === 'string'));
  const int = (v: unknown) => v === undefined || Number.isInteger(v);
  switch (raw.kind) {
    case 'Service': {
      const spec = raw.spec as Record<string, unknown> | undefined;
      return isMap(spec) && strings(spec.externalIPs) && strings(spec.loadBalancerSourceRanges);
    }
    case 'Ingress': {
      const spec = raw.spec as Record<string, unknown> | undefined;
      const hostsOk = (l: unknown) =>
        l === undefined ||
        (Array.isArray(l) && l.every((x) => isMap(x) && (x.host === undefined || typeof x.host === 'string')));
      return (
        isMap(spec) &&
        hostsOk(spec.rules) &&
        (spec.tls === undefined || (Array.isArray(spec.tls) && spec.tls.every((t) => isMap(t) && strings(t.hosts))))
      );
    }
    case 'Gateway': {
      const spec = raw.spec as Record<string, unknown> | undefined;
      return isMap(spec) && Array.isArray(spec.listeners) && spec.listeners.every(isMap);
    }
    case 'PodDisruptionBudget':
      // any value in the budget fields: the CEL must judge every type itself
      return isMap(raw.spec);
    case 'HorizontalPodAutoscaler':
      return isMap(raw.spec) && int((raw.spec as Record<string, unknown>).minReplicas);
    case 'PersistentVolume':
    case 'PersistentVolumeClaim':
      return isMap(raw.spec);
    case 'ConfigMap':
    case 'Secret':
    case 'ServiceAccount':
      return true;
    case 'GitRepository':
    case 'OCIRepository':
    case 'HelmRepository':
    case 'HelmChart':
    case 'Bucket':
    case 'Kustomization':
    case 'HelmRelease':
      // Flux's CRDs require a spec; its fields are typed by the schema
      return isMap(raw.spec);
    case 'Application':
    case 'ApplicationSet':
    case 'AppProject':
      // Argo CD's CRD schemas guarantee the field types the rules' CEL reads
      return isMap(raw.spec);
    case 'RoleBinding':
    case 'ClusterRoleBinding':
      return (
        isMap(raw.roleRef) &&
        (raw.subjects === undefined ||
          (Array.isArray(raw.subjects) &&
            raw.subjects.every((x) => isMap(x) && typeof x.kind === 'string' && typeof x.name === 'string')))
      );
    case 'Role':
    case 'ClusterRole':
      return (
        raw.rules === undefined ||
        (Array.isArray(raw.rules) &&
          raw.rules.every(
            (r) => isMap(r) && ['verbs', 'apiGroups', 'resources', 'nonResourceURLs'].every((f) => strings(r[f])),
          ))
      );
  }
  const listOfMaps = (v: unknown) => v === undefined || (Array.isArray(v) && v.every(isMap));
  const spec = raw.spec as Record<string, unknown> | undefined;
  const podSpec = (() => {
    if (raw.kind === 'Pod') return spec;
    if (raw.kind === 'CronJob')
      return (
        ((spec?.jobTemplate as Record<string, unknown>)?.spec as Record<string, unknown>)?.template as Record<
          string,
          unknown
        >
      )?.spec;
    if (raw.kind === 'PodTemplate') return (raw.template as Record<string, unknown>)?.spec;
    return (spec?.template as Record<string, unknown>)?.spec;
  })() as Record<string, unknown> | undefined;
  if (!isMap(podSpec) || !Array.isArray(podSpec?.containers)) return false;
  for (const k of ['containers', 'initContainers', 'ephemeralContainers', 'volumes'])
    if (!listOfMaps(podSpec[k])) return false;
  const containers = ['containers', 'initContainers', 'ephemeralContainers'].flatMap(
    (k) => (podSpec[k] as Array<Record<string, unknown>> | undefined) ?? [],
  );
  return containers.every(
    (c) =>
      (c.securityContext === undefined || isMap(c.securityContext)) &&
      (c.image === undefined || typeof c.image === 'string'),
  );
}

function fixtureEntries(rule: Rule): Array<{ path: string; config: LoadedConfig }> {
  const dir = join(RULES_DIR, rule.category, 'fixtures', rule.id);
  if (!existsSync(dir)) return [];
  const base = existsSync(join(dir, 'config.yaml'))
    ? parseConfig(readFileSync(join(dir, 'config.yaml'), 'utf8'), join(dir, 'config.yaml'))
    : DEFAULT_CONFIG;
  return readdirSync(dir)
    .filter((n) => /^(pass|fail)\./.test(n))
    .map((n) => {
      const path = join(dir, n);
      const own = join(path, '.kubeprint.yaml');
      return { path, config: existsSync(own) ? parseConfig(readFileSync(own, 'utf8'), own) : base };
    });
}

const CEL_RULES = RULES.filter((r) => r.cel);
/** Objects judged on CREATE, for the UPDATE checks below. */
const judged: Array<{ rule: string; spec: Spec; raw: Record<string, unknown>; kind: string; denied: boolean }> = [];

describe('rules with CEL', () => {
  it('include the object rules CEL can express', () => {
    expect(CEL_RULES.length).toBeGreaterThanOrEqual(8);
    for (const r of CEL_RULES) expect(r.needs, r.id).toBe('object');
  });

  describe.each(CEL_RULES.map((r) => [r.id, r] as const))('%s', (_id, rule) => {
    it.each(fixtureEntries(rule).map((e) => [e.path.split('/').pop() ?? '', e] as const))(
      '%s: CEL agrees with the check',
      async (_name, entry) => {
        const result = await scanPaths([entry.path], { cwd: process.cwd(), config: entry.config, now: NOW });
        const policy = validatingAdmissionPolicies({ config: entry.config, namespace: 'kubeprint', rules: [rule] })[0];
        expect(policy, 'a policy for the rule').toBeDefined();
        const spec = (policy as { spec: Spec }).spec;
        const kinds = rule.cel?.matchKinds === 'workloads' ? WORKLOAD_KINDS : (rule.cel?.matchKinds ?? []);
        const same =
          (o: KubeObject) => (f: { ruleId: string; object?: { kind: string; name: string; namespace?: string } }) =>
            f.ruleId === rule.id &&
            f.object?.kind === o.kind &&
            f.object.name === o.name &&
            (f.object.namespace ?? '') === (o.namespace ?? '');
        let compared = 0;
        for (const o of result.objects) {
          if (!kinds.includes(o.kind)) continue;
          const tsDenies = result.findings.some(same(o));
          const outcome = evaluatePolicy(spec, o.raw);
          const label = `${o.kind}/${o.name}`;
          if (!admissible(o.raw)) {
            // not an object the API server would let through to a policy; CEL must not silently allow it when the check denies
            if (tsDenies) expect(outcome.kind, label).not.toBe('allowed');
            continue;
          }
          expect(outcome.kind === 'error' ? outcome.error : 'no error', label).toBe('no error');
          expect(outcome.kind === 'denied', `${label}: ${JSON.stringify(outcome)}`).toBe(tsDenies);
          compared++;
          judged.push({ rule: rule.id, spec, raw: o.raw, kind: o.kind, denied: tsDenies });
        }
        if (entry.path.split('/').pop()?.startsWith('fail.'))
          expect(compared, 'a fail fixture has an object to judge').toBeGreaterThan(0);
      },
    );
  });

  it('on UPDATE, deny only a violation the old object did not have', () => {
    let pairs = 0;
    for (const bad of judged.filter((j) => j.denied)) {
      const label = `${bad.rule} ${bad.kind}/${String((bad.raw.metadata as { name?: string } | undefined)?.name)}`;
      // already there: admitted
      expect(evaluatePolicy(bad.spec, bad.raw, bad.raw).kind, label).toBe('allowed');
      const good = judged.find((j) => j.rule === bad.rule && j.kind === bad.kind && !j.denied);
      if (!good) continue;
      // introduced by the update: denied; fixed by the update: admitted
      expect(evaluatePolicy(bad.spec, bad.raw, good.raw).kind, label).toBe('denied');
      expect(evaluatePolicy(bad.spec, good.raw, bad.raw).kind, label).toBe('allowed');
      pairs++;
    }
    expect(pairs).toBeGreaterThanOrEqual(10);
  });
});
