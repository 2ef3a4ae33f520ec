/**
 * kubeprint's RBAC answers against the API server's own authorizer.
 *
 * A seeded PRNG (the seed is printed; KUBEPRINT_RBAC_SEED=N replays a run)
 * generates namespaces, ServiceAccounts, Roles, ClusterRoles (specific and
 * wildcard verbs/apiGroups/resources, subresources, resourceNames,
 * nonResourceURLs) and bindings to Users, Groups (including the implicit
 * `system:serviceaccounts[:<ns>]` and `system:authenticated` groups) and
 * ServiceAccounts, some naming roles or subjects that do not exist. They are
 * created in a real kube-apiserver; the whole RBAC state is then listed back
 * (bootstrap policy included) and given to `createRbacEngine`, and every one of
 * ~2,400 (user, groups, verb, resource, namespace, name) tuples is asked both of
 * kubeprint and of the API server (SubjectAccessReview). Any disagreement fails.
 *
 * Aggregated ClusterRoles: the aggregation controller lives in
 * kube-controller-manager, not in kube-apiserver. When a kube-controller-manager
 * binary sits in the tool cache beside kube-apiserver, the test runs it with
 * only that controller and generates aggregated roles (and binds the default
 * aggregated roles view/edit/admin), so the server's answers come from the
 * rules the controller really wrote. Without it the server would treat every
 * aggregated role as having the (empty) rules it was created with, while
 * kubeprint computes the aggregation a running cluster does; comparing those
 * would only measure the missing controller, so the test then leaves
 * aggregated roles out and binds none of the default aggregated ones. (A seed
 * replays a run only with the same answer to "is kube-controller-manager there".)
 * It is built like kube-apiserver, from the same wrapper module:
 * `go build -o <cache>/controlplane/kube-controller-manager-<K8S_VERSION>/kube-controller-manager
 * k8s.io/kubernetes/cmd/kube-controller-manager` in test/controlplane/apiserver.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, openSync, readFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { basename, dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRbacEngine, type RbacEngine } from '../../src/engines/rbac/index.js';
import type { AccessRequest, UserInfo } from '../../src/engines/rbac/types.js';
import { toKubeObject } from '../../src/model/kube-object.js';
import { binaryPath, type ControlPlane, controlPlaneMissing, startControlPlane } from '../helpers/control-plane.js';

const missing = controlPlaneMissing();
if (missing) console.warn(`RBAC SubjectAccessReview tests skipped: ${missing}`);

/** Where a kube-controller-manager of the same version would sit: beside kube-apiserver in the tool cache. */
const KCM_DIR = dirname(binaryPath('kube-apiserver'));
const KCM = join(
  dirname(KCM_DIR),
  basename(KCM_DIR).replace('kube-apiserver', 'kube-controller-manager'),
  'kube-controller-manager',
);

const SEED = Number(process.env.KUBEPRINT_RBAC_SEED ?? 20_250_611);
const TUPLES = 2400;

// ---------------------------------------------------------------- PRNG

/** mulberry32: small, fast, and the same sequence for the same seed everywhere. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number): number => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => {
    if (xs.length === 0) throw new Error('pick from an empty list');
    return xs[int(xs.length)] as T;
  };
  /** Between min and max distinct elements. */
  const some = <T>(xs: readonly T[], min: number, max: number): T[] => {
    const n = Math.min(xs.length, min + int(max - min + 1));
    const pool = [...xs];
    const out: T[] = [];
    while (out.length < n) out.push(pool.splice(int(pool.length), 1)[0] as T);
    return out;
  };
  return { next, int, pick, some, chance: (p: number) => next() < p };
}
type Rng = ReturnType<typeof prng>;

// ---------------------------------------------------------------- vocabulary

interface ResourceKind {
  group: string;
  resource: string;
  subresources: readonly string[];
  namespaced: boolean;
}

const RESOURCES: readonly ResourceKind[] = [
  { group: '', resource: 'pods', subresources: ['exec', 'log', 'status', 'portforward'], namespaced: true },
  { group: '', resource: 'secrets', subresources: [], namespaced: true },
  { group: '', resource: 'configmaps', subresources: [], namespaced: true },
  { group: '', resource: 'services', subresources: ['proxy', 'status'], namespaced: true },
  { group: '', resource: 'serviceaccounts', subresources: ['token'], namespaced: true },
  { group: '', resource: 'namespaces', subresources: ['status', 'finalize'], namespaced: false },
  { group: '', resource: 'nodes', subresources: ['proxy', 'status'], namespaced: false },
  { group: 'apps', resource: 'deployments', subresources: ['scale', 'status'], namespaced: true },
  { group: 'apps', resource: 'statefulsets', subresources: ['scale'], namespaced: true },
  { group: 'apps', resource: 'daemonsets', subresources: [], namespaced: true },
  { group: 'extensions', resource: 'deployments', subresources: ['scale'], namespaced: true },
  { group: 'batch', resource: 'jobs', subresources: ['status'], namespaced: true },
  { group: 'rbac.authorization.k8s.io', resource: 'roles', subresources: [], namespaced: true },
  { group: 'rbac.authorization.k8s.io', resource: 'clusterroles', subresources: [], namespaced: false },
  { group: 'widgets.example.com', resource: 'widgets', subresources: ['scale', 'status'], namespaced: true },
];
const GROUPS = [...new Set(RESOURCES.map((r) => r.group))];
const VERBS = [
  'get',
  'list',
  'watch',
  'create',
  'update',
  'patch',
  'delete',
  'deletecollection',
  'bind',
  'escalate',
  'impersonate',
  'use',
];
const NAMES = ['web', 'db', 'cfg', 'team-a'];
const URLS = [
  '/healthz',
  '/healthz/etcd',
  '/livez',
  '/readyz',
  '/version',
  '/metrics',
  '/api',
  '/api/v1',
  '/apis',
  '/apis/apps',
  '/logs',
  '/logs/kube.log',
  '/openapi/v2',
  '/debug/pprof/heap',
];
const URL_PATTERNS = [...URLS, '/healthz/*', '/logs*', '/apis/*', '/debug/**', '*'];
const URL_VERBS = ['get', 'post', 'put', 'delete', 'head'];
const USERS = ['alice', 'bob', 'carol', 'dave'];
const TEAM_GROUPS = ['dev', 'ops', 'auditors'];
const RBAC = 'rbac.authorization.k8s.io';
const RBAC_V1 = `${RBAC}/v1`;
const AGG_LABELS = ['kubeprint.test/agg-a', 'kubeprint.test/agg-b'];

// ---------------------------------------------------------------- generation

type Obj = Record<string, unknown>;
interface Rule {
  apiGroups?: string[];
  resources?: string[];
  verbs: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

function resourceRule(rng: Rng): Rule {
  const apiGroups = rng.chance(0.1)
    ? ['*']
    : [...rng.some(GROUPS, 1, 2), ...(rng.chance(0.05) ? ['nope.example.com'] : [])];
  const inGroups = RESOURCES.filter((r) => apiGroups.includes('*') || apiGroups.includes(r.group));
  const candidates = inGroups.length ? inGroups : RESOURCES;
  let resources: string[];
  if (rng.chance(0.08)) resources = ['*'];
  else if (rng.chance(0.06)) resources = [rng.pick(['*/scale', '*/status', '*/exec'])];
  else
    resources = [
      ...new Set(
        rng
          .some(candidates, 1, 3)
          .map((r) =>
            r.subresources.length && rng.chance(0.35) ? `${r.resource}/${rng.pick(r.subresources)}` : r.resource,
          ),
      ),
    ];
  const verbs = rng.chance(0.1) ? ['*'] : rng.some(VERBS, 1, 3);
  const rule: Rule = { apiGroups, resources, verbs };
  if (rng.chance(0.2)) rule.resourceNames = rng.some(NAMES, 1, 2);
  return rule;
}

function nonResourceRule(rng: Rng): Rule {
  return { nonResourceURLs: rng.some(URL_PATTERNS, 1, 3), verbs: rng.chance(0.2) ? ['*'] : rng.some(URL_VERBS, 1, 2) };
}

interface Generated {
  namespaces: string[];
  objects: Obj[];
  /** Every rule the generator wrote, with where a binding may make it effective ('' = cluster-wide). */
  rules: { rule: Rule; namespace: string }[];
  /** ServiceAccounts as subjects of the tuples: the created ones, `default`, and ones bindings name that do not exist. */
  serviceAccounts: { namespace: string; name: string }[];
  /** Bindings whose role does not exist (kubeprint must report them). */
  missingRoleBindings: string[];
}

function generate(rng: Rng, aggregation: boolean): Generated {
  const namespaces = ['rb-a', 'rb-b', 'rb-c'].slice(0, 2 + rng.int(2));
  const objects: Obj[] = [];
  const rules: Generated['rules'] = [];
  const serviceAccounts: Generated['serviceAccounts'] = [];
  const missingRoleBindings: string[] = [];
  const meta = (name: string, namespace?: string, labels?: Record<string, string>): Obj => ({
    name,
    ...(namespace ? { namespace } : {}),
    ...(labels ? { labels } : {}),
  });

  for (const ns of namespaces) objects.push({ apiVersion: 'v1', kind: 'Namespace', metadata: meta(ns) });
  for (const ns of namespaces) {
    serviceAccounts.push({ namespace: ns, name: 'default' }, { namespace: ns, name: 'ghost-sa' });
    for (let i = 0, n = 1 + rng.int(3); i < n; i++) {
      const name = `sa-${i}`;
      objects.push({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta(name, ns) });
      serviceAccounts.push({ namespace: ns, name });
    }
  }

  // ClusterRoles: plain ones, and (with the controller) leaves labelled for aggregation
  const clusterRoles: string[] = [];
  for (let i = 0, n = 6 + rng.int(4); i < n; i++) {
    const name = `kp-cr-${i}`;
    const labels: Record<string, string> = {};
    if (aggregation) {
      for (const l of AGG_LABELS) if (rng.chance(0.3)) labels[l] = 'true';
      if (rng.chance(0.15)) labels[`${RBAC}/aggregate-to-${rng.pick(['view', 'edit', 'admin'])}`] = 'true';
    }
    const ruleList = Array.from({ length: 1 + rng.int(3) }, () =>
      rng.chance(0.25) ? nonResourceRule(rng) : resourceRule(rng),
    );
    for (const rule of ruleList) rules.push({ rule, namespace: '' });
    objects.push({
      apiVersion: RBAC_V1,
      kind: 'ClusterRole',
      metadata: meta(name, undefined, labels),
      rules: ruleList,
    });
    clusterRoles.push(name);
  }
  if (aggregation) {
    // one role per label, one that gathers both, one of a higher level that
    // gathers an aggregated role, and one whose selector matches nothing
    const agg = (name: string, selectors: Obj[], labels?: Record<string, string>, own = rng.chance(0.5)) => {
      objects.push({
        apiVersion: RBAC_V1,
        kind: 'ClusterRole',
        metadata: meta(name, undefined, labels),
        aggregationRule: { clusterRoleSelectors: selectors },
        // the controller overwrites whatever rules an aggregated role is created
        // with, unless its selectors gather no rules at all (see kp-agg-none)
        rules: own ? [resourceRule(rng)] : [],
      });
      clusterRoles.push(name);
    };
    agg('kp-agg-a', [{ matchLabels: { [AGG_LABELS[0] as string]: 'true' } }], { 'kubeprint.test/agg-top': 'true' });
    agg('kp-agg-ab', [
      { matchLabels: { [AGG_LABELS[0] as string]: 'true' } },
      { matchExpressions: [{ key: AGG_LABELS[1] as string, operator: 'Exists' }] },
    ]);
    agg('kp-agg-top', [{ matchLabels: { 'kubeprint.test/agg-top': 'true' } }]);
    agg('kp-agg-none', [{ matchLabels: { 'kubeprint.test/agg-nothing': 'true' } }], undefined, true);
    clusterRoles.push('view', 'edit', 'admin');
  }
  const aggregated = aggregation ? ['kp-agg-a', 'kp-agg-ab', 'kp-agg-top', 'kp-agg-none', 'view', 'edit', 'admin'] : [];

  const roles = new Map<string, string[]>();
  for (const ns of namespaces) {
    const names: string[] = [];
    for (let i = 0, n = 2 + rng.int(3); i < n; i++) {
      const ruleList = Array.from({ length: 1 + rng.int(3) }, () => resourceRule(rng));
      for (const rule of ruleList) rules.push({ rule, namespace: ns });
      objects.push({ apiVersion: RBAC_V1, kind: 'Role', metadata: meta(`kp-role-${i}`, ns), rules: ruleList });
      names.push(`kp-role-${i}`);
    }
    roles.set(ns, names);
  }

  const subject = (bindingNs: string | undefined): Obj => {
    const kind = rng.pick(['User', 'Group', 'ServiceAccount', 'ServiceAccount']);
    if (kind === 'User') {
      const sa = rng.pick(serviceAccounts);
      const name = rng.chance(0.1) ? `system:serviceaccount:${sa.namespace}:${sa.name}` : rng.pick([...USERS, 'erin']);
      return { kind, apiGroup: RBAC, name };
    }
    if (kind === 'Group') {
      const name = rng.pick([
        ...TEAM_GROUPS,
        'system:serviceaccounts',
        `system:serviceaccounts:${rng.pick(namespaces)}`,
        'system:authenticated',
        'system:unauthenticated',
      ]);
      return { kind, apiGroup: RBAC, name };
    }
    const sa = rng.pick(serviceAccounts);
    // a RoleBinding may leave a ServiceAccount's namespace out: it is the binding's
    if (bindingNs && sa.namespace === bindingNs && rng.chance(0.5)) return { kind, name: sa.name };
    return { kind, name: sa.name, namespace: sa.namespace };
  };
  const subjects = (ns: string | undefined) =>
    Array.from({ length: 1 + rng.int(3) }, () => subject(ns)).filter(
      (s, i, all) => all.findIndex((t) => JSON.stringify(t) === JSON.stringify(s)) === i,
    );

  for (const ns of namespaces) {
    for (let i = 0, n = 3 + rng.int(3); i < n; i++) {
      const name = `kp-rb-${i}`;
      let roleRef: Obj;
      const dice = rng.next();
      if (dice < 0.1) {
        roleRef = { apiGroup: RBAC, kind: rng.pick(['Role', 'ClusterRole']), name: 'kp-missing' };
        missingRoleBindings.push(`RoleBinding ${ns}/${name}`);
      } else if (dice < 0.6) roleRef = { apiGroup: RBAC, kind: 'Role', name: rng.pick(roles.get(ns) ?? []) };
      else roleRef = { apiGroup: RBAC, kind: 'ClusterRole', name: rng.pick(clusterRoles) };
      objects.push({
        apiVersion: RBAC_V1,
        kind: 'RoleBinding',
        metadata: meta(name, ns),
        roleRef,
        subjects: subjects(ns),
      });
    }
  }
  for (let i = 0, n = 4 + rng.int(3); i < n; i++) {
    const name = `kp-crb-${i}`;
    let roleName = rng.pick(clusterRoles);
    if (rng.chance(0.1)) {
      roleName = 'kp-missing';
      missingRoleBindings.push(`ClusterRoleBinding ${name}`);
    }
    objects.push({
      apiVersion: RBAC_V1,
      kind: 'ClusterRoleBinding',
      metadata: meta(name),
      roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name: roleName },
      subjects: subjects(undefined),
    });
  }
  // every aggregated role bound at least once, whatever the dice said
  for (const name of aggregated) {
    const ns = rng.pick(namespaces);
    objects.push({
      apiVersion: RBAC_V1,
      kind: 'RoleBinding',
      metadata: meta(`kp-rb-${name}`, ns),
      roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name },
      subjects: subjects(ns),
    });
  }
  // at least one of each kind of binding to a role that does not exist, whatever the dice said
  const [firstNs = 'default'] = namespaces;
  objects.push(
    {
      apiVersion: RBAC_V1,
      kind: 'RoleBinding',
      metadata: meta('kp-rb-missing', firstNs),
      roleRef: { apiGroup: RBAC, kind: 'Role', name: 'kp-missing' },
      subjects: subjects(firstNs),
    },
    {
      apiVersion: RBAC_V1,
      kind: 'ClusterRoleBinding',
      metadata: meta('kp-crb-missing'),
      roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name: 'kp-missing' },
      subjects: subjects(undefined),
    },
  );
  missingRoleBindings.push(`RoleBinding ${firstNs}/kp-rb-missing`, 'ClusterRoleBinding kp-crb-missing');
  return { namespaces, objects, rules, serviceAccounts, missingRoleBindings };
}

// ---------------------------------------------------------------- tuples

interface Tuple {
  user: UserInfo;
  req: AccessRequest;
}

function userPool(rng: Rng, gen: Generated): UserInfo[] {
  const users: UserInfo[] = gen.serviceAccounts.map(({ namespace, name }) => ({
    name: `system:serviceaccount:${namespace}:${name}`,
    groups: ['system:serviceaccounts', `system:serviceaccounts:${namespace}`, 'system:authenticated'],
  }));
  for (const name of [...USERS, 'erin', 'frank'])
    for (let i = 0; i < 2; i++) users.push({ name, groups: [...rng.some(TEAM_GROUPS, 0, 2), 'system:authenticated'] });
  users.push({ name: 'system:anonymous', groups: ['system:unauthenticated'] });
  return users;
}

function randomRequest(rng: Rng, namespaces: readonly string[]): AccessRequest {
  if (rng.chance(0.12)) return { type: 'nonResource', verb: rng.pick(URL_VERBS), path: rng.pick(URLS) };
  const r = rng.pick(RESOURCES);
  // now and then a namespace on a cluster-scoped resource: the authorizer then also reads that namespace's RoleBindings
  const namespace =
    r.namespaced || rng.chance(0.1) ? rng.pick([...namespaces, ...namespaces, '', 'default', 'kube-system']) : '';
  return {
    type: 'resource',
    verb: rng.pick(VERBS),
    apiGroup: rng.chance(0.9) ? r.group : rng.pick(GROUPS),
    resource: r.resource,
    subresource: r.subresources.length && rng.chance(0.3) ? rng.pick(r.subresources) : '',
    name: rng.chance(0.4) ? rng.pick(NAMES) : rng.chance(0.1) ? 'other' : '',
    namespace,
  };
}

/** A request near a generated rule, so that many tuples are decided by the generated policy, not all "no". */
function nearRule(rng: Rng, gen: Generated, rule: Rule, namespace: string): AccessRequest {
  if (rule.nonResourceURLs) {
    const pattern = rng.pick(rule.nonResourceURLs);
    const path = pattern.includes('*') ? rng.pick(URLS) : rng.chance(0.8) ? pattern : rng.pick(URLS);
    const verb = rule.verbs.includes('*') || rng.chance(0.2) ? rng.pick(URL_VERBS) : rng.pick(rule.verbs);
    return { type: 'nonResource', verb, path };
  }
  const verb = rule.verbs.includes('*') || rng.chance(0.15) ? rng.pick(VERBS) : rng.pick(rule.verbs);
  const groups = rule.apiGroups ?? [];
  const apiGroup = groups.includes('*') || rng.chance(0.1) ? rng.pick(GROUPS) : rng.pick(groups);
  const written = rng.pick(rule.resources ?? ['*']);
  const any = rng.pick(RESOURCES.filter((r) => r.group === apiGroup).concat(RESOURCES.slice(0, 1)));
  let [resource = '', subresource = ''] = written.split('/');
  if (resource === '*') {
    resource = any.resource;
    if (!subresource && any.subresources.length && rng.chance(0.3)) subresource = rng.pick(any.subresources);
  }
  if (rng.chance(0.15)) subresource = subresource ? '' : 'status';
  const names = rule.resourceNames ?? [];
  const name = names.length && rng.chance(0.7) ? rng.pick(names) : rng.chance(0.5) ? '' : rng.pick([...NAMES, 'other']);
  const ns = namespace && rng.chance(0.8) ? namespace : rng.pick([...gen.namespaces, '', 'default']);
  return { type: 'resource', verb, apiGroup, resource, subresource, name, namespace: ns };
}

/** The user a binding subject stands for, as the authenticator would present it. */
function userOf(rng: Rng, s: { kind: string; name: string; namespace?: string }, bindingNs: string): UserInfo {
  const sa = (namespace: string, name: string): UserInfo => ({
    name: `system:serviceaccount:${namespace}:${name}`,
    groups: ['system:serviceaccounts', `system:serviceaccounts:${namespace}`, 'system:authenticated'],
  });
  if (s.kind === 'ServiceAccount') return sa(s.namespace ?? bindingNs, s.name);
  if (s.kind === 'User') {
    const m = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(s.name);
    if (m?.[1] && m[2]) return sa(m[1], m[2]);
    return { name: s.name, groups: [...rng.some(TEAM_GROUPS, 0, 1), 'system:authenticated'] };
  }
  if (s.name === 'system:unauthenticated') return { name: 'system:anonymous', groups: ['system:unauthenticated'] };
  const m = /^system:serviceaccounts:(.+)$/.exec(s.name);
  if (m?.[1]) return sa(m[1], rng.pick(['default', 'sa-0', 'nobody']));
  if (s.name.startsWith('system:')) return sa(rng.pick(['rb-a', 'rb-b']), 'sa-0');
  return { name: rng.pick([...USERS, 'erin']), groups: [s.name, 'system:authenticated'] };
}

/** A tuple near a generated binding: one of its subjects, asking about one of its role's rules (or near it). */
function nearBinding(rng: Rng, gen: Generated, users: readonly UserInfo[]): Tuple {
  const bindings = gen.objects.filter((o) => o.kind === 'RoleBinding' || o.kind === 'ClusterRoleBinding');
  const b = rng.pick(bindings);
  const ns = ((b.metadata as Obj).namespace as string | undefined) ?? '';
  const ref = b.roleRef as { kind: string; name: string };
  const role = gen.objects.find(
    (o) =>
      o.kind === ref.kind &&
      (o.metadata as Obj).name === ref.name &&
      (ref.kind === 'ClusterRole' || (o.metadata as Obj).namespace === ns),
  );
  const rules = (role?.rules as Rule[] | undefined) ?? [];
  const fallback = rng.pick(gen.rules);
  const clusterRules = gen.rules.filter((r) => r.namespace === '');
  const rule =
    rules.length && !role?.aggregationRule
      ? rng.pick(rules)
      : role?.aggregationRule && rng.chance(0.7)
        ? rng.pick([...rules, ...clusterRules.map((r) => r.rule)])
        : fallback.rule;
  const subjects = (b.subjects as { kind: string; name: string; namespace?: string }[] | undefined) ?? [];
  const user = subjects.length && rng.chance(0.8) ? userOf(rng, rng.pick(subjects), ns) : rng.pick(users);
  return { user, req: nearRule(rng, gen, rule, ns || fallback.namespace) };
}

function tuples(rng: Rng, gen: Generated): Tuple[] {
  const users = userPool(rng, gen);
  const out: Tuple[] = [];
  for (let i = 0; i < TUPLES; i++) {
    const dice = rng.next();
    if (dice < 0.55) out.push(nearBinding(rng, gen, users));
    else if (dice < 0.75) {
      const { rule, namespace } = rng.pick(gen.rules);
      out.push({ user: rng.pick(users), req: nearRule(rng, gen, rule, namespace) });
    } else out.push({ user: rng.pick(users), req: randomRequest(rng, gen.namespaces) });
  }
  // members of system:masters are allowed everything, before RBAC is asked
  for (let i = 0; i < 24; i++)
    out.push({
      user: { name: `root-${i % 3}`, groups: ['system:masters', 'system:authenticated'] },
      req: randomRequest(rng, gen.namespaces),
    });
  return out;
}

function formatTuple(t: Tuple): string {
  const who = `${t.user.name} [${t.user.groups.join(',')}]`;
  if (t.req.type === 'nonResource') return `${who} ${t.req.verb} ${t.req.path}`;
  const r = t.req;
  const res = `${r.resource}${r.subresource ? `/${r.subresource}` : ''}${r.apiGroup ? `.${r.apiGroup}` : ''}`;
  return `${who} ${r.verb} ${res}${r.name ? ` name=${r.name}` : ''} ns=${r.namespace || '(none)'}`;
}

// ---------------------------------------------------------------- API access

interface Api {
  call(method: string, path: string, body?: unknown): Promise<{ status: number; json: Obj }>;
  close(): void;
}

/** Plain HTTPS with the admin client certificate the harness wrote (system:masters), kept alive. */
function adminApi(cp: ControlPlane): Api {
  const file = (f: string) => readFileSync(join(cp.dir, f));
  const agent = new Agent({
    keepAlive: true,
    maxSockets: 8,
    ca: file('ca.crt'),
    cert: file('admin.crt'),
    key: file('admin.key'),
  });
  return {
    call(method, path, body) {
      return new Promise((resolve, reject) => {
        const data = body === undefined ? undefined : JSON.stringify(body);
        const req = request(
          `${cp.server}${path}`,
          {
            method,
            agent,
            headers: { accept: 'application/json', ...(data ? { 'content-type': 'application/json' } : {}) },
          },
          (res) => {
            let text = '';
            res.setEncoding('utf8');
            res.on('data', (c: string) => {
              text += c;
            });
            res.on('end', () => {
              try {
                resolve({ status: res.statusCode ?? 0, json: JSON.parse(text) as Obj });
              } catch (err) {
                reject(
                  new Error(`${method} ${path}: HTTP ${res.statusCode}, not JSON: ${text.slice(0, 200)}`, {
                    cause: err,
                  }),
                );
              }
            });
          },
        );
        req.on('error', (err) => reject(new Error(`${method} ${path}: ${err.message}`, { cause: err })));
        req.end(data);
      });
    },
    close: () => agent.destroy(),
  };
}

function collectionPath(o: Obj): string {
  const apiVersion = o.apiVersion as string;
  const md = o.metadata as { namespace?: string };
  const base = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
  const plural = `${(o.kind as string).toLowerCase()}s`.replace(/ys$/, 'ies');
  return `${base}${md.namespace ? `/namespaces/${md.namespace}` : ''}/${plural}`;
}

async function create(api: Api, o: Obj): Promise<void> {
  const r = await api.call('POST', collectionPath(o), o);
  if (r.status !== 201)
    throw new Error(`creating ${o.kind} ${JSON.stringify(o.metadata)}: HTTP ${r.status} ${String(r.json.message)}`);
}

async function listAll(api: Api, path: string, apiVersion: string, kind: string): Promise<Obj[]> {
  const r = await api.call('GET', path);
  if (r.status !== 200) throw new Error(`GET ${path}: HTTP ${r.status} ${String(r.json.message)}`);
  return ((r.json.items as Obj[] | undefined) ?? []).map((item) => ({ apiVersion, kind, ...item }));
}

/** The whole RBAC state of the server, as a live-cluster read gives it to kubeprint. */
async function readBack(api: Api): Promise<Obj[]> {
  const rbac = `/apis/${RBAC_V1}`;
  const lists = await Promise.all([
    listAll(api, '/api/v1/serviceaccounts', 'v1', 'ServiceAccount'),
    listAll(api, `${rbac}/roles`, RBAC_V1, 'Role'),
    listAll(api, `${rbac}/clusterroles`, RBAC_V1, 'ClusterRole'),
    listAll(api, `${rbac}/rolebindings`, RBAC_V1, 'RoleBinding'),
    listAll(api, `${rbac}/clusterrolebindings`, RBAC_V1, 'ClusterRoleBinding'),
  ]);
  return lists.flat();
}

function sarBody(t: Tuple): Obj {
  const attrs =
    t.req.type === 'nonResource'
      ? { nonResourceAttributes: { verb: t.req.verb, path: t.req.path } }
      : {
          resourceAttributes: {
            verb: t.req.verb,
            group: t.req.apiGroup,
            resource: t.req.resource,
            subresource: t.req.subresource,
            name: t.req.name,
            namespace: t.req.namespace,
          },
        };
  return {
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SubjectAccessReview',
    spec: { user: t.user.name, groups: t.user.groups, ...attrs },
  };
}

async function review(api: Api, t: Tuple): Promise<{ allowed: boolean; reason: string }> {
  const r = await api.call('POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', sarBody(t));
  if (r.status !== 201)
    throw new Error(`SubjectAccessReview for ${formatTuple(t)}: HTTP ${r.status} ${String(r.json.message)}`);
  const status = (r.json.status ?? {}) as { allowed?: boolean; reason?: string };
  return { allowed: status.allowed === true, reason: status.reason ?? '' };
}

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: limit }, worker));
  return out;
}

/** Poll until `check` gives no complaint; the last complaint (and `detail()`) explain a timeout. */
async function until(
  what: string,
  check: () => Promise<string[]>,
  detail: () => string = () => '',
  ms = 20_000,
): Promise<void> {
  const deadline = Date.now() + ms;
  let last: string[] = [];
  while (Date.now() < deadline) {
    last = await check();
    if (last.length === 0) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${what}: not so after ${ms} ms: ${last.join(', ')}${detail()}`);
}

// ---------------------------------------------------------------- aggregation controller

function tailOf(file: string): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-20).join('\n');
  } catch {
    return '(no log)';
  }
}

function startAggregationController(cp: ControlPlane): ChildProcess {
  const log = openSync(join(cp.dir, 'kube-controller-manager.log'), 'a');
  return spawn(
    KCM,
    [
      `--kubeconfig=${cp.kubeconfig}`,
      '--controllers=clusterrole-aggregation',
      '--leader-elect=false',
      '--secure-port=0',
    ],
    { stdio: ['ignore', log, log] },
  );
}

/** Labels match a selector with matchLabels and Exists expressions (all the generator writes). */
function selects(sel: Obj, labels: Record<string, string>): boolean {
  const ml = (sel.matchLabels ?? {}) as Record<string, string>;
  const me = (sel.matchExpressions ?? []) as { key: string; operator: string }[];
  return (
    Object.entries(ml).every(([k, v]) => labels[k] === v) && me.every((e) => e.operator === 'Exists' && e.key in labels)
  );
}

/**
 * The controller has reached its fixed point: every aggregated role's rules
 * are exactly the union of the rules of the roles it selects (as stored). This
 * is only a wait condition; what is compared is the server's answers.
 */
function unsettledAggregations(clusterRoles: Obj[]): string[] {
  const unsettled: string[] = [];
  const key = (r: unknown) => JSON.stringify(r, Object.keys(r as Obj).sort());
  for (const role of clusterRoles) {
    const agg = role.aggregationRule as { clusterRoleSelectors?: Obj[] } | undefined;
    if (!agg) continue;
    const want = new Set<string>();
    for (const other of clusterRoles) {
      const md = other.metadata as { name: string; labels?: Record<string, string> };
      if (md.name === (role.metadata as { name: string }).name) continue;
      if (!(agg.clusterRoleSelectors ?? []).some((s) => selects(s, md.labels ?? {}))) continue;
      for (const r of (other.rules as unknown[] | undefined) ?? []) want.add(key(r));
    }
    // with nothing to gather the controller's apply sets no rules: the role keeps its own
    if (want.size === 0) continue;
    const have = new Set(((role.rules as unknown[] | undefined) ?? []).map(key));
    if (have.size !== want.size || [...want].some((k) => !have.has(k)))
      unsettled.push(`${(role.metadata as { name: string }).name} (${have.size} rules, ${want.size} expected)`);
  }
  return unsettled;
}

// ---------------------------------------------------------------- the test

describe.skipIf(missing !== undefined)('RBAC answers agree with the API server (SubjectAccessReview)', () => {
  let cp: ControlPlane;
  let api: Api;
  let kcm: ChildProcess | undefined;
  let gen: Generated;
  let engine: RbacEngine;
  const aggregation = existsSync(KCM);

  beforeAll(async () => {
    console.info(
      `rbac-sar: seed ${SEED} (replay with KUBEPRINT_RBAC_SEED=${SEED}); aggregated roles ${
        aggregation ? `on (${KCM})` : `left out: no kube-controller-manager at ${KCM}`
      }`,
    );
    const rng = prng(SEED);
    gen = generate(rng, aggregation);
    cp = await startControlPlane();
    api = adminApi(cp);
    if (aggregation) kcm = startAggregationController(cp);
    for (const o of gen.objects) await create(api, o);
    if (aggregation)
      await until(
        'the aggregation controller has filled every aggregated ClusterRole',
        async () => unsettledAggregations(await listAll(api, `/apis/${RBAC_V1}/clusterroles`, RBAC_V1, 'ClusterRole')),
        () => `\nkube-controller-manager log:\n${tailOf(join(cp.dir, 'kube-controller-manager.log'))}`,
      );
    // The authorizer reads RBAC through informers, one per kind. Objects created
    // last of each kind, once effective, show that every earlier one is too.
    const sentinel: Obj[] = [
      {
        apiVersion: RBAC_V1,
        kind: 'ClusterRole',
        metadata: { name: 'kp-sentinel' },
        rules: [{ apiGroups: ['sentinel.test'], resources: ['flags'], verbs: ['get'] }],
      },
      {
        apiVersion: RBAC_V1,
        kind: 'ClusterRoleBinding',
        metadata: { name: 'kp-sentinel' },
        roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name: 'kp-sentinel' },
        subjects: [{ kind: 'User', apiGroup: RBAC, name: 'kp-sentinel' }],
      },
      ...(gen.namespaces[0] ? [gen.namespaces[0]] : []).flatMap((ns) => [
        {
          apiVersion: RBAC_V1,
          kind: 'Role',
          metadata: { name: 'kp-sentinel', namespace: ns },
          rules: [{ apiGroups: ['sentinel.test'], resources: ['flags'], verbs: ['list'] }],
        },
        {
          apiVersion: RBAC_V1,
          kind: 'RoleBinding',
          metadata: { name: 'kp-sentinel', namespace: ns },
          roleRef: { apiGroup: RBAC, kind: 'Role', name: 'kp-sentinel' },
          subjects: [{ kind: 'User', apiGroup: RBAC, name: 'kp-sentinel' }],
        },
      ]),
    ];
    for (const o of sentinel) await create(api, o);
    const user = { name: 'kp-sentinel', groups: [] };
    const resource = (verb: string): AccessRequest => ({
      type: 'resource',
      verb,
      apiGroup: 'sentinel.test',
      resource: 'flags',
      subresource: '',
      name: '',
      namespace: gen.namespaces[0] ?? '',
    });
    await until('the authorizer sees the last RBAC objects created', async () => {
      const [a, b] = await Promise.all([
        review(api, { user, req: resource('get') }),
        review(api, { user, req: resource('list') }),
      ]);
      return a.allowed && b.allowed ? [] : ['kp-sentinel is not yet allowed'];
    });
    const objects = (await readBack(api)).map((raw) => toKubeObject(raw, undefined, 'cluster'));
    engine = createRbacEngine(
      objects.filter((o) => o !== undefined),
      { bootstrap: 'none' },
    );
  }, 120_000);

  afterAll(async () => {
    api?.close();
    if (kcm && kcm.exitCode === null) {
      const exited = new Promise((r) => kcm?.once('exit', r));
      kcm.kill('SIGTERM');
      await exited;
    }
    await cp?.stop();
  });

  it('gives the same answer as SubjectAccessReview for every tuple', async () => {
    const list = tuples(prng(SEED ^ 0x5eed), gen);
    const server = await mapLimit(list, 8, (t) => review(api, t));
    const mismatches: string[] = [];
    let allowed = 0;
    let superuser = 0;
    list.forEach((t, i) => {
      const ours = engine.policy.authorize(t.user, t.req);
      const theirs = server[i] as { allowed: boolean; reason: string };
      if (theirs.allowed) allowed++;
      if (ours.superuser) superuser++;
      if (ours.allowed !== theirs.allowed)
        mismatches.push(
          `${formatTuple(t)}: API server ${theirs.allowed ? 'allows' : 'denies'} (${theirs.reason || 'no reason'}), kubeprint ${
            ours.allowed
              ? `allows via ${ours.grants.map((g) => `${g.binding.kind} ${g.binding.namespace ? `${g.binding.namespace}/` : ''}${g.binding.name} → ${g.role.kind} ${g.role.name}`).join('; ') || 'system:masters'}`
              : 'denies'
          }`,
        );
    });
    console.info(
      `rbac-sar: seed ${SEED}: ${list.length} tuples compared (${allowed} allowed, ${list.length - allowed} denied, ${superuser} as system:masters), ${mismatches.length} mismatches`,
    );
    for (const m of mismatches) console.error(`rbac-sar mismatch: ${m}`);
    expect(mismatches).toEqual([]);
    // the comparison is not vacuous: both answers are common
    expect(list.length).toBeGreaterThanOrEqual(2000);
    expect(allowed).toBeGreaterThan(list.length / 10);
    expect(list.length - allowed).toBeGreaterThan(list.length / 10);
  }, 60_000);

  it('reports the bindings whose role does not exist', () => {
    const reported = engine.policy.problems
      .filter((p) => p.type === 'missing-role')
      .map((p) => `${p.binding.kind} ${p.binding.namespace ? `${p.binding.namespace}/` : ''}${p.binding.name}`);
    for (const b of gen.missingRoleBindings) expect(reported).toContain(b);
  });
});
