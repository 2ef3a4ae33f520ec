/**
 * `kubeprint scan --cluster` against a real kube-apiserver: the bundled
 * example (examples/gitops, overlays and chart rendered by kubeprint's own
 * loader) is created through the API, then scanned from the cluster and from
 * the files; the findings must agree for the objects that were applied.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scanCluster } from '../../src/cluster-scan.js';
import { loadConfig } from '../../src/config/config.js';
import type { Finding } from '../../src/model/finding.js';
import type { KubeObject } from '../../src/model/kube-object.js';
import { type ScanOutput, scanObjects } from '../../src/scan.js';
import { loadInputs } from '../../src/sources/index.js';
import { runCli } from '../cli-capture.js';
import { type ControlPlane, controlPlaneMissing, startControlPlane } from '../helpers/control-plane.js';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const EXAMPLE = 'examples/gitops';

const missing = controlPlaneMissing();
if (missing) console.warn(`cluster-scan tests skipped: ${missing}`);

/** kind/namespace/name with the namespace the object lives in ('' for cluster-scoped). */
type Key = string;

describe.skipIf(missing !== undefined)('scan --cluster on a real API server', () => {
  let cp: ControlPlane;
  let work: string;
  /** What the files hold, keyed as the cluster names it, and which of it the API server accepted. */
  const applied = new Map<Key, KubeObject>();
  const rejected: string[] = [];
  let fileObjects: KubeObject[] = [];
  const config = () => loadConfig(REPO, join(EXAMPLE, '.kubeprint.yaml'));

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'kubeprint-cs-'));
    cp = await startControlPlane();
    const loaded = await loadInputs([EXAMPLE], { cwd: REPO });
    fileObjects = loaded.objects;
    // namespaces first, then everything else; one object at a time so that one
    // rejected object (the API server validates more than the files' YAML) does not hide the others
    const ordered = [...fileObjects].sort((a, b) => Number(b.kind === 'Namespace') - Number(a.kind === 'Namespace'));
    for (const o of ordered) {
      try {
        const out = await cp.kubectl(['create', '-o', 'json', '-f', '-'], JSON.stringify(o.raw));
        const created = JSON.parse(out) as { kind: string; metadata: { name: string; namespace?: string } };
        applied.set(keyOf(created.kind, created.metadata.namespace, created.metadata.name), inNamespace(o, created));
      } catch (err) {
        rejected.push(`${o.kind}/${o.namespace ?? ''}/${o.name}: ${(err as Error).message.split('\n')[0]}`);
      }
    }
  });
  afterAll(async () => {
    await cp?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('created the example through the API', () => {
    // every object the loader produced is either in the cluster or was rejected with a reason
    expect(applied.size + rejected.length).toBe(fileObjects.length);
    expect(applied.size).toBeGreaterThan(20);
  });

  it('finds in the cluster what it finds in the files, for every applied object', async () => {
    const live = await scanCluster({ kubeconfig: cp.kubeconfig, allNamespaces: true, config: config() });
    expect(live.read.contextName).toBe(cp.contextName);
    expect(live.read.skipped).toEqual([]);
    // 1. objects the API server made itself (system namespaces, bootstrap RBAC,
    //    the kubernetes Service): no file declared them
    const serverMade = live.objects.filter((o) => !applied.has(keyOfObject(o)));
    const declared = new Set(fileObjects.map((o) => keyOfObject(o)));
    expect(serverMade.filter((o) => declared.has(keyOfObject(o)))).toEqual([]);
    expect(serverMade.some((o) => o.kind === 'ClusterRole' && o.name === 'cluster-admin')).toBe(true);
    // the files as they were applied, in one scope with what the server made, as
    // the cluster holds them: cross-object rules then see the same neighbours
    const files = scanObjects(
      [...applied.values(), ...serverMade].map((o) => ({ ...o, scope: 'one' })),
      { config: config() },
    );
    const onApplied = (m: Map<string, Finding>) =>
      new Map([...m].filter(([fk]) => applied.has(fk.split(' ')[1] ?? '')));
    const fromFiles = onApplied(findingKeys(files));
    const fromCluster = findingKeys(live);

    // 2. on applied objects, a finding only one side has must be explained by a
    //    field the API server defaulted (present in the cluster's copy, absent from the file)
    const liveByKey = new Map(live.objects.map((o) => [keyOfObject(o), o]));
    const unexplained: string[] = [];
    const clusterOnly = [...onApplied(fromCluster)].filter(([k]) => !fromFiles.has(k));
    const filesOnly = [...fromFiles].filter(([k]) => !fromCluster.has(k));
    for (const [k, f] of [...clusterOnly, ...filesOnly]) {
      const objKey = k.split(' ')[1] ?? '';
      const fileRaw = applied.get(objKey)?.raw;
      const liveRaw = liveByKey.get(objKey)?.raw;
      if (!defaulted(fileRaw, liveRaw, f)) unexplained.push(`${k} (${fromCluster.has(k) ? 'cluster' : 'files'} only)`);
    }
    expect(unexplained).toEqual([]);
    // the comparison is not vacuous
    expect([...onApplied(fromCluster)].filter(([k]) => fromFiles.has(k)).length).toBeGreaterThan(20);
    // findings on cluster objects name them by namespace/kind/name, with no file
    // position (findings about the config file, such as an expired exemption, keep theirs)
    const onObjects = live.findings.filter((f) => f.object);
    expect(onObjects.length).toBeGreaterThan(0);
    expect(onObjects.filter((f) => f.source !== undefined)).toEqual([]);
  });

  it('--snapshot and --from-snapshot give the same findings as the live scan', async () => {
    const snap = join(work, 'snap.json');
    const a = await runCli(
      ['scan', '--cluster', '--kubeconfig', cp.kubeconfig, '-A', '--snapshot', snap, '-o', 'json', '--fail-on', 'none'],
      { cwd: REPO },
    );
    expect(a.code).toBe(0);
    const b = await runCli(['scan', '--from-snapshot', snap, '-o', 'json', '--fail-on', 'none'], { cwd: REPO });
    expect(b.code).toBe(0);
    const ids = (out: string) =>
      (JSON.parse(out) as { findings: Finding[] }).findings.map((f) => `${f.ruleId} ${keyOfFinding(f)}`).sort();
    expect(ids(b.stdout)).toEqual(ids(a.stdout));
    expect(ids(a.stdout).length).toBeGreaterThan(0);
    // kubectl's own List output reads the same way
    const list = await cp.kubectl(['get', 'deployments,statefulsets,daemonsets,services', '-A', '-o', 'json']);
    const dump = join(work, 'kubectl.json');
    writeFileSync(dump, list);
    const c = await runCli(['scan', '--from-snapshot', dump, '-o', 'json', '--fail-on', 'none'], { cwd: REPO });
    expect(c.code).toBe(0);
    const workloadRules = new Set(ids(c.stdout).map((s) => s.split(' ')[0]));
    expect(workloadRules.size).toBeGreaterThan(3);
    expect(readFileSync(snap, 'utf8').length).toBeGreaterThan(1000);
  });

  it('gives a user with limited RBAC a partial scan, with one notice per forbidden kind', async () => {
    // a viewer of shop-prod's workloads only
    await cp.kubectl(
      ['create', '-f', '-'],
      JSON.stringify({
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'Role',
        metadata: { name: 'workload-viewer', namespace: 'shop-prod' },
        rules: [{ apiGroups: ['apps'], resources: ['deployments', 'statefulsets'], verbs: ['get', 'list'] }],
      }),
    );
    await cp.kubectl([
      'create',
      'rolebinding',
      'workload-viewer',
      '-n',
      'shop-prod',
      '--role=workload-viewer',
      '--user=limited',
    ]);
    const kc = cp.userKubeconfig('limited');
    const r = await runCli(
      ['scan', '--cluster', '--kubeconfig', kc, '-n', 'shop-prod', '-o', 'json', '--fail-on', 'none'],
      {
        cwd: REPO,
      },
    );
    expect(r.code).toBe(0);
    const notices = r.stderr.split('\n').filter((l) => l.includes('forbidden by RBAC'));
    expect(notices.some((l) => l.startsWith('kubeprint: Secret in namespace shop-prod not read'))).toBe(true);
    expect(notices.some((l) => l.startsWith('kubeprint: ClusterRole.rbac.authorization.k8s.io not read'))).toBe(true);
    expect(new Set(notices).size).toBe(notices.length);
    const kinds = new Set((JSON.parse(r.stdout) as { findings: Finding[] }).findings.map((f) => f.object?.kind));
    expect([...kinds].sort()).toEqual(['Deployment', 'StatefulSet']);
  });

  it('with -A, lists a kind forbidden cluster-wide namespace by namespace, as far as RBAC allows', async () => {
    // may list namespaces, and read Deployments in shop-prod only (the Role of the previous test)
    await cp.kubectl(
      ['create', '-f', '-'],
      JSON.stringify({
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRole',
        metadata: { name: 'namespace-lister' },
        rules: [{ apiGroups: [''], resources: ['namespaces'], verbs: ['list'] }],
      }),
    );
    await cp.kubectl(['create', 'clusterrolebinding', 'nslister', '--clusterrole=namespace-lister', '--user=nsuser']);
    await cp.kubectl([
      'create',
      'rolebinding',
      'nsuser-workloads',
      '-n',
      'shop-prod',
      '--role=workload-viewer',
      '--user=nsuser',
    ]);
    const kc = cp.userKubeconfig('nsuser');
    const r = await runCli(['scan', '--cluster', '--kubeconfig', kc, '-A', '-o', 'json', '--fail-on', 'none'], {
      cwd: REPO,
    });
    expect(r.code).toBe(0);
    const found = (JSON.parse(r.stdout) as { findings: Finding[] }).findings.filter(
      (f) => f.object?.kind === 'Deployment',
    );
    expect(found.length).toBeGreaterThan(0);
    expect(new Set(found.map((f) => f.object?.namespace))).toEqual(new Set(['shop-prod']));
    expect(r.stderr).toMatch(
      /kubeprint: Deployment\.apps partly read \(forbidden by RBAC in \d+ of \d+ namespaces; read in shop-prod\)/,
    );
    // a kind readable nowhere keeps its one cluster-wide notice
    expect(r.stderr).toMatch(/kubeprint: Secret not read \(forbidden by RBAC\)/);
  });

  it('honours kubeconfig as kubectl: merged $KUBECONFIG, --context, exec credential plugins', async () => {
    // an exec plugin that hands out the admin's client certificate, as cloud plugins hand out tokens
    const b64 = (f: string) => readFileSync(join(cp.dir, f), 'utf8');
    writeFileSync(
      join(work, 'cred.json'),
      JSON.stringify({
        apiVersion: 'client.authentication.k8s.io/v1',
        kind: 'ExecCredential',
        status: { clientCertificateData: b64('admin.crt'), clientKeyData: b64('admin.key') },
      }),
    );
    const ca = readFileSync(join(cp.dir, 'ca.crt')).toString('base64');
    // the first file sets current-context to a dead cluster; the second holds the exec context
    writeFileSync(
      join(work, 'first.kubeconfig'),
      `apiVersion: v1
kind: Config
clusters: [{name: dead, cluster: {server: "https://127.0.0.1:1"}}]
users: [{name: nobody, user: {token: x}}]
contexts: [{name: dead, context: {cluster: dead, user: nobody}}]
current-context: dead
`,
    );
    writeFileSync(
      join(work, 'second.kubeconfig'),
      `apiVersion: v1
kind: Config
clusters: [{name: test, cluster: {server: "${cp.server}", certificate-authority-data: ${ca}}}]
users: [{name: plugin, user: {exec: {apiVersion: client.authentication.k8s.io/v1, command: cat, args: ["${join(work, 'cred.json')}"], interactiveMode: Never}}}]
contexts: [{name: via-exec, context: {cluster: test, user: plugin, namespace: shop-prod}}]
current-context: via-exec
`,
    );
    const env = { KUBECONFIG: `${join(work, 'first.kubeconfig')}:${join(work, 'second.kubeconfig')}` };
    const dead = await scanCluster({ env }).catch((e: unknown) => e);
    expect((dead as { code?: string }).code).toBe('CONNECTION_FAILED');
    const live = await scanCluster({ env, context: 'via-exec' });
    expect(live.read.contextName).toBe('via-exec');
    // the context's namespace, as kubectl: namespaced objects from shop-prod only
    expect(live.read.namespace).toBe('shop-prod');
    const namespaces = new Set(live.objects.filter((o) => o.kind === 'Deployment').map((o) => o.namespace));
    expect([...namespaces]).toEqual(['shop-prod']);
    expect(live.findings.some((f) => f.object?.namespace === 'shop-prod')).toBe(true);
  });

  it('judges what a controller made through its owner, unless --include-owned', async () => {
    // what the deployment controller would write (no controller-manager runs here)
    const dep = JSON.parse(await cp.kubectl(['get', 'deployment', 'storefront', '-n', 'shop-staging', '-o', 'json']));
    const owner = (kind: string, name: string, uid: string, apiVersion: string) => [
      { apiVersion, kind, name, uid, controller: true, blockOwnerDeletion: true },
    ];
    const rs = JSON.parse(
      await cp.kubectl(
        ['create', '-o', 'json', '-f', '-'],
        JSON.stringify({
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          metadata: {
            name: 'storefront-abc',
            namespace: 'shop-staging',
            ownerReferences: owner('Deployment', 'storefront', dep.metadata.uid, 'apps/v1'),
          },
          spec: { replicas: 1, selector: dep.spec.selector, template: dep.spec.template },
        }),
      ),
    );
    await cp.kubectl(
      ['create', '-f', '-'],
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name: 'storefront-abc-1',
          namespace: 'shop-staging',
          labels: dep.spec.template.metadata.labels,
          ownerReferences: owner('ReplicaSet', 'storefront-abc', rs.metadata.uid, 'apps/v1'),
        },
        spec: dep.spec.template.spec,
      }),
    );
    const notices: string[] = [];
    const folded = await scanCluster({
      kubeconfig: cp.kubeconfig,
      namespace: 'shop-staging',
      notice: (l) => notices.push(l),
    });
    expect(folded.read.owned).toBe(2);
    expect(folded.objects.some((o) => o.kind === 'Pod' || o.kind === 'ReplicaSet')).toBe(false);
    expect(notices.filter((l) => l.startsWith('2 objects owned by a controller'))).toHaveLength(1);
    const all = await scanCluster({ kubeconfig: cp.kubeconfig, namespace: 'shop-staging', includeOwned: true });
    expect(all.read.owned).toBe(0);
    const onPod = all.findings.filter((f) => f.object?.kind === 'Pod').map((f) => f.ruleId);
    const onDeployment = all.findings
      .filter((f) => f.object?.kind === 'Deployment' && f.object.name === 'storefront')
      .map((f) => f.ruleId);
    // the pod carries the deployment's template, so it repeats the deployment's pod findings
    expect(onPod.length).toBeGreaterThan(0);
    expect(onPod.filter((id) => !onDeployment.includes(id))).toEqual([]);
  });

  it('rbac who-can --cluster answers as the engine does on the applied files (with the default roles)', async () => {
    const { createRbacEngine, formatSubject, parseRequest } = await import('../../src/engines/rbac/index.js');
    const engine = createRbacEngine([...applied.values()], { bootstrap: 'all' });
    let compared = 0;
    let roleBindingRows = 0;
    for (const [verb, resource, ns, name] of [
      ['list', 'secrets', 'shop-prod'],
      ['create', 'pods', 'shop-staging'],
      ['get', 'nodes', undefined],
      // granted by a RoleBinding of the checkout base, in both overlays' namespaces
      ['get', 'configmaps', 'shop-prod', 'checkout-settings'],
    ] as const) {
      const req = parseRequest(
        verb,
        resource,
        { ...(ns ? { namespace: ns } : {}), ...(name ? { name } : {}) },
        engine.policy,
      );
      const expected = engine.policy
        .whoCan(req)
        .filter((r) => r.binding?.object && applied.has(keyOfObject(r.binding.object)))
        .map((r) => `${formatSubject(r.subject)} via ${r.binding?.kind}/${r.binding?.name} -> ${r.role?.name}`);
      const r = await runCli(
        [
          'rbac',
          'who-can',
          verb,
          resource,
          ...(ns ? ['-n', ns] : []),
          ...(name ? ['--name', name] : []),
          '--cluster',
          '--kubeconfig',
          cp.kubeconfig,
          '-o',
          'json',
        ],
        { cwd: REPO },
      );
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const rows = (
        JSON.parse(r.stdout) as {
          subjects: Array<{
            subject: string;
            binding: { kind: string; namespace: string | null; name: string; source: unknown } | null;
            role: { name: string } | null;
          }>;
        }
      ).subjects;
      const got = rows
        .filter(
          (x) => x.binding && applied.has(keyOf(x.binding.kind, x.binding.namespace ?? undefined, x.binding.name)),
        )
        .map((x) => `${x.subject} via ${x.binding?.kind}/${x.binding?.name} -> ${x.role?.name}`);
      expect(new Set(got)).toEqual(new Set(expected));
      compared += expected.length;
      roleBindingRows += got.filter((g) => g.includes(' via RoleBinding/')).length;
      // the server's own bindings are there too (system:masters always is), none with a file position
      expect(rows.some((x) => x.subject === 'Group:system:masters')).toBe(true);
      expect(rows.filter((x) => x.binding?.source)).toEqual([]);
    }
    // the example's own bindings answer some of these questions: the comparison is not vacuous
    expect(compared).toBeGreaterThan(0);
    expect(roleBindingRows).toBeGreaterThan(0);
  });

  it('identities --cluster and images list --cluster agree with the applied files', async () => {
    const { createRbacEngine, identityInventory } = await import('../../src/engines/rbac/index.js');
    const { imageUsage } = await import('../../src/engines/supplychain/usage.js');
    const objects = [...applied.values()];
    const declaredSAs = new Set(
      objects.filter((o) => o.kind === 'ServiceAccount').map((o) => `${o.namespace}/${o.name}`),
    );
    expect(declaredSAs.size).toBeGreaterThan(0);
    const view = (e: {
      namespace: string;
      name: string;
      workloads: unknown[];
      tokenMounted: boolean;
      legacyTokenSecrets: string[];
      bindings: unknown[];
      cloud: unknown[];
    }) =>
      JSON.stringify({
        sa: `${e.namespace}/${e.name}`,
        workloads: e.workloads,
        tokenMounted: e.tokenMounted,
        legacy: e.legacyTokenSecrets,
        bindings: e.bindings,
        cloud: e.cloud,
      });
    const expected = identityInventory(createRbacEngine(objects, { bootstrap: 'all' }), objects)
      .filter((e) => declaredSAs.has(`${e.namespace}/${e.name}`))
      .map(view);
    const r = await runCli(['identities', '--cluster', '--kubeconfig', cp.kubeconfig, '-o', 'json'], { cwd: REPO });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const got = (JSON.parse(r.stdout) as Parameters<typeof view>[0][])
      .filter((e) => declaredSAs.has(`${e.namespace}/${e.name}`))
      .map(view);
    expect(got.sort()).toEqual(expected.sort());
    expect(got.some((g) => g.includes('"workloads":[{'))).toBe(true);
    expect(got.some((g) => g.includes('"bindings":[{'))).toBe(true);

    const images = await runCli(['images', 'list', '--cluster', '--kubeconfig', cp.kubeconfig, '-o', 'json'], {
      cwd: REPO,
    });
    expect(images.code).toBe(0);
    const listed = JSON.parse(images.stdout) as Array<{ image: string; locations: string[] }>;
    expect(new Set(listed.map((i) => i.image))).toEqual(new Set(imageUsage(objects).map((u) => u.image)));
    // a cluster object is named by kind/name, not by a file
    expect(listed.flatMap((i) => i.locations).every((l) => /^[A-Z]\w+\/[\w.-]+$/.test(l))).toBe(true);
  });

  it('pss --cluster --what-if and netpol list --cluster agree with the applied files', async () => {
    const { evaluateWorkload } = await import('../../src/engines/pss/index.js');
    const { workloadOf } = await import('../../src/model/workload.js');
    const np = await import('../../src/engines/netpol/index.js');
    const objects = [...applied.values()];
    // what would break if shop-prod were raised to restricted: the live answer is the files' answer
    const expected = objects
      .filter((o) => o.namespace === 'shop-prod')
      .flatMap((o) => {
        const w = workloadOf(o);
        if (!w) return [];
        const r = evaluateWorkload(w, 'restricted', 'latest');
        return [`${o.kind}/${o.name} ${r.allowed} ${r.violations.map((v) => v.check).join(',')}`];
      })
      .sort();
    expect(expected.some((e) => e.includes(' false '))).toBe(true);
    const r = await runCli(
      ['pss', '--cluster', '--kubeconfig', cp.kubeconfig, '--what-if', 'restricted', '-n', 'shop-prod', '-o', 'json'],
      { cwd: REPO },
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1); // something would be denied
    const entries = JSON.parse(r.stdout) as Array<{
      kind: string;
      name: string;
      namespace: string;
      allowed: boolean;
      source: unknown;
      violations: Array<{ check: string; line: number | null }>;
    }>;
    expect(entries.every((e) => e.namespace === 'shop-prod' && e.source === null)).toBe(true);
    expect(
      entries.map((e) => `${e.kind}/${e.name} ${e.allowed} ${e.violations.map((v) => v.check).join(',')}`).sort(),
    ).toEqual(expected);

    // the connectivity of the applied workloads, as np-guard's connlist
    const files = np.formatConnlist(np.connectivity(objects).connections, 'txt');
    const live = await runCli(['netpol', 'list', '--cluster', '--kubeconfig', cp.kubeconfig], { cwd: REPO });
    expect(live.code).toBe(0);
    expect(live.stdout.trim().split('\n').sort()).toEqual(files.trim().split('\n').sort());
    expect(files.split('\n').length).toBeGreaterThan(3);
  });

  it('on a terminal, counts kinds and objects on one stderr line and clears it; stdout stays the report', async () => {
    const { main } = await import('../../src/cli/main.js');
    let out = '';
    let err = '';
    const code = await main(
      ['scan', '--cluster', '--kubeconfig', cp.kubeconfig, '-A', '-o', 'json', '--fail-on', 'none'],
      {
        stdout: (t) => {
          out += t;
        },
        stderr: (t) => {
          err += t;
        },
        readStdin: async () => '',
        isTTY: true,
        cwd: REPO,
        env: { PATH: process.env.PATH },
      },
    );
    expect(code).toBe(0);
    const progress = [...err.matchAll(/\rkubeprint: reading the cluster: (\d+)\/(\d+) kinds, (\d+) objects/g)];
    expect(progress.length).toBeGreaterThan(1);
    const last = progress[progress.length - 1];
    // the last count is complete: every kind read, as many objects as the report judged or left to owners
    expect(last?.[1]).toBe(last?.[2]);
    expect(Number(last?.[3])).toBeGreaterThan(20);
    // the line is cleared before anything else is said and at the end
    const tail = err.slice(err.lastIndexOf('reading the cluster'));
    expect(tail).toContain('\r\u001b[K');
    expect(err.slice(err.lastIndexOf('\r\u001b[K') + 4)).not.toContain('reading the cluster');
    expect(() => JSON.parse(out)).not.toThrow();
  });

  it('exits 2 with one line when the server is unreachable or the context unknown', { timeout: 20_000 }, async () => {
    const text = readFileSync(cp.kubeconfig, 'utf8').replace(cp.server, 'https://127.0.0.1:1');
    const dead = join(work, 'dead.kubeconfig');
    writeFileSync(dead, text);
    const r = await runCli(['scan', '--cluster', '--kubeconfig', dead], { cwd: REPO });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('127.0.0.1:1');
    const u = await runCli(['scan', '--cluster', '--kubeconfig', cp.kubeconfig, '--context', 'nope'], { cwd: REPO });
    expect(u.code).toBe(2);
    expect(u.stderr).toContain('nope');
  });
});

function keyOf(kind: string, namespace: string | undefined, name: string): Key {
  return `${kind}/${namespace ?? ''}/${name}`;
}

function keyOfObject(o: { kind: string; namespace: string | undefined; name: string }): Key {
  return keyOf(o.kind, o.namespace, o.name);
}

function keyOfFinding(f: Finding): Key {
  return f.object ? keyOf(f.object.kind, f.object.namespace, f.object.name) : '(no object)';
}

/**
 * The object as the API server stored it: a namespaced object that names no
 * namespace lands in the client's namespace (`default`), as kubectl does.
 */
function inNamespace(o: KubeObject, created: { metadata: { namespace?: string } }): KubeObject {
  const ns = created.metadata.namespace;
  if (ns === undefined || o.namespace === ns) return o;
  const metadata = { ...(o.raw.metadata as Record<string, unknown>), namespace: ns };
  return { ...o, namespace: ns, raw: { ...o.raw, metadata } };
}

/** `ruleId key` → finding, one per rule and object (several paths of one rule on one object count once). */
function findingKeys(r: ScanOutput): Map<string, Finding> {
  const m = new Map<string, Finding>();
  for (const f of r.findings) if (f.object) m.set(`${f.ruleId} ${keyOfFinding(f)}`, f);
  return m;
}

/**
 * True when the finding's field, or one of its ancestors, is absent from the
 * file's object and present in the cluster's: the API server filled it in.
 */
function defaulted(fileRaw: unknown, liveRaw: unknown, f: Finding): boolean {
  if (!f.path || !fileRaw || !liveRaw) return false;
  const segs = f.path.split('/').slice(1);
  for (let n = 1; n <= segs.length; n++) {
    const p = segs.slice(0, n);
    if (at(fileRaw, p) === undefined && at(liveRaw, p) !== undefined) return true;
  }
  return false;
}

function at(v: unknown, segs: string[]): unknown {
  let cur = v;
  for (const s of segs) {
    const k = s.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(cur)) cur = cur[Number(k)];
    else if (cur && typeof cur === 'object') cur = (cur as Record<string, unknown>)[k];
    else return undefined;
  }
  return cur;
}
