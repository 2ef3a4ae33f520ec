/**
 * `kubeprint drift` end to end on a real kube-apiserver: a rendered app (a
 * kustomization whose objects carry Argo CD's tracking label) is applied
 * with kubectl; right after, drift reports nothing (the server's defaults,
 * allocated ClusterIPs, canonical quantities and folded stringData are not
 * drift). Then the cluster drifts (replicas scaled, an image set, an object
 * deleted, an extra object made with the owner's label) and git moves on (a
 * label added): drift reports exactly those five. Near-misses that must stay
 * silent sit beside them: a label someone added in the cluster only (no
 * apply would remove it, as kubectl diff shows), a child object with an
 * ownerReference, Endpoints that copy a Service's labels, another app's object.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { driftAgainstCluster } from '../../src/gitops/drift-cluster.js';
import { loadInputs } from '../../src/sources/index.js';
import { runCli } from '../cli-capture.js';
import { type ControlPlane, controlPlaneMissing, startControlPlane } from '../helpers/control-plane.js';
import { corpus } from '../helpers/corpora.js';

const missing = controlPlaneMissing();
/** Real GitOps repositories (plain manifests, Helm charts, Kustomize, Argo CD and Flux objects) and the CRDs their objects need. */
const REAL_APPS = [
  'gitops/argocd-example-apps/sock-shop',
  'gitops/argocd-example-apps/helm-guestbook',
  'gitops/argocd-example-apps/kustomize-guestbook',
  'gitops/argocd-example-apps/apps',
  'apps/bitnami-nginx',
  'apps/flux2-kustomize-helm-example/infrastructure/controllers',
  'apps/flux2-kustomize-helm-example/apps/production',
].map((rel) => ({ rel, ...corpus(rel) }));
const CRDS = corpus('gitops/crds');
const EXAMPLE_APPS = corpus('gitops/argocd-example-apps');
if (missing) console.warn(`drift tests skipped: ${missing}`);

const APP: Record<string, string> = {
  'kustomization.yaml': `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: shop
labels:
  - pairs:
      app.kubernetes.io/instance: shop
resources:
  - namespace.yaml
  - web.yaml
  - worker.yaml
  - service.yaml
  - settings.yaml
  - secret.yaml
  - reader.yaml
`,
  'namespace.yaml': `apiVersion: v1
kind: Namespace
metadata:
  name: shop
`,
  'web.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels: { app: web }
  template:
    metadata:
      labels: { app: web }
    spec:
      containers:
        - name: web
          image: nginx:1.27.3
          ports:
            - containerPort: 8080
          resources:
            limits: { cpu: "0.5", memory: 128Mi }
`,
  'worker.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: worker
spec:
  replicas: 1
  selector:
    matchLabels: { app: worker }
  template:
    metadata:
      labels: { app: worker }
    spec:
      containers:
        - name: worker
          image: busybox:1.36
          args: ["sleep", "3600"]
`,
  'service.yaml': `apiVersion: v1
kind: Service
metadata:
  name: web
  labels:
    app: web
spec:
  selector: { app: web }
  ports:
    - port: 80
      targetPort: 8080
`,
  'settings.yaml': `apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  mode: production
`,
  'secret.yaml': `apiVersion: v1
kind: Secret
metadata:
  name: web-token
stringData:
  token: not-a-real-token
`,
  'reader.yaml': `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: shop-reader
rules:
  - apiGroups: [""]
    resources: ["configmaps"]
    verbs: ["get"]
`,
};

const CLUSTER_SCOPED = new Set(['Namespace', 'CustomResourceDefinition', 'ClusterRole', 'ClusterRoleBinding']);

interface DriftJson {
  summary: { compared: number; missing: number; changed: number; extra: number; problems: number; drift: boolean };
  owners: string[];
  drift: Array<{
    type: string;
    object: { kind: string; namespace?: string; name: string };
    field?: string;
    change?: string;
    desired?: unknown;
    live?: unknown;
    owner?: string;
    source?: { file: string; line: number };
  }>;
  problems: Array<{ code: string; message: string }>;
  notes: string[];
}

describe.skipIf(missing !== undefined)('kubeprint drift on a real API server', () => {
  let cp: ControlPlane;
  let dir: string;

  const drift = async (...extra: string[]) => {
    const r = await runCli(['drift', '.', '--cluster', '--kubeconfig', cp.kubeconfig, ...extra], { cwd: dir });
    return r;
  };
  const driftJson = async (...extra: string[]) => {
    const r = await drift('-o', 'json', ...extra);
    return { code: r.code, stderr: r.stderr, json: JSON.parse(r.stdout) as DriftJson };
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kubeprint-drift-'));
    for (const [name, text] of Object.entries(APP)) writeFileSync(join(dir, name), text);
    cp = await startControlPlane();
    await cp.kubectl(['apply', '-k', dir]);
  });
  afterAll(async () => {
    await cp?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('reports nothing right after a clean apply: defaults are not drift', async () => {
    const { code, json, stderr } = await driftJson();
    expect(stderr).toBe('');
    expect(json.drift).toEqual([]);
    expect(json.problems).toEqual([]);
    expect(json.summary.compared).toBe(7);
    // the owner came from the objects' tracking label, and extras were looked for
    expect(json.owners).toEqual(['label app.kubernetes.io/instance=shop']);
    expect(code).toBe(0);
    const table = await drift();
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/^No drift: 7 objects compared with context kubeprint-test/m);
  });

  it('reports exactly the five changes: replicas, an image, a label added in git, a deleted object, an extra object', async () => {
    // the cluster drifts
    await cp.kubectl(['scale', 'deployment/web', '-n', 'shop', '--replicas=3']);
    await cp.kubectl(['set', 'image', 'deployment/worker', '-n', 'shop', 'worker=busybox:1.37']);
    await cp.kubectl(['delete', 'configmap', 'settings', '-n', 'shop']);
    await cp.kubectl(['create', 'configmap', 'stray', '-n', 'shop', '--from-literal=a=b']);
    await cp.kubectl(['label', 'configmap', 'stray', '-n', 'shop', 'app.kubernetes.io/instance=shop']);
    // git moves on: a label the cluster does not have yet
    const service = APP['service.yaml']?.replace('    app: web\n', '    app: web\n    tier: frontend\n') ?? '';
    writeFileSync(join(dir, 'service.yaml'), service);
    const tierLine = service.split('\n').indexOf('    tier: frontend') + 1;

    // near-misses, none of which is drift
    await cp.kubectl(['label', 'deployment/web', '-n', 'shop', 'owner=ops']); // another manager's label: no sync removes it
    const webUid = (await cp.kubectl(['get', 'deployment/web', '-n', 'shop', '-o', 'jsonpath={.metadata.uid}'])).trim();
    await cp.kubectl(
      ['apply', '-f', '-'],
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'List',
        items: [
          {
            apiVersion: 'v1',
            kind: 'ConfigMap',
            metadata: {
              name: 'web-child',
              namespace: 'shop',
              labels: { 'app.kubernetes.io/instance': 'shop' },
              ownerReferences: [
                { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: webUid, controller: true },
              ],
            },
          },
          {
            apiVersion: 'v1',
            kind: 'Endpoints',
            metadata: { name: 'web', namespace: 'shop', labels: { 'app.kubernetes.io/instance': 'shop', app: 'web' } },
          },
          {
            apiVersion: 'v1',
            kind: 'ConfigMap',
            metadata: { name: 'other-app', namespace: 'shop', labels: { 'app.kubernetes.io/instance': 'other' } },
          },
        ],
      }),
    );

    const { code, json } = await driftJson();
    const shown = json.drift.map((e) =>
      e.type === 'changed'
        ? `changed ${e.object.kind} ${e.object.namespace}/${e.object.name} ${e.field} ${e.change} ${JSON.stringify(e.desired)} ${JSON.stringify(e.live)}`
        : e.type === 'extra'
          ? `extra ${e.object.kind} ${e.object.namespace}/${e.object.name} by ${e.owner}`
          : `${e.type} ${e.object.kind} ${e.object.namespace}/${e.object.name}`,
    );
    expect(shown).toEqual([
      'missing ConfigMap shop/settings',
      'changed Deployment shop/web spec.replicas modified 2 3',
      'changed Deployment shop/worker spec.template.spec.containers[name=worker].image modified "busybox:1.36" "busybox:1.37"',
      'changed Service shop/web metadata.labels.tier added "frontend" undefined',
      'extra ConfigMap shop/stray by label app.kubernetes.io/instance=shop',
    ]);
    expect(json.problems).toEqual([]);
    expect(json.summary).toMatchObject({ missing: 1, changed: 3, extra: 1, drift: true });
    expect(code).toBe(1);

    // each change points at the line of the desired file that sets it
    const at = (field: string) => json.drift.find((e) => e.field === field)?.source;
    expect(at('metadata.labels.tier')).toEqual({ file: 'service.yaml', line: tierLine, column: expect.any(Number) });
    expect(at('spec.replicas')?.file).toBe('web.yaml');
    expect(readFileSync(join(dir, 'web.yaml'), 'utf8').split('\n')[(at('spec.replicas')?.line ?? 0) - 1]).toBe(
      '  replicas: 2',
    );
    expect(json.drift.find((e) => e.type === 'missing')?.source?.file).toBe('settings.yaml');

    // the other formats say the same
    const table = await drift();
    expect(table.code).toBe(1);
    expect(table.stdout).toMatch(/^changed\s+Deployment shop\/web\s+spec\.replicas\s+2\s+3\s+web\.yaml:\d+$/m);
    expect(table.stdout).toMatch(/^extra\s+ConfigMap shop\/stray\s+-\s+\(none\)\s+\(object\)\s+tracked by label/m);
    expect(table.stdout).toMatch(/^Drift: 1 missing, 3 changed fields in 3 objects, 1 extra; 7 objects compared/m);
    const md = await drift('-o', 'markdown');
    expect(md.code).toBe(1);
    expect(md.stdout).toContain('| missing | ConfigMap shop/settings |');
    expect(md.stdout.match(/^\| (missing|changed|extra) \|/gm)).toHaveLength(5);
  });

  it('--owner-label names the owner instead of the tracking found on the objects', async () => {
    const { json } = await driftJson('--owner-label', 'app.kubernetes.io/instance=other');
    expect(json.owners).toEqual(['labels app.kubernetes.io/instance=other']);
    expect(json.drift.filter((e) => e.type === 'extra').map((e) => e.object.name)).toEqual(['other-app']);
  });

  it("follows Argo CD's tracking annotation, and with the tool's field manager shows what git no longer sets", async () => {
    const app = mkdtempSync(join(tmpdir(), 'kubeprint-drift-argo-'));
    try {
      const files: Record<string, Record<string, unknown>> = {
        'namespace.yaml': { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'guestbook' } },
        'ui.yaml': {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'guestbook-ui', namespace: 'guestbook' },
          spec: {
            selector: { matchLabels: { app: 'guestbook-ui' } },
            template: {
              metadata: { labels: { app: 'guestbook-ui' } },
              spec: { containers: [{ name: 'ui', image: 'gcr.io/heptio-images/ks-guestbook-demo:0.2' }] },
            },
          },
        },
      };
      for (const [name, o] of Object.entries(files)) writeFileSync(join(app, name), JSON.stringify(o, null, 2));
      // what Argo CD's sync did: its tracking annotation on each object, applied server-side as
      // argocd-controller, when git still had a label it has since dropped
      const tracked = (o: Record<string, unknown>, extraLabels: Record<string, string> = {}) => {
        const md = o.metadata as { name: string; namespace?: string };
        const group = String(o.apiVersion).includes('/') ? String(o.apiVersion).split('/')[0] : '';
        const id = `guestbook:${group}/${String(o.kind)}:${md.namespace ?? ''}/${md.name}`;
        return {
          ...o,
          metadata: { ...md, labels: extraLabels, annotations: { 'argocd.argoproj.io/tracking-id': id } },
        };
      };
      const synced = [
        tracked(files['namespace.yaml'] as Record<string, unknown>),
        tracked(files['ui.yaml'] as Record<string, unknown>, { legacy: 'true' }),
        // an object git no longer has, and one whose annotation was copied from it (not Argo CD's)
        tracked({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'leftover', namespace: 'guestbook' } }),
        {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: {
            name: 'copied',
            namespace: 'guestbook',
            annotations: { 'argocd.argoproj.io/tracking-id': 'guestbook:/ConfigMap:guestbook/leftover' },
          },
        },
      ];
      await cp.kubectl(
        ['apply', '--server-side', '--field-manager=argocd-controller', '-f', '-'],
        JSON.stringify({ apiVersion: 'v1', kind: 'List', items: synced }),
      );
      const run = async (...extra: string[]) => {
        const r = await runCli(['drift', '.', '--cluster', '--kubeconfig', cp.kubeconfig, '-o', 'json', ...extra], {
          cwd: app,
        });
        return { code: r.code, json: JSON.parse(r.stdout) as DriftJson };
      };
      const shown = (j: DriftJson) =>
        j.drift.map((e) =>
          e.type === 'extra'
            ? `extra ${e.object.kind} ${e.object.name} by ${e.owner}`
            : `${e.type} ${e.object.kind} ${e.object.name} ${e.field ?? ''} ${e.change ?? ''}`,
        );

      const plain = await run();
      expect(plain.json.owners).toEqual(['Argo CD Application guestbook (tracking-id)']);
      // kubeprint's own field manager never set the label: dropping it from git is not seen
      expect(shown(plain.json)).toEqual(['extra ConfigMap leftover by Argo CD Application guestbook (tracking-id)']);
      expect(plain.code).toBe(1);

      const asArgo = await run('--field-manager', 'argocd-controller');
      // as Argo CD's manager, the apply would remove the label git dropped; the tracking annotation
      // Argo CD writes itself is no drift
      expect(shown(asArgo.json)).toEqual([
        'changed Deployment guestbook-ui metadata.labels.legacy removed',
        'extra ConfigMap leftover by Argo CD Application guestbook (tracking-id)',
      ]);
    } finally {
      rmSync(app, { recursive: true, force: true });
    }
  });

  it.skipIf(!CRDS.present || REAL_APPS.some((a) => !a.present))(
    'real GitOps repositories: nothing is drift right after they are applied',
    async () => {
      await cp.kubectl(['apply', '--server-side', '-f', join(CRDS.path, 'argo-cd'), '-f', join(CRDS.path, 'flux')]);
      // a CRD's kind is served once it is established
      for (let i = 0; i < 60; i++) {
        const crds = JSON.parse(await cp.kubectl(['get', 'crd', '-o', 'json'])) as {
          items: Array<{ status?: { conditions?: Array<{ type: string; status: string }> } }>;
        };
        const established = crds.items.filter((c) =>
          (c.status?.conditions ?? []).some((x) => x.type === 'Established' && x.status === 'True'),
        );
        if (established.length === crds.items.length) break;
        await new Promise((r) => setTimeout(r, 500));
      }
      const made = new Set<string>();
      const summary: string[] = [];
      for (const [i, app] of REAL_APPS.entries()) {
        const ns = `real-${i}`;
        const loaded = await loadInputs([app.path], { cwd: app.path, helm: { namespace: ns } });
        expect(loaded.problems.filter((p) => p.severity === 'high')).toEqual([]);
        for (const want of [ns, ...loaded.objects.map((o) => o.namespace)]) {
          if (!want || made.has(want)) continue;
          made.add(want);
          await cp.kubectl(['create', 'namespace', want]);
        }
        // applied server-side one by one, as Argo CD (ServerSideApply=true) and Flux do
        for (const o of loaded.objects) {
          const raw = structuredClone(o.raw) as { metadata: { namespace?: string } };
          if (!o.namespace && !CLUSTER_SCOPED.has(o.kind)) raw.metadata.namespace = ns;
          await cp.kubectl(['apply', '--server-side', '--field-manager=gitops', '-f', '-'], JSON.stringify(raw));
        }
        const report = await driftAgainstCluster(loaded.objects, { kubeconfig: cp.kubeconfig, namespace: ns });
        summary.push(
          `${app.rel}: ${report.compared} compared, ${report.entries.length} drift, ${report.problems.length} problems`,
        );
        expect(report.entries, app.rel).toEqual([]);
        expect(report.problems, app.rel).toEqual([]);
        expect(report.compared, app.rel).toBe(loaded.objects.length - report.skipped.length);
      }
      console.log(summary.join('\n'));
    },
    300_000,
  );

  it.skipIf(!CRDS.present || !EXAMPLE_APPS.present)(
    'follows the Applications of a repository to what they deploy, and finds what Argo CD tracks beyond it',
    async () => {
      const repoURL = 'https://github.com/argoproj/argocd-example-apps.git';
      await cp.kubectl(['apply', '--server-side', '-f', join(CRDS.path, 'argo-cd')]);
      for (let i = 0; i < 60; i++) {
        const crds = JSON.parse(await cp.kubectl(['get', 'crd', '-o', 'json'])) as {
          items: Array<{ status?: { conditions?: Array<{ type: string; status: string }> } }>;
        };
        if (
          crds.items.every((c) =>
            (c.status?.conditions ?? []).some((x) => x.type === 'Established' && x.status === 'True'),
          )
        )
          break;
        await new Promise((r) => setTimeout(r, 500));
      }
      // what Argo CD would have synced: every followed object with its tracking id, hooks aside
      const loaded = await loadInputs([EXAMPLE_APPS.path], { cwd: EXAMPLE_APPS.path, gitops: { repoURL } });
      const followed = loaded.objects.filter((o) => o.source?.deployedBy);
      expect(new Set(followed.map((o) => o.source?.deployedBy?.name)).size).toBeGreaterThan(5);
      const existing = new Set((await cp.kubectl(['get', 'namespaces', '-o', 'name'])).split('\n'));
      for (const ns of new Set(loaded.objects.map((o) => o.namespace)))
        if (ns && !existing.has(`namespace/${ns}`)) await cp.kubectl(['create', 'namespace', ns]);
      const hook = (o: (typeof loaded.objects)[number]) => {
        const a = ((o.raw.metadata as { annotations?: Record<string, string> }).annotations ?? {}) as Record<
          string,
          string
        >;
        return a['helm.sh/hook'] !== undefined || a['argocd.argoproj.io/hook'] !== undefined;
      };
      const rejected: string[] = [];
      for (const o of loaded.objects) {
        if (hook(o)) continue;
        const raw = structuredClone(o.raw) as { metadata: { annotations?: Record<string, string> } };
        const by = o.source?.deployedBy;
        if (by) {
          const group = o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : '';
          raw.metadata.annotations = {
            ...raw.metadata.annotations,
            'argocd.argoproj.io/tracking-id': `${by.name}:${group}/${o.kind}:${o.namespace ?? ''}/${o.name}`,
          };
        }
        try {
          await cp.kubectl(
            ['apply', '--server-side', '--field-manager=argocd-controller', '-f', '-'],
            JSON.stringify(raw),
          );
        } catch {
          rejected.push(`${o.kind} ${o.namespace}/${o.name}`);
        }
      }
      // Argo Rollouts' CRD is not installed here
      expect(rejected).toEqual(['Rollout blue-green/blue-green-helm-guestbook']);
      // the cluster drifts: a Service of the sock shop is deleted, a ConfigMap tracked by the guestbook app is added
      await cp.kubectl(['delete', 'service', 'carts-db', '-n', 'sock-shop']);
      await cp.kubectl(
        ['apply', '-f', '-'],
        JSON.stringify({
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: {
            name: 'left-behind',
            namespace: 'guestbook',
            annotations: { 'argocd.argoproj.io/tracking-id': 'example.guestbook:/ConfigMap:guestbook/left-behind' },
          },
        }),
      );

      const r = await runCli(
        ['drift', '.', '--cluster', '--kubeconfig', cp.kubeconfig, '--repo-url', repoURL, '-o', 'json'],
        {
          cwd: EXAMPLE_APPS.path,
        },
      );
      const json = JSON.parse(r.stdout) as DriftJson & { skipped: Array<{ object: { name: string }; reason: string }> };
      expect(
        json.drift.map((e) =>
          e.type === 'extra'
            ? `extra ${e.object.kind} ${e.object.namespace}/${e.object.name} by ${e.owner}`
            : `${e.type} ${e.object.kind} ${e.object.namespace}/${e.object.name}${e.type === 'changed' ? ` ${e.field}` : ''}`,
        ),
      ).toEqual([
        'missing Rollout blue-green/blue-green-helm-guestbook',
        'missing Service sock-shop/carts-db',
        'extra ConfigMap guestbook/left-behind by Argo CD Application example.guestbook (tracking-id)',
      ]);
      // hooks are named, not compared
      expect(json.skipped.length).toBe(loaded.objects.filter(hook).length);
      expect(json.summary.compared).toBe(loaded.objects.length - json.skipped.length);
      // one Application's chart needs a dependency from a chart repository: its desired state is
      // unknown, so the answer is incomplete and the run does not pass
      expect(json.problems.map((p) => `${p.code} ${p.message.slice(0, 20)}`)).toEqual(['INPUT helm template failed']);
      expect(r.code).toBe(2);
    },
    300_000,
  );

  it('an object in an apiVersion the cluster no longer serves is a problem, never also extra', async () => {
    const old = mkdtempSync(join(tmpdir(), 'kubeprint-drift-old-'));
    try {
      const pdb = (apiVersion: string) => ({
        apiVersion,
        kind: 'PodDisruptionBudget',
        metadata: { name: 'web-pdb', namespace: 'shop', labels: { 'app.kubernetes.io/instance': 'shop' } },
        spec: { minAvailable: 1, selector: { matchLabels: { app: 'web' } } },
      });
      await cp.kubectl(['apply', '-f', '-'], JSON.stringify(pdb('policy/v1')));
      writeFileSync(join(old, 'pdb.yaml'), JSON.stringify(pdb('policy/v1beta1')));
      writeFileSync(
        join(old, 'cm.yaml'),
        'apiVersion: v1\nkind: ConfigMap\nmetadata: { name: pdb-notes, namespace: shop, labels: { app.kubernetes.io/instance: shop } }\n',
      );
      const r = await runCli(['drift', '.', '--cluster', '--kubeconfig', cp.kubeconfig, '-o', 'json'], { cwd: old });
      const json = JSON.parse(r.stdout) as DriftJson;
      expect(json.owners).toEqual(['label app.kubernetes.io/instance=shop']);
      expect(json.problems.map((p) => p.code)).toEqual(['NOT_SERVED']);
      expect(json.problems[0]?.message).toMatch(
        /policy\/v1beta1 PodDisruptionBudget is not served by the cluster, which serves PodDisruptionBudget in policy\/v1/,
      );
      // the live policy/v1 copy is the same object: not extra (other objects of the owner are)
      expect(json.drift.filter((e) => e.type === 'extra').map((e) => e.object.name)).not.toContain('web-pdb');
      expect(r.code).toBe(2);
    } finally {
      rmSync(old, { recursive: true, force: true });
    }
  });

  it('exits 2 when the user may read but not dry-run apply: an incomplete comparison does not pass', async () => {
    // may get and list what the app holds, Secrets aside, and patch nothing
    await cp.kubectl([
      'create',
      'clusterrole',
      'drift-reader',
      '--verb=get,list',
      '--resource=deployments.apps,services,configmaps,namespaces,clusterroles.rbac.authorization.k8s.io',
    ]);
    await cp.kubectl([
      'create',
      'clusterrolebinding',
      'drift-viewer',
      '--clusterrole=drift-reader',
      '--user=drift-viewer',
    ]);
    const kubeconfig = cp.userKubeconfig('drift-viewer');
    const r = await runCli(['drift', '.', '--cluster', '--kubeconfig', kubeconfig, '-o', 'json'], { cwd: dir });
    const json = JSON.parse(r.stdout) as DriftJson;
    expect(r.code).toBe(2);
    expect(json.problems.length).toBeGreaterThan(0);
    expect(new Set(json.problems.map((p) => p.code))).toEqual(new Set(['FORBIDDEN']));
    // the Deployment is read, and its dry-run apply refused; the Secret is not even read
    expect(json.problems.map((p) => p.message)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^cannot dry-run apply Deployment shop\/web \(it needs the patch verb\)/),
        expect.stringMatching(/^cannot read Secret shop\/web-token/),
      ]),
    );
    expect(r.stderr).toMatch(/problems? \(listed in the report\): the comparison is incomplete/);
  });

  it('exits 2 when an object cannot be compared, and says which', async () => {
    const bad = mkdtempSync(join(tmpdir(), 'kubeprint-drift-bad-'));
    try {
      writeFileSync(
        join(bad, 'bad.yaml'),
        `apiVersion: v1
kind: ConfigMap
metadata: { name: settings, namespace: shop }
data: { mode: [1, 2] }
---
apiVersion: argoproj.io/v1alpha1
kind: Application
metadata: { name: shop, namespace: argocd }
spec: {}
`,
      );
      const r = await runCli(['drift', '.', '--cluster', '--kubeconfig', cp.kubeconfig, '-o', 'json'], { cwd: bad });
      const json = JSON.parse(r.stdout) as DriftJson;
      // the ConfigMap was deleted above: missing, not rejected (a missing object is not dry-run applied)
      // the Application's CRD is not installed: the cluster cannot hold it
      expect(json.drift.map((e) => `${e.type} ${e.object.kind}`)).toEqual(['missing Application', 'missing ConfigMap']);
      expect(r.code).toBe(1);

      await cp.kubectl(['create', 'configmap', 'settings', '-n', 'shop']);
      const r2 = await runCli(['drift', '.', '--cluster', '--kubeconfig', cp.kubeconfig, '-o', 'json'], { cwd: bad });
      const json2 = JSON.parse(r2.stdout) as DriftJson;
      expect(json2.problems.map((p) => p.code)).toEqual(['REJECTED']);
      expect(json2.problems[0]?.message).toMatch(/ConfigMap shop\/settings/);
      expect(r2.code).toBe(2);
    } finally {
      rmSync(bad, { recursive: true, force: true });
    }
  });
});
