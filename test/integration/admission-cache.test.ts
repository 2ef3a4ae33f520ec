/**
 * The webhook's cluster cache against a real kube-apiserver when a watch
 * comes back too late: the cache reaches the API server through a loopback
 * TCP proxy this test can cut (a network partition, or the webhook's node
 * losing the control plane for a while). While it is cut, the cluster
 * changes and etcd is compacted past the version the cache last saw, so the
 * watch that reconnects is answered 410 Gone; the cache must re-list, and
 * hold the cluster as it now is (the object deleted meanwhile gone, the new
 * one there), then follow changes again.
 *
 * PodDisruptionBudgets are served without the API server's watch cache here
 * (`--watch-cache-sizes=poddisruptionbudgets.policy#0`), so a watch reads
 * etcd and etcd's compaction is what expires it; with the watch cache, the
 * same 410 comes once a version leaves the cache's window, which takes a
 * long, busy run to provoke.
 */
import { execFile } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ClusterCache, startClusterCache } from '../../src/admission/cluster-cache.js';
import { admissionPolicy, decide } from '../../src/admission/decide.js';
import { parseAdmissionReview } from '../../src/admission/review.js';
import { review, testObject } from '../../src/admission/testdata/reviews.js';
import type { KubeObject } from '../../src/model/kube-object.js';
import { type ControlPlane, controlPlaneMissing, startControlPlane } from '../helpers/control-plane.js';

const missing = controlPlaneMissing();
if (missing) console.warn(`admission cache tests skipped: ${missing}`);

type Obj = Record<string, unknown>;

/** A TCP proxy to `target` that can drop every connection and refuse new ones until resumed. */
async function cuttableProxy(target: number): Promise<{ port: number; cut(): void; mend(): void; close(): void }> {
  let cut = false;
  const open = new Set<Socket>();
  const server: Server = createServer((client) => {
    if (cut) {
      client.destroy();
      return;
    }
    const upstream = createConnection({ host: '127.0.0.1', port: target });
    for (const [a, b] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      open.add(a);
      a.on('close', () => {
        open.delete(a);
        b.destroy();
      });
      a.on('error', () => b.destroy());
      a.pipe(b);
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    cut() {
      cut = true;
      for (const s of open) s.destroy();
    },
    mend() {
      cut = false;
    },
    close() {
      cut = true;
      for (const s of open) s.destroy();
      server.close();
    },
  };
}

/** etcd's client URL, from the log of the etcd the harness started. */
function etcdUrl(cp: ControlPlane): string {
  const log = readFileSync(join(cp.dir, 'etcd.log'), 'utf8');
  const m = /"listen-client-urls":\["(http:\/\/127\.0\.0\.1:\d+)"/.exec(log);
  if (!m?.[1]) throw new Error(`etcd's client URL not found in ${join(cp.dir, 'etcd.log')}`);
  return m[1];
}

/** Compact etcd's history up to its current revision (over etcd's JSON gateway); resolves to that revision. */
async function compactEtcd(url: string): Promise<number> {
  const post = async (path: string, body: unknown) => {
    const r = await fetch(`${url}${path}`, { method: 'POST', body: JSON.stringify(body) });
    if (!r.ok) throw new Error(`etcd ${path}: HTTP ${r.status} ${await r.text()}`);
    return (await r.json()) as { header?: { revision?: string } };
  };
  const revision = Number((await post('/v3/kv/range', { key: Buffer.from('/').toString('base64') })).header?.revision);
  if (!Number.isInteger(revision) || revision <= 0) throw new Error('etcd gave no revision');
  await post('/v3/kv/compaction', { revision: String(revision), physical: true });
  return revision;
}

describe.skipIf(missing !== undefined)('admission cluster cache on a real API server', () => {
  let cp: ControlPlane;
  let proxy: Awaited<ReturnType<typeof cuttableProxy>>;
  let proxiedKubeconfig: string;
  const NS = 'relist';

  function kubectl(args: string[], input?: Obj): Promise<{ code: number; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      const child = execFile('kubectl', ['--kubeconfig', cp.kubeconfig, ...args], (err, stdout, stderr) =>
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
      );
      child.stdin?.end(input === undefined ? undefined : JSON.stringify(input));
    });
  }

  async function until(what: string, check: () => boolean, ms = 20_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) {
      if (check()) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`timed out waiting for ${what}`);
  }

  const pdb = (name: string, app: string): Obj => ({
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name, namespace: NS },
    spec: { minAvailable: 1, selector: { matchLabels: { app } } },
  });

  /** A compliant Deployment whose pods carry app=web: pdb-missing depends only on the PDBs in the cache. */
  function web(): Obj {
    const d = testObject('compliant-deployment.yaml');
    const spec = d.spec as { selector: { matchLabels: Obj }; template: { metadata: { labels: Obj } } };
    d.metadata = { ...(d.metadata as Obj), name: 'web', namespace: NS, labels: { app: 'web' } };
    spec.selector.matchLabels = { app: 'web' };
    spec.template.metadata.labels = { app: 'web' };
    return d;
  }

  beforeAll(async () => {
    cp = await startControlPlane({ apiserverArgs: ['--watch-cache-sizes=poddisruptionbudgets.policy#0'] });
    proxy = await cuttableProxy(Number(new URL(cp.server).port));
    proxiedKubeconfig = join(cp.dir, 'proxied.kubeconfig');
    writeFileSync(
      proxiedKubeconfig,
      readFileSync(cp.kubeconfig, 'utf8').replace(cp.server, `https://127.0.0.1:${proxy.port}`),
    );
    expect((await kubectl(['create', 'namespace', NS])).code).toBe(0);
  }, 150_000);

  afterAll(async () => {
    proxy?.close();
    await cp?.stop();
  });

  it('re-lists after a watch answered 410 Gone, and holds the cluster as it now is', async () => {
    expect((await kubectl(['create', '-f', '-'], pdb('doomed', 'web'))).code).toBe(0);
    const logs: string[] = [];
    const cache: ClusterCache = await startClusterCache({
      kubeconfig: proxiedKubeconfig,
      env: {},
      log: (level, msg) => logs.push(`${level} ${msg}`),
    });
    try {
      const policy = admissionPolicy({ clusterState: true, neighbours: cache.neighbours });
      const dep = web();
      const judge = () => {
        const p = parseAdmissionReview(JSON.stringify(review({ object: dep, namespace: NS })));
        if (!p.ok) throw new Error(p.reason);
        return decide(p.request, policy, 'all').verdicts.map((v) => v.ruleId);
      };
      const probe = { kind: 'Deployment', name: 'web', namespace: NS } as KubeObject;
      const pdbs = () =>
        cache
          .neighbours(probe)
          .filter((o) => o.kind === 'PodDisruptionBudget')
          .map((o) => o.name)
          .sort();

      expect(pdbs()).toEqual(['doomed']);
      expect(judge()).not.toContain('pdb-missing');

      // the cache loses the API server; meanwhile the cluster changes and etcd forgets the history
      proxy.cut();
      expect((await kubectl(['delete', '-n', NS, 'pdb/doomed'])).code).toBe(0);
      expect((await kubectl(['create', '-f', '-'], pdb('born', 'other'))).code).toBe(0);
      await compactEtcd(etcdUrl(cp));
      // the cache still holds what it saw last
      expect(pdbs()).toEqual(['doomed']);

      proxy.mend();
      await until('the cache to re-list after 410 Gone', () => pdbs().join() === 'born');
      expect(logs.some((l) => /poddisruptionbudgets watch expired \(410 Gone/.test(l))).toBe(true);
      expect(judge()).toContain('pdb-missing');

      // the watch resumed from the relist's version: changes reach the cache again
      expect((await kubectl(['create', '-f', '-'], pdb('after', 'web'))).code).toBe(0);
      await until('a PDB created after the relist to reach the cache', () => pdbs().join() === 'after,born');
      expect(judge()).not.toContain('pdb-missing');
    } finally {
      cache.stop();
    }
  });
});
