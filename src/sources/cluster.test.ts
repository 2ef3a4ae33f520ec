import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KubeprintError } from '../errors.js';
import { WORKLOAD_KINDS } from '../model/workload.js';
import { RULES } from '../rules/registry.js';
import { readCluster, resourcesFromDiscovery, WANTED_KINDS, withoutOwned } from './cluster.js';

const BUILT_IN_GROUPS = new Set(['', 'apps', 'batch', 'policy', 'autoscaling', 'networking.k8s.io']);

describe('WANTED_KINDS', () => {
  it('covers every kind a rule applies to', () => {
    const wanted = new Set(WANTED_KINDS.map((w) => w.kind));
    const named = new Set<string>(WORKLOAD_KINDS);
    for (const r of RULES) if (Array.isArray(r.appliesTo)) for (const k of r.appliesTo) named.add(k);
    // configuration files of control-plane components that rules judge, which no API server serves
    const fileOnly = new Set(['EncryptionConfiguration']);
    const missing = [...named].filter((k) => !wanted.has(k) && !fileOnly.has(k));
    expect(missing).toEqual([]);
  });

  it('names each group/kind once', () => {
    const keys = WANTED_KINDS.map((w) => `${w.group}/${w.kind}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(WANTED_KINDS.some((w) => BUILT_IN_GROUPS.has(w.group) && w.kind === 'Deployment')).toBe(true);
  });
});

describe('resourcesFromDiscovery', () => {
  it('keeps wanted, listable resources and drops subresources and other kinds', () => {
    const got = resourcesFromDiscovery([
      {
        groupVersion: 'v1',
        resources: [
          { name: 'pods', kind: 'Pod', namespaced: true, verbs: ['get', 'list', 'watch'] },
          { name: 'pods/status', kind: 'Pod', namespaced: true, verbs: ['get'] },
          { name: 'events', kind: 'Event', namespaced: true, verbs: ['list'] },
          { name: 'namespaces', kind: 'Namespace', namespaced: false, verbs: ['list'] },
        ],
      },
      {
        groupVersion: 'crd.projectcalico.org/v1',
        resources: [{ name: 'networkpolicies', kind: 'NetworkPolicy', namespaced: true, verbs: ['list'] }],
      },
      {
        groupVersion: 'example.com/v1',
        resources: [{ name: 'networkpolicies', kind: 'NetworkPolicy', namespaced: true, verbs: ['list'] }],
      },
      {
        groupVersion: 'rbac.authorization.k8s.io/v1',
        resources: [{ name: 'clusterroles', kind: 'ClusterRole', namespaced: false, verbs: ['get'] }],
      },
    ]);
    expect(got).toEqual([
      { group: '', version: 'v1', resource: 'pods', kind: 'Pod', namespaced: true },
      { group: '', version: 'v1', resource: 'namespaces', kind: 'Namespace', namespaced: false },
      {
        group: 'crd.projectcalico.org',
        version: 'v1',
        resource: 'networkpolicies',
        kind: 'NetworkPolicy',
        namespaced: true,
      },
    ]);
  });
});

describe('withoutOwned', () => {
  const dep = { kind: 'Deployment', metadata: { name: 'web', uid: 'd1' } };
  const rs = {
    kind: 'ReplicaSet',
    metadata: { name: 'web-1', uid: 'r1', ownerReferences: [{ kind: 'Deployment', uid: 'd1', controller: true }] },
  };
  const pod = {
    kind: 'Pod',
    metadata: { name: 'web-1-a', uid: 'p1', ownerReferences: [{ kind: 'ReplicaSet', uid: 'r1', controller: true }] },
  };
  const orphan = {
    kind: 'Pod',
    metadata: { name: 'x', uid: 'p2', ownerReferences: [{ kind: 'ReplicaSet', uid: 'gone', controller: true }] },
  };
  const notController = {
    kind: 'Pod',
    metadata: { name: 'y', uid: 'p3', ownerReferences: [{ kind: 'ReplicaSet', uid: 'r1' }] },
  };

  it('sets aside objects whose controlling owner was read, keeps the rest', () => {
    const kept = withoutOwned([dep, rs, pod, orphan, notController]);
    expect(kept.map((o) => (o.metadata as { name: string }).name)).toEqual(['web', 'x', 'y']);
  });
});

describe('readCluster errors', () => {
  let dir: string;
  let silent: Server;
  let silentPort = 0;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kubeprint-kc-'));
    // accepts connections and never answers: a server that hangs
    silent = createServer(() => {});
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
    const a = silent.address();
    silentPort = typeof a === 'object' && a ? a.port : 0;
  });
  afterAll(() => {
    silent.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const kubeconfig = (server: string) => {
    const f = join(dir, `kc-${Math.random().toString(36).slice(2)}`);
    writeFileSync(
      f,
      `apiVersion: v1
kind: Config
clusters: [{name: c, cluster: {server: "${server}", insecure-skip-tls-verify: true}}]
users: [{name: u, user: {token: abc}}]
contexts: [{name: one, context: {cluster: c, user: u}}]
current-context: one
`,
    );
    return f;
  };

  const codeOf = async (p: Promise<unknown>) =>
    p.then(
      () => 'resolved',
      (e: unknown) => (e instanceof KubeprintError ? e.code : String(e)),
    );

  it('reports a missing kubeconfig as a usage error', async () => {
    expect(await codeOf(readCluster({ kubeconfig: join(dir, 'nope') }))).toBe('USAGE');
    expect(await codeOf(readCluster({ env: { HOME: dir } }))).toBe('USAGE');
    expect(await codeOf(readCluster({ env: { KUBECONFIG: join(dir, 'a:b') } }))).toBe('USAGE');
  });

  it('reports an unknown context as a usage error naming the known ones', async () => {
    const err = await readCluster({ kubeconfig: kubeconfig('https://127.0.0.1:1'), context: 'two' }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(KubeprintError);
    expect((err as KubeprintError).code).toBe('USAGE');
    expect((err as KubeprintError).message).toContain('one');
  });

  // the timeout is the bound the issue asks for: seconds, not minutes
  it('fails with CONNECTION_FAILED when nothing listens', { timeout: 15_000 }, async () => {
    expect(await codeOf(readCluster({ kubeconfig: kubeconfig('https://127.0.0.1:1') }))).toBe('CONNECTION_FAILED');
  });

  it('gives up with TIMEOUT on a server that never answers', async () => {
    const kc = kubeconfig(`https://127.0.0.1:${silentPort}`);
    expect(await codeOf(readCluster({ kubeconfig: kc, connectTimeoutMs: 500 }))).toBe('TIMEOUT');
  });

  it('uses $KUBECONFIG before ~/.kube/config', async () => {
    const kc = kubeconfig('https://127.0.0.1:1');
    expect(await codeOf(readCluster({ env: { KUBECONFIG: `${join(dir, 'missing')}:${kc}`, HOME: dir } }))).toBe(
      'CONNECTION_FAILED',
    );
  });
});
