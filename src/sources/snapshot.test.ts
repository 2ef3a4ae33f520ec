import { describe, expect, it } from 'vitest';
import { KubeprintError } from '../errors.js';
import { SNAPSHOT_KIND, snapshotObjects } from './snapshot.js';

const pod = (name: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'a', uid: `u-${name}`, ...extra },
  spec: { containers: [{ name: 'c', image: 'nginx' }] },
});

describe('snapshotObjects', () => {
  it('reads kubectl get -A -o json output, nested Lists flattened, scope = the file', () => {
    const list = {
      apiVersion: 'v1',
      kind: 'List',
      items: [pod('p1'), { apiVersion: 'v1', kind: 'List', items: [pod('p2')] }, { kind: 'NoApiVersion' }],
    };
    const got = snapshotObjects(JSON.stringify(list), 'dump.json');
    expect(got.objects.map((o) => `${o.kind}/${o.namespace}/${o.name}`)).toEqual(['Pod/a/p1', 'Pod/a/p2']);
    expect(got.scope).toBe('dump.json');
    expect(got.objects[0]?.source).toBeUndefined();
  });

  it('reads its own snapshots with their context as scope and their skipped kinds', () => {
    const snap = {
      apiVersion: 'kubeprint.dev/v1alpha1',
      kind: SNAPSHOT_KIND,
      metadata: { context: 'prod', server: 'https://x', takenAt: '2026-01-01T00:00:00Z' },
      skipped: [{ kind: 'Secret', group: '', reason: 'forbidden by RBAC' }],
      items: [
        { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'r', namespace: 'a', uid: 'rs' } },
        pod('owned', { ownerReferences: [{ kind: 'ReplicaSet', uid: 'rs', controller: true }] }),
      ],
    };
    const got = snapshotObjects(JSON.stringify(snap), 's.json');
    expect(got.scope).toBe('prod');
    expect(got.skipped).toHaveLength(1);
    expect(got.objects.map((o) => o.name)).toEqual(['r']);
    expect(got.owned).toBe(1);
    expect(snapshotObjects(JSON.stringify(snap), 's.json', { includeOwned: true }).objects).toHaveLength(2);
  });

  it('rejects what is neither', () => {
    const code = (text: string) => {
      try {
        snapshotObjects(text, 'x');
        return 'ok';
      } catch (e) {
        return e instanceof KubeprintError ? e.code : 'other';
      }
    };
    expect(code('{not json')).toBe('INPUT_INVALID');
    expect(code(JSON.stringify(pod('p')))).toBe('INPUT_INVALID');
    expect(code('[]')).toBe('INPUT_INVALID');
  });
});
