import { describe, expect, it } from 'vitest';
import { objectsFromText } from '../sources/file-objects.js';
import {
  allFieldChanges,
  appliedFieldSet,
  applyBody,
  applyChanges,
  autoscaledTargets,
  changedEntries,
  compareMode,
  desiredPointer,
  driftExitCode,
  extraObjects,
  type FieldSet,
  fieldText,
  groupOf,
  identityKey,
  isKubernetesGroup,
  metaOf,
  type ObjectMeta,
  type Owner,
  ownedFieldChanges,
  ownersFromDeployer,
  ownersOf,
  ownerText,
  owns,
  parseLabelPairs,
  pointerOf,
  sortEntries,
  trackingIdApp,
  unionFieldSets,
  withLiveTracking,
} from './drift.js';

/** A Deployment as kube-apiserver v1.36 returns it (defaults filled in). */
function liveDeployment(over: { replicas?: number; image?: string; labels?: Record<string, string> } = {}) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'web',
      namespace: 'shop',
      uid: 'u-1',
      resourceVersion: '206',
      generation: 3,
      labels: over.labels ?? { 'app.kubernetes.io/instance': 'shop' },
    },
    spec: {
      replicas: over.replicas ?? 2,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          containers: [
            {
              name: 'web',
              image: over.image ?? 'nginx:1.27',
              ports: [{ containerPort: 80, protocol: 'TCP' }],
              resources: { limits: { cpu: '500m' } },
              terminationMessagePath: '/dev/termination-log',
              imagePullPolicy: 'IfNotPresent',
            },
          ],
          restartPolicy: 'Always',
          dnsPolicy: 'ClusterFirst',
        },
      },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } },
    },
    status: { replicas: 2 },
  };
}

/** The field set the API server recorded for kubeprint's dry-run apply of DESIRED (below). */
const OWNED: FieldSet = {
  'f:metadata': { 'f:labels': { 'f:app.kubernetes.io/instance': {}, 'f:tier': {} } },
  'f:spec': {
    'f:replicas': {},
    'f:selector': {},
    'f:template': {
      'f:metadata': { 'f:labels': { 'f:app': {} } },
      'f:spec': {
        'f:containers': {
          'k:{"name":"web"}': {
            '.': {},
            'f:image': {},
            'f:name': {},
            'f:ports': { 'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} } },
            'f:resources': { 'f:limits': { 'f:cpu': {} } },
          },
        },
      },
    },
  },
};

const DESIRED = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
  labels:
    app.kubernetes.io/instance: shop
    tier: web
spec:
  replicas: 2
  selector:
    matchLabels: { app: web }
  template:
    metadata:
      labels: { app: web }
    spec:
      containers:
        - name: sidecar
          image: envoy:1.30
        - name: web
          image: nginx:1.27
          ports:
            - containerPort: 80
          resources:
            limits: { cpu: "0.5" }
`;

function desiredObject(text = DESIRED) {
  const r = objectsFromText(text, { file: 'deploy/web.yaml', scope: 'deploy' });
  const o = r.objects[0];
  if (!o) throw new Error('no object');
  return o;
}

describe('ownedFieldChanges (the fields the desired object sets)', () => {
  it('reports the replicas, the image and a label the desired object adds, and nothing the server defaulted', () => {
    const normalised = liveDeployment({ labels: { 'app.kubernetes.io/instance': 'shop', tier: 'web', extra: 'yes' } });
    const live = liveDeployment({
      replicas: 3,
      image: 'nginx:1.28',
      labels: { 'app.kubernetes.io/instance': 'shop', extra: 'yes' },
    });
    const changes = ownedFieldChanges(OWNED, normalised, live);
    expect(changes.map((c) => [fieldText(c.segments), c.change, c.desired, c.live])).toEqual([
      ['metadata.labels.tier', 'added', 'web', undefined],
      ['spec.replicas', 'modified', 2, 3],
      ['spec.template.spec.containers[name=web].image', 'modified', 'nginx:1.27', 'nginx:1.28'],
    ]);
  });

  it('is empty when the cluster holds what the desired object sets (defaults and other managers\u2019 labels are not drift)', () => {
    const normalised = liveDeployment({ labels: { 'app.kubernetes.io/instance': 'shop', tier: 'web', extra: 'yes' } });
    expect(ownedFieldChanges(OWNED, normalised, structuredClone(normalised))).toEqual([]);
  });

  it('reports a whole element once, at its key, when the cluster lacks it', () => {
    const owned: FieldSet = {
      'f:spec': {
        'f:template': {
          'f:spec': { 'f:containers': { 'k:{"name":"sidecar"}': { '.': {}, 'f:image': {}, 'f:name': {} } } },
        },
      },
    };
    const normalised = liveDeployment();
    normalised.spec.template.spec.containers.unshift({ name: 'sidecar', image: 'envoy:1.30' } as never);
    const changes = ownedFieldChanges(owned, normalised, liveDeployment());
    expect(changes).toHaveLength(1);
    expect(changes[0]?.change).toBe('added');
    expect(fieldText(changes[0]?.segments ?? [])).toBe('spec.template.spec.containers[name=sidecar]');
    expect(pointerOf(changes[0]?.segments ?? [])).toBe('/spec/template/spec/containers/0');
  });

  it('reports a field the same manager applied before and the desired object no longer sets as removed', () => {
    const before: FieldSet = { 'f:metadata': { 'f:labels': { 'f:old': {} } } };
    const now: FieldSet = { 'f:metadata': { 'f:labels': { 'f:app.kubernetes.io/instance': {} } } };
    const live = liveDeployment({ labels: { 'app.kubernetes.io/instance': 'shop', old: 'x' } });
    const normalised = liveDeployment();
    const changes = ownedFieldChanges(unionFieldSets(now, before), normalised, live);
    expect(changes.map((c) => [fieldText(c.segments), c.change, c.live])).toEqual([
      ['metadata.labels.old', 'removed', 'x'],
    ]);
  });

  it('compares set elements (v:) and positions (i:), and ignores malformed keys', () => {
    const owned: FieldSet = {
      'f:metadata': { 'f:finalizers': { 'v:"a/b"': {} } },
      'f:spec': { 'f:args': { 'i:1': {} }, 'f:list': { 'k:{bad': {} } },
    };
    const norm = { metadata: { finalizers: ['a/b'] }, spec: { args: ['x', 'y'], list: [] } };
    const live = { metadata: { finalizers: [] }, spec: { args: ['x', 'z'], list: [] } };
    const changes = ownedFieldChanges(owned, norm, live);
    expect(changes.map((c) => [fieldText(c.segments), c.change])).toEqual([
      ['metadata.finalizers[="a/b"]', 'added'],
      ['spec.args[1]', 'modified'],
    ]);
  });

  it('never reports status or server-owned metadata, even when a field set names them', () => {
    const owned: FieldSet = {
      'f:status': { 'f:replicas': {} },
      'f:metadata': { 'f:resourceVersion': {}, 'f:generation': {} },
    };
    const changes = ownedFieldChanges(owned, liveDeployment(), {
      ...liveDeployment(),
      status: { replicas: 9 },
      metadata: { generation: 9 },
    });
    expect(changes).toEqual([]);
  });

  it('survives odd shapes: a string where a map is expected, null, numbers', () => {
    const owned: FieldSet = { 'f:spec': { 'f:template': { 'f:spec': {} } }, 'f:data': { 'f:x': {} } };
    expect(() => ownedFieldChanges(owned, { spec: 'x', data: null }, { spec: 3, data: [1] })).not.toThrow();
    expect(ownedFieldChanges(owned, { spec: 'x' }, { spec: 3 }).map((c) => c.change)).toEqual(['modified']);
  });
});

describe('appliedFieldSet and unionFieldSets', () => {
  it('takes the Apply entry of the manager on the main resource only', () => {
    const raw = {
      metadata: {
        managedFields: [
          { manager: 'kubeprint', operation: 'Update', fieldsV1: { 'f:a': {} } },
          { manager: 'kubeprint', operation: 'Apply', subresource: 'status', fieldsV1: { 'f:status': {} } },
          { manager: 'kubeprint', operation: 'Apply', fieldsV1: { 'f:spec': {} } },
        ],
      },
    };
    expect(appliedFieldSet(raw, 'kubeprint')).toEqual({ 'f:spec': {} });
    expect(appliedFieldSet(raw, 'kustomize-controller')).toBeUndefined();
    expect(appliedFieldSet({ metadata: { managedFields: 'x' } }, 'kubeprint')).toBeUndefined();
  });

  it('merges nested sets', () => {
    expect(unionFieldSets({ 'f:a': { 'f:b': {} } }, { 'f:a': { 'f:c': {} }, 'f:d': {} })).toEqual({
      'f:a': { 'f:b': {}, 'f:c': {} },
      'f:d': {},
    });
  });
});

describe('allFieldChanges (a server that records no field set)', () => {
  it('matches named list elements by name and leaves status and bookkeeping out', () => {
    const norm = liveDeployment();
    const live = liveDeployment({ image: 'nginx:1.28' });
    (live.metadata as Record<string, unknown>).annotations = { 'deployment.kubernetes.io/revision': '2' };
    live.status = { replicas: 5 };
    live.metadata.resourceVersion = '999';
    expect(allFieldChanges(norm, live).map((c) => fieldText(c.segments))).toEqual([
      'spec.template.spec.containers[name=web].image',
    ]);
  });

  it('takes a list of another length as one change', () => {
    const c = allFieldChanges({ spec: { args: ['a'] } }, { spec: { args: ['a', 'b'] } });
    expect(c.map((x) => [fieldText(x.segments), x.change])).toEqual([['spec.args', 'modified']]);
  });
});

describe('desiredPointer and fieldText', () => {
  it('finds the element as written, without the key fields the server defaulted', () => {
    const o = desiredObject();
    const segs = ownedFieldChanges(
      {
        'f:spec': {
          'f:template': {
            'f:spec': {
              'f:containers': {
                'k:{"name":"web"}': {
                  'f:ports': { 'k:{"containerPort":80,"protocol":"TCP"}': { 'f:containerPort': {} } },
                },
              },
            },
          },
        },
      },
      {
        spec: {
          template: { spec: { containers: [{ name: 'web', ports: [{ containerPort: 80, protocol: 'TCP' }] }] } },
        },
      },
      {
        spec: {
          template: { spec: { containers: [{ name: 'web', ports: [{ containerPort: 81, protocol: 'TCP' }] }] } },
        },
      },
    );
    // the live port 81 is another element: the desired one is missing there
    expect(segs.map((c) => c.change)).toEqual(['added']);
    // in the file the container is the second one, and its port names no protocol
    expect(desiredPointer(o.raw, segs[0]?.segments ?? [])).toBe('/spec/template/spec/containers/1/ports/0');
  });

  it('stops at the nearest parent the desired object has', () => {
    const o = desiredObject();
    const segs = [
      { $case: 'field', name: 'metadata' },
      { $case: 'field', name: 'labels' },
      { $case: 'field', name: 'old' },
    ] as const;
    expect(desiredPointer(o.raw, [...segs])).toBe('/metadata/labels');
  });

  it('quotes keys that are not plain names and escapes pointers', () => {
    const segs = [
      { $case: 'field', name: 'metadata' },
      { $case: 'field', name: 'labels' },
      { $case: 'field', name: 'app.kubernetes.io/name' },
    ] as const;
    expect(fieldText([...segs])).toBe('metadata.labels["app.kubernetes.io/name"]');
    expect(pointerOf([...segs])).toBe('/metadata/labels/app.kubernetes.io~1name');
  });
});

describe('changedEntries', () => {
  it('points each change at its line in the desired file', () => {
    const o = desiredObject();
    const normalised = liveDeployment({ labels: { 'app.kubernetes.io/instance': 'shop', tier: 'web' } });
    const live = liveDeployment({ replicas: 3, image: 'nginx:1.28' });
    const entries = changedEntries(
      o,
      { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'shop', name: 'web' },
      ownedFieldChanges(OWNED, normalised, live),
    );
    expect(entries.map((e) => [e.field, e.path, e.source?.file, e.source?.line])).toEqual([
      ['metadata.labels.tier', '/metadata/labels/tier', 'deploy/web.yaml', 8],
      ['spec.replicas', '/spec/replicas', 'deploy/web.yaml', 10],
      [
        'spec.template.spec.containers[name=web].image',
        '/spec/template/spec/containers/1/image',
        'deploy/web.yaml',
        21,
      ],
    ]);
  });

  it('hides Secret values', () => {
    const o = desiredObject(
      'apiVersion: v1\nkind: Secret\nmetadata: { name: s, namespace: shop }\ndata:\n  token: YQ==\n',
    );
    const entries = changedEntries(
      o,
      { apiVersion: 'v1', kind: 'Secret', namespace: 'shop', name: 's' },
      ownedFieldChanges({ 'f:data': { 'f:token': {} } }, { data: { token: 'YQ==' } }, { data: { token: 'Yg==' } }),
    );
    expect(entries).toHaveLength(1);
    expect(entries[0]?.redacted).toBe(true);
    expect(JSON.stringify(entries)).not.toContain('YQ==');
    expect(JSON.stringify(entries)).not.toContain('Yg==');
    expect(entries[0]?.source?.line).toBe(5);
  });
});

describe('applyBody', () => {
  it('drops what the server owns, sets the namespace as kubectl does, folds stringData into data', () => {
    const raw = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 's', resourceVersion: '1', uid: 'x', managedFields: [], creationTimestamp: 'now' },
      data: { a: 'YQ==' },
      stringData: { b: 'hello', a: 'x' },
      status: {},
    };
    const body = applyBody(raw, { namespaced: true, namespace: 'shop' });
    expect(body).toEqual({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 's', namespace: 'shop' },
      data: { a: Buffer.from('x').toString('base64'), b: Buffer.from('hello').toString('base64') },
    });
    // the input is not changed
    expect(raw.stringData).toEqual({ b: 'hello', a: 'x' });
  });

  it('removes a namespace from a cluster-scoped object and keeps one a namespaced object names', () => {
    expect(
      applyBody({ kind: 'ClusterRole', metadata: { name: 'r', namespace: 'x' } }, { namespaced: false, namespace: 'd' })
        .metadata,
    ).toEqual({ name: 'r' });
    expect(applyBody({ kind: 'ConfigMap', metadata: 'odd' }, { namespaced: true, namespace: 'd' }).metadata).toEqual({
      namespace: 'd',
    });
  });
});

describe('compareMode', () => {
  const withAnnotations = (annotations: Record<string, string>) => ({ metadata: { annotations } });
  it('skips hooks and what Flux is told to leave alone; IfNotPresent is create-only', () => {
    expect(compareMode(withAnnotations({ 'helm.sh/hook': 'pre-install' }))).toMatchObject({
      skip: expect.stringContaining('Helm hook'),
    });
    expect(compareMode(withAnnotations({ 'argocd.argoproj.io/hook': 'PreSync' }))).toMatchObject({
      skip: expect.stringContaining('Argo CD hook'),
    });
    expect(compareMode(withAnnotations({ 'kustomize.toolkit.fluxcd.io/reconcile': 'disabled' }))).toHaveProperty(
      'skip',
    );
    expect(compareMode(withAnnotations({ 'kustomize.toolkit.fluxcd.io/ssa': 'Ignore' }))).toHaveProperty('skip');
    expect(compareMode(withAnnotations({ 'kustomize.toolkit.fluxcd.io/ssa': 'IfNotPresent' }))).toBe('create-only');
  });
  it('compares everything else, odd metadata included', () => {
    expect(compareMode(withAnnotations({ 'kustomize.toolkit.fluxcd.io/ssa': 'Override', 'helm.sh/hook': '' }))).toBe(
      'compare',
    );
    expect(compareMode({ metadata: 'x' })).toBe('compare');
    expect(compareMode({})).toBe('compare');
  });
});

describe('autoscaledTargets', () => {
  it('names the objects an HPA or a KEDA ScaledObject scales, in its namespace', () => {
    const t = autoscaledTargets([
      {
        raw: { spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' } } },
        identity: { group: 'autoscaling', kind: 'HorizontalPodAutoscaler', namespace: 'shop', name: 'web' },
      },
      {
        raw: { spec: { scaleTargetRef: { name: 'worker' } } },
        identity: { group: 'keda.sh', kind: 'ScaledObject', namespace: 'shop', name: 'w' },
      },
      {
        raw: { spec: { scaleTargetRef: 'odd' } },
        identity: { group: 'autoscaling', kind: 'HorizontalPodAutoscaler', namespace: 'shop', name: 'x' },
      },
      {
        raw: { spec: { scaleTargetRef: { name: 'db' } } },
        identity: { group: 'autoscaling', kind: 'HorizontalPodAutoscaler', namespace: 'shop', name: 'y' },
      },
    ]);
    expect([...t.keys()].sort()).toEqual([
      identityKey({ group: 'apps', kind: 'Deployment', namespace: 'shop', name: 'web' }),
      identityKey({ group: 'apps', kind: 'Deployment', namespace: 'shop', name: 'worker' }),
    ]);
  });
});

describe('owners', () => {
  const meta = (over: Partial<ObjectMeta>): ObjectMeta => ({
    group: 'apps',
    kind: 'Deployment',
    namespace: 'shop',
    name: 'web',
    labels: {},
    annotations: {},
    ownerReferences: 0,
    ...over,
  });

  it('reads Argo CD tracking ids only when they name the object itself', () => {
    const id = 'guestbook:apps/Deployment:shop/web';
    expect(trackingIdApp(meta({ annotations: { 'argocd.argoproj.io/tracking-id': id } }))).toBe('guestbook');
    // copied onto another object: Argo CD does not take it as its own
    expect(
      trackingIdApp(meta({ name: 'copy', annotations: { 'argocd.argoproj.io/tracking-id': id } })),
    ).toBeUndefined();
    expect(trackingIdApp(meta({ annotations: { 'argocd.argoproj.io/tracking-id': 'guestbook' } }))).toBeUndefined();
    // core group and cluster-scoped objects
    expect(
      trackingIdApp(
        meta({ group: '', kind: 'Service', annotations: { 'argocd.argoproj.io/tracking-id': 'a:/Service:shop/web' } }),
      ),
    ).toBe('a');
    expect(
      trackingIdApp(
        meta({
          group: 'rbac.authorization.k8s.io',
          kind: 'ClusterRole',
          namespace: undefined,
          annotations: { 'argocd.argoproj.io/tracking-id': 'a:rbac.authorization.k8s.io/ClusterRole:/web' },
        }),
      ),
    ).toBe('a');
  });

  it('names the owners of an object: Flux, Helm, Argo CD; the instance label only when nothing else tracks it', () => {
    const flux = meta({
      labels: {
        'kustomize.toolkit.fluxcd.io/name': 'apps',
        'kustomize.toolkit.fluxcd.io/namespace': 'flux-system',
        'app.kubernetes.io/instance': 'web',
      },
    });
    expect(ownersOf(flux).map(ownerText)).toEqual(['Flux Kustomization flux-system/apps']);
    const hr = meta({
      labels: {
        'helm.toolkit.fluxcd.io/name': 'web',
        'helm.toolkit.fluxcd.io/namespace': 'shop',
        'app.kubernetes.io/managed-by': 'Helm',
      },
      annotations: { 'meta.helm.sh/release-name': 'web', 'meta.helm.sh/release-namespace': 'shop' },
    });
    expect(ownersOf(hr).map(ownerText)).toEqual(['Flux HelmRelease shop/web', 'Helm release shop/web']);
    expect(ownersOf(meta({ labels: { 'app.kubernetes.io/instance': 'guestbook' } })).map(ownerText)).toEqual([
      'label app.kubernetes.io/instance=guestbook',
    ]);
    expect(ownersOf(meta({ labels: { 'kustomize.toolkit.fluxcd.io/name': 'apps' } }))).toEqual([]);
  });

  it('decides what an owner claims', () => {
    const instance: Owner = { $case: 'instance-label', value: 'guestbook' };
    expect(owns(instance, meta({ labels: { 'app.kubernetes.io/instance': 'guestbook' } }))).toBe(true);
    // tracked by annotation for another app: the label does not make it ours
    expect(
      owns(
        instance,
        meta({
          labels: { 'app.kubernetes.io/instance': 'guestbook' },
          annotations: { 'argocd.argoproj.io/tracking-id': 'other:apps/Deployment:shop/web' },
        }),
      ),
    ).toBe(false);
    const helm: Owner = { $case: 'helm-release', namespace: 'shop', name: 'web' };
    expect(
      owns(
        helm,
        meta({ annotations: { 'meta.helm.sh/release-name': 'web', 'meta.helm.sh/release-namespace': 'other' } }),
      ),
    ).toBe(false);
    const labels: Owner = { $case: 'labels', labels: { team: 'a', app: 'b' } };
    expect(owns(labels, meta({ labels: { team: 'a' } }))).toBe(false);
    expect(owns(labels, meta({ labels: { team: 'a', app: 'b', x: 'y' } }))).toBe(true);
  });

  it('finds extra objects: not desired, not a child, not an excluded kind, hook or IgnoreExtraneous', () => {
    const owner: Owner = { $case: 'instance-label', value: 'shop' };
    const tracked = { 'app.kubernetes.io/instance': 'shop' };
    const c = (over: Partial<ObjectMeta> & { apiVersion?: string }) => ({
      apiVersion: 'v1',
      ...meta({ group: '', kind: 'ConfigMap', labels: tracked, ...over }),
    });
    const desired = new Set([identityKey({ group: '', kind: 'ConfigMap', namespace: 'shop', name: 'settings' })]);
    const extras = extraObjects(
      desired,
      [
        c({ name: 'settings' }),
        c({ name: 'stray' }),
        c({ name: 'stray' }), // listed twice (two owners' lists): once
        c({ name: 'child', ownerReferences: 1 }),
        c({ kind: 'Endpoints', name: 'web' }),
        c({ apiVersion: 'discovery.k8s.io/v1', group: 'discovery.k8s.io', kind: 'EndpointSlice', name: 'web-abc' }),
        c({ name: 'hook', annotations: { 'helm.sh/hook': 'test' } }),
        c({
          name: 'ignored',
          annotations: { 'argocd.argoproj.io/compare-options': 'ServerSideDiff=true,IgnoreExtraneous' },
        }),
        c({ name: 'other', labels: { 'app.kubernetes.io/instance': 'other' } }),
        c({
          apiVersion: 'rbac.authorization.k8s.io/v1',
          group: 'rbac.authorization.k8s.io',
          kind: 'ClusterRole',
          namespace: undefined,
          name: 'r',
        }),
      ],
      [owner],
    );
    expect(extras).toEqual([
      {
        type: 'extra',
        object: { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'shop', name: 'stray' },
        owner: 'label app.kubernetes.io/instance=shop',
      },
      {
        type: 'extra',
        object: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', name: 'r' },
        owner: 'label app.kubernetes.io/instance=shop',
      },
    ]);
  });
});

describe('small pieces', () => {
  it('parses --owner-label pairs', () => {
    expect(parseLabelPairs(['a=b', 'example.com/team=x,c=', 'bad', '=v'])).toEqual({
      labels: { a: 'b', 'example.com/team': 'x', c: '' },
      bad: ['bad', '=v'],
    });
  });

  it('reads metadata of odd shapes without throwing', () => {
    expect(
      metaOf(
        { metadata: { name: 3, labels: 'x', annotations: { a: 1, b: 'c' }, ownerReferences: {} } },
        'v1',
        'ConfigMap',
      ),
    ).toEqual({
      group: '',
      kind: 'ConfigMap',
      namespace: undefined,
      name: '',
      labels: {},
      annotations: { b: 'c' },
      ownerReferences: 0,
    });
    expect(groupOf('networking.k8s.io/v1')).toBe('networking.k8s.io');
  });

  it('exits 2 on problems, 1 on drift, 0 otherwise; sorts missing, changed, extra', () => {
    const ref = { apiVersion: 'v1', kind: 'ConfigMap', namespace: 'a', name: 'b' };
    expect(driftExitCode({ entries: [], problems: [] })).toBe(0);
    expect(driftExitCode({ entries: [{ type: 'missing', object: ref }], problems: [] })).toBe(1);
    expect(
      driftExitCode({ entries: [{ type: 'missing', object: ref }], problems: [{ code: 'FORBIDDEN', message: 'x' }] }),
    ).toBe(2);
    const sorted = sortEntries([
      { type: 'extra', object: ref, owner: 'o' },
      {
        type: 'changed',
        object: ref,
        path: '/b',
        field: 'b',
        change: 'added',
        source: { file: 'f', line: 9, column: 1 },
      },
      {
        type: 'changed',
        object: ref,
        path: '/a',
        field: 'a',
        change: 'added',
        source: { file: 'f', line: 3, column: 1 },
      },
      { type: 'missing', object: ref },
    ]);
    expect(sorted.map((e) => (e.type === 'changed' ? e.field : e.type))).toEqual(['missing', 'a', 'b', 'extra']);
  });
});

describe('ownedFieldChanges where the cluster lacks a whole map', () => {
  it('reports each desired key of it, not the map', () => {
    const owned: FieldSet = { 'f:metadata': { 'f:annotations': { 'f:a': {}, 'f:b': {} } } };
    const changes = ownedFieldChanges(owned, { metadata: { annotations: { a: '1', b: '2' } } }, { metadata: {} });
    expect(changes.map((c) => [fieldText(c.segments), c.change])).toEqual([
      ['metadata.annotations.a', 'added'],
      ['metadata.annotations.b', 'added'],
    ]);
  });
});

describe('withLiveTracking', () => {
  it('carries the tracking a GitOps tool wrote in the cluster into the apply body, never over what the body sets', () => {
    const body = { metadata: { name: 'web', labels: { 'app.kubernetes.io/managed-by': 'kustomize' } } };
    const live = {
      metadata: {
        labels: {
          'app.kubernetes.io/managed-by': 'Helm',
          'kustomize.toolkit.fluxcd.io/name': 'apps',
          'kustomize.toolkit.fluxcd.io/namespace': 'flux-system',
          someone: 'else',
        },
        annotations: { 'argocd.argoproj.io/tracking-id': 'a:apps/Deployment:shop/web', note: 'x' },
      },
    };
    expect(withLiveTracking(body, live)).toEqual({
      metadata: {
        name: 'web',
        labels: {
          'app.kubernetes.io/managed-by': 'kustomize',
          'kustomize.toolkit.fluxcd.io/name': 'apps',
          'kustomize.toolkit.fluxcd.io/namespace': 'flux-system',
        },
        annotations: { 'argocd.argoproj.io/tracking-id': 'a:apps/Deployment:shop/web' },
      },
    });
  });

  it('leaves the body alone when the live copy has no tracking or odd metadata', () => {
    expect(withLiveTracking({ metadata: { name: 'a' } }, { metadata: { labels: 'x' } })).toEqual({
      metadata: { name: 'a' },
    });
    expect(withLiveTracking({ metadata: 'odd' }, {})).toEqual({ metadata: {} });
  });
});

describe('applyChanges', () => {
  const live = {
    metadata: {
      name: 'guestbook',
      annotations: { 'argocd.argoproj.io/tracking-id': 'guestbook:/Namespace:/guestbook', note: 'kept' },
      managedFields: [
        {
          manager: 'argocd-controller',
          operation: 'Apply',
          fieldsV1: { 'f:metadata': { 'f:annotations': { 'f:argocd.argoproj.io/tracking-id': {} }, 'f:labels': {} } },
        },
      ],
    },
  };

  it("uses the manager's old field set when the apply leaves it none (its entry is gone from the result)", () => {
    const normalised = { metadata: { name: 'guestbook', annotations: { note: 'kept' }, managedFields: [] } };
    expect(applyChanges(normalised, live, 'argocd-controller').map((c) => [fieldText(c.segments), c.change])).toEqual([
      ['metadata.annotations["argocd.argoproj.io/tracking-id"]', 'removed'],
    ]);
    // another manager applied nothing and owned nothing: nothing to compare
    expect(applyChanges(normalised, live, 'kubeprint')).toEqual([]);
  });

  it('compares whole objects only when the server keeps no managedFields', () => {
    const normalised = { metadata: { name: 'guestbook' } };
    expect(applyChanges(normalised, { metadata: { name: 'guestbook', labels: { a: 'b' } } }, 'kubeprint')).toHaveLength(
      1,
    );
  });
});

describe('isKubernetesGroup', () => {
  it("tells Kubernetes' own groups from those of CRDs", () => {
    for (const g of [
      '',
      'apps',
      'extensions',
      'networking.k8s.io',
      'gateway.networking.k8s.io',
      'metrics.k8s.io',
      'x.kubernetes.io',
    ])
      expect(isKubernetesGroup(g), g).toBe(true);
    for (const g of ['argoproj.io', 'cert-manager.io', 'k8s.io.example.com', 'notk8s.io'])
      expect(isKubernetesGroup(g), g).toBe(false);
  });
});

describe('ownersFromDeployer', () => {
  it('names the tracking of what an Application, Kustomization or HelmRelease deploys', () => {
    const app = (namespace?: string) => ({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      name: 'guestbook',
      ...(namespace ? { namespace } : {}),
    });
    expect(ownersFromDeployer(app('argocd')).map(ownerText)).toEqual(['Argo CD Application guestbook (tracking-id)']);
    expect(ownersFromDeployer(app()).map(ownerText)).toEqual(['Argo CD Application guestbook (tracking-id)']);
    // Applications in any namespace: Argo CD names them namespace_name
    expect(ownersFromDeployer(app('team-a')).map(ownerText)).toEqual([
      'Argo CD Application team-a_guestbook (tracking-id)',
    ]);
    expect(
      ownersFromDeployer({
        apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
        kind: 'Kustomization',
        namespace: 'flux-system',
        name: 'apps',
      }).map(ownerText),
    ).toEqual(['Flux Kustomization flux-system/apps']);
    expect(
      ownersFromDeployer({
        apiVersion: 'helm.toolkit.fluxcd.io/v2',
        kind: 'HelmRelease',
        namespace: 'shop',
        name: 'web',
      }).map(ownerText),
    ).toEqual(['Flux HelmRelease shop/web']);
    // kustomize's own Kustomization, another group's Application, nothing
    expect(
      ownersFromDeployer({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', name: 'x' }),
    ).toEqual([]);
    expect(ownersFromDeployer({ apiVersion: 'app.k8s.io/v1beta1', kind: 'Application', name: 'x' })).toEqual([]);
    expect(ownersFromDeployer(undefined)).toEqual([]);
  });
});
