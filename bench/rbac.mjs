// RBAC engine benchmark: effective permissions and escalation paths for
// 2,000 roles, 5,000 bindings and 3,000 service accounts (synthetic, seeded).
// Run with `npm run bench:rbac` (builds first). Prints wall times and peak RSS.
import { performance } from 'node:perf_hooks';
import { createRbacEngine, parseRequest, userInfoOf } from '../dist/engines/rbac/index.js';
import { toKubeObject } from '../dist/model/kube-object.js';

const ROLES = 2000;
const BINDINGS = 5000;
const SAS = 3000;
const NAMESPACES = 100;

let seed = 42;
const rand = () => {
  seed = (seed * 1664525 + 1013904223) >>> 0;
  return seed / 2 ** 32;
};
const pick = (a) => a[Math.floor(rand() * a.length)];

const READ = ['get', 'list', 'watch'];
const RULE_SHAPES = [
  () => ({ apiGroups: [''], resources: ['pods', 'pods/log', 'services', 'configmaps'], verbs: READ }),
  () => ({ apiGroups: ['apps'], resources: ['deployments', 'replicasets'], verbs: READ }),
  () => ({
    apiGroups: [''],
    resources: ['configmaps'],
    verbs: ['get', 'update'],
    resourceNames: [`cfg-${Math.floor(rand() * 50)}`],
  }),
  () => ({ apiGroups: ['batch'], resources: ['jobs'], verbs: ['create', 'delete', ...READ] }),
  () => ({ apiGroups: ['example.com'], resources: ['widgets', 'widgets/status'], verbs: ['*'] }),
  () => ({ apiGroups: [''], resources: ['secrets'], verbs: ['get'] }),
  () => ({ apiGroups: ['apps'], resources: ['deployments'], verbs: ['create', 'patch'] }),
  () => ({ apiGroups: [''], resources: ['pods/exec'], verbs: ['create'] }),
  () => ({ apiGroups: [''], resources: ['serviceaccounts/token'], verbs: ['create'] }),
];
const RARE = [
  () => ({ apiGroups: ['rbac.authorization.k8s.io'], resources: ['clusterroles'], verbs: ['bind'] }),
  () => ({
    apiGroups: ['rbac.authorization.k8s.io'],
    resources: ['rolebindings', 'clusterrolebindings'],
    verbs: ['create'],
  }),
  () => ({ apiGroups: [''], resources: ['users', 'groups'], verbs: ['impersonate'] }),
  () => ({ apiGroups: [''], resources: ['nodes/proxy'], verbs: ['get'] }),
  () => ({ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }),
];

function generate() {
  const docs = [];
  const ns = Array.from({ length: NAMESPACES }, (_, i) => `ns-${i}`);
  for (const [i, n] of ns.entries())
    docs.push({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: n, labels: i % 3 === 0 ? { 'pod-security.kubernetes.io/enforce': 'restricted' } : {} },
    });
  const sas = [];
  for (let i = 0; i < SAS; i++) {
    const sa = { namespace: ns[i % NAMESPACES], name: `sa-${i}` };
    sas.push(sa);
    docs.push({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: sa });
    if (i % 4 !== 0)
      docs.push({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: `app-${i}`, namespace: sa.namespace },
        spec: {
          template: {
            metadata: { labels: { app: `app-${i}` } },
            spec: { serviceAccountName: sa.name, containers: [{ name: 'c', image: 'x' }] },
          },
        },
      });
    if (i % 50 === 0)
      docs.push({
        apiVersion: 'v1',
        kind: 'Secret',
        type: 'kubernetes.io/service-account-token',
        metadata: {
          name: `${sa.name}-token`,
          namespace: sa.namespace,
          annotations: { 'kubernetes.io/service-account.name': sa.name },
        },
      });
  }
  const roles = [];
  for (let i = 0; i < ROLES; i++) {
    const cluster = i % 4 === 0;
    const rules = Array.from({ length: 1 + Math.floor(rand() * 4) }, () => pick(RULE_SHAPES)());
    if (i % 97 === 0) rules.push(pick(RARE)());
    const meta = cluster ? { name: `cr-${i}` } : { name: `role-${i}`, namespace: pick(ns) };
    roles.push({ kind: cluster ? 'ClusterRole' : 'Role', ...meta });
    docs.push({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: cluster ? 'ClusterRole' : 'Role',
      metadata: meta,
      rules,
    });
  }
  const clusterRoles = roles.filter((r) => r.kind === 'ClusterRole');
  for (let i = 0; i < BINDINGS; i++) {
    const subjects = [];
    for (let k = 0; k < 1 + Math.floor(rand() * 2); k++) {
      const r = rand();
      if (r < 0.75) {
        const sa = pick(sas);
        subjects.push({ kind: 'ServiceAccount', name: sa.name, namespace: sa.namespace });
      } else if (r < 0.9)
        subjects.push({
          kind: 'User',
          name: `user-${Math.floor(rand() * 500)}`,
          apiGroup: 'rbac.authorization.k8s.io',
        });
      else
        subjects.push({
          kind: 'Group',
          name: `group-${Math.floor(rand() * 50)}`,
          apiGroup: 'rbac.authorization.k8s.io',
        });
    }
    if (i % 10 === 0) {
      const role = pick(clusterRoles);
      docs.push({
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRoleBinding',
        metadata: { name: `crb-${i}` },
        subjects,
        roleRef: { kind: 'ClusterRole', name: role.name, apiGroup: 'rbac.authorization.k8s.io' },
      });
    } else {
      const role = pick(roles);
      const namespace = role.kind === 'Role' ? role.namespace : pick(ns);
      docs.push({
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name: `rb-${i}`, namespace },
        subjects,
        roleRef: { kind: role.kind, name: role.name, apiGroup: 'rbac.authorization.k8s.io' },
      });
    }
  }
  return docs.map((d) => toKubeObject(d, undefined, 'bench'));
}

const t0 = performance.now();
const objects = generate();
const t1 = performance.now();
const engine = createRbacEngine(objects, { bootstrap: 'roles' });
const t2 = performance.now();
let grants = 0;
const subjects = engine.escalation.nodes().filter((n) => n !== 'node');
for (const id of subjects) {
  const [kind, a, b] = id.split(':');
  const s = kind === 'ServiceAccount' ? { kind, namespace: a, name: b } : { kind, name: id.slice(kind.length + 1) };
  grants += engine.policy.grantsFor(userInfoOf(s)).length;
}
const t3 = performance.now();
let paths = 0;
let escalating = 0;
let longest = 0;
for (const id of subjects) {
  const p = engine.escalation.pathsFrom(id);
  paths += p.length;
  if (p.length) escalating++;
  for (const x of p) longest = Math.max(longest, x.steps.length);
}
const t4 = performance.now();
const req = parseRequest('get', 'secrets', { namespace: 'ns-7' });
const direct = engine.policy.whoCan(req).length;
const via = engine.escalation.reachersOf(req).length;
const t5 = performance.now();

const rss = process.resourceUsage().maxRSS / 1024;
const ms = (a, b) => `${(b - a).toFixed(0)} ms`;
console.log(
  `objects: ${objects.length} (${ROLES} roles, ${BINDINGS} bindings, ${SAS} service accounts, ${NAMESPACES} namespaces)`,
);
console.log(`subjects in the graph: ${subjects.length}`);
console.log(`generate corpus           ${ms(t0, t1)}`);
console.log(`build engine (policy, aggregation, facts)  ${ms(t1, t2)}`);
console.log(`effective permissions of every subject     ${ms(t2, t3)}  (${grants} grants)`);
console.log(
  `escalation paths of every subject          ${ms(t3, t4)}  (${paths} paths, ${escalating} subjects escalate, longest chain ${longest})`,
);
console.log(`who-can get secrets -n ns-7 + escalation   ${ms(t4, t5)}  (${direct} direct, ${via} through escalation)`);
console.log(`total (engine + queries)                   ${ms(t1, t5)}`);
console.log(`peak RSS                                   ${rss.toFixed(0)} MiB`);
