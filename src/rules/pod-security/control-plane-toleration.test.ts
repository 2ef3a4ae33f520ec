import { describe, expect, it } from 'vitest';
import { toKubeObject } from '../../model/kube-object.js';
import { scanObjects } from '../../scan.js';

const tolerateAll = [{ operator: 'Exists' }];
const podSpec = { tolerations: tolerateAll, containers: [{ name: 'c', image: 'ghcr.io/a/b:1' }] };

function severities(raw: Record<string, unknown>): string[] {
  const o = toKubeObject(raw, undefined, 's');
  if (!o) throw new Error('not an object');
  return scanObjects([o], {})
    .findings.filter((f) => f.ruleId === 'control-plane-toleration')
    .map((f) => f.severity);
}

describe('control-plane-toleration severity', () => {
  it('is medium for an application workload', () => {
    expect(
      severities({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'web', namespace: 'shop' },
        spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: podSpec } },
      }),
    ).toEqual(['medium']);
  });

  it('is low for DaemonSets, pods a DaemonSet created, and kube-system add-ons, which tolerate it on purpose', () => {
    expect(
      severities({
        apiVersion: 'apps/v1',
        kind: 'DaemonSet',
        metadata: { name: 'agent', namespace: 'logging' },
        spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: podSpec } },
      }),
    ).toEqual(['low']);
    expect(
      severities({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: {
          name: 'agent-x7k2p',
          namespace: 'logging',
          ownerReferences: [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'agent', uid: 'u', controller: true }],
        },
        spec: podSpec,
      }),
    ).toEqual(['low']);
    expect(
      severities({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'coredns', namespace: 'kube-system' },
        spec: {
          selector: { matchLabels: { a: 'b' } },
          template: {
            metadata: { labels: { a: 'b' } },
            spec: { ...podSpec, tolerations: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] },
          },
        },
      }),
    ).toEqual(['low']);
  });

  it('reports, never fails, on odd tolerations', () => {
    for (const tolerations of ['all', 3, null, [null, 'x', 7, { key: 5, operator: [] }], { operator: 'Exists' }]) {
      const o = toKubeObject(
        { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { ...podSpec, tolerations } },
        undefined,
        's',
      );
      if (!o) throw new Error('not an object');
      const mine = scanObjects([o], {}).findings.filter((f) => f.ruleId === 'control-plane-toleration');
      expect(mine.map((f) => f.message).filter((m) => m.startsWith('rule failed'))).toEqual([]);
    }
  });
});
