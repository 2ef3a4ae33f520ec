/**
 * A cache of the cluster for the webhook's cross-object rules (PDB coverage,
 * Service selectors, RBAC): each kind is listed once, then kept current by a
 * watch (re-listed when the API server says the watch is too old). Only
 * built-in kinds the scope rules look at; Secrets and ConfigMaps are not read
 * (least privilege: the webhook's identity needs no access to them).
 */
import type { IncomingHttpHeaders } from 'node:http';
import { request as httpRequest } from 'node:http';
import { type Agent, request as httpsRequest, type RequestOptions } from 'node:https';
import { KubeprintError } from '../errors.js';
import { type KubeObject, metadataOf, toKubeObject } from '../model/kube-object.js';
import { WORKLOAD_KINDS } from '../model/workload.js';
import { type KubeconfigOptions, resolveKubeconfig } from '../sources/kubeconfig.js';

interface CachedResource {
  group: string;
  version: string;
  resource: string;
  kind: string;
  namespaced: boolean;
}

/** What the cross-object rules read, in stable versions. */
export const CACHED_RESOURCES: readonly CachedResource[] = [
  { group: '', version: 'v1', resource: 'namespaces', kind: 'Namespace', namespaced: false },
  { group: '', version: 'v1', resource: 'pods', kind: 'Pod', namespaced: true },
  { group: '', version: 'v1', resource: 'services', kind: 'Service', namespaced: true },
  { group: '', version: 'v1', resource: 'serviceaccounts', kind: 'ServiceAccount', namespaced: true },
  { group: '', version: 'v1', resource: 'limitranges', kind: 'LimitRange', namespaced: true },
  { group: '', version: 'v1', resource: 'replicationcontrollers', kind: 'ReplicationController', namespaced: true },
  { group: 'apps', version: 'v1', resource: 'deployments', kind: 'Deployment', namespaced: true },
  { group: 'apps', version: 'v1', resource: 'statefulsets', kind: 'StatefulSet', namespaced: true },
  { group: 'apps', version: 'v1', resource: 'daemonsets', kind: 'DaemonSet', namespaced: true },
  { group: 'apps', version: 'v1', resource: 'replicasets', kind: 'ReplicaSet', namespaced: true },
  { group: 'batch', version: 'v1', resource: 'jobs', kind: 'Job', namespaced: true },
  { group: 'batch', version: 'v1', resource: 'cronjobs', kind: 'CronJob', namespaced: true },
  { group: 'policy', version: 'v1', resource: 'poddisruptionbudgets', kind: 'PodDisruptionBudget', namespaced: true },
  {
    group: 'autoscaling',
    version: 'v2',
    resource: 'horizontalpodautoscalers',
    kind: 'HorizontalPodAutoscaler',
    namespaced: true,
  },
  { group: 'networking.k8s.io', version: 'v1', resource: 'networkpolicies', kind: 'NetworkPolicy', namespaced: true },
  { group: 'rbac.authorization.k8s.io', version: 'v1', resource: 'roles', kind: 'Role', namespaced: true },
  {
    group: 'rbac.authorization.k8s.io',
    version: 'v1',
    resource: 'rolebindings',
    kind: 'RoleBinding',
    namespaced: true,
  },
  {
    group: 'rbac.authorization.k8s.io',
    version: 'v1',
    resource: 'clusterroles',
    kind: 'ClusterRole',
    namespaced: false,
  },
  {
    group: 'rbac.authorization.k8s.io',
    version: 'v1',
    resource: 'clusterrolebindings',
    kind: 'ClusterRoleBinding',
    namespaced: false,
  },
];

export interface ClusterCache {
  /** The cached objects of a namespace and every cluster-scoped one, without those a cached controller owns. */
  neighbours(obj: KubeObject): readonly KubeObject[];
  /** Objects held now. */
  size(): number;
  /** Kinds the API server refused to list (RBAC); rules see no objects of them. */
  readonly skipped: readonly string[];
  stop(): void;
}

export interface ClusterCacheOptions extends KubeconfigOptions {
  /** How long to wait for one list page (default 30 s). */
  timeoutMs?: number;
  log?: (level: 'info' | 'warn', msg: string, fields?: Record<string, unknown>) => void;
}

const SCOPE = 'admission';
const TEMPLATE_OWNERS = new Set(WORKLOAD_KINDS);

/**
 * List every cached kind, then watch them; resolves once the lists are in.
 *
 * @throws KubeprintError USAGE (kubeconfig), CONNECTION_FAILED when the API server cannot be reached
 */
export async function startClusterCache(opts: ClusterCacheOptions): Promise<ClusterCache> {
  const kc = await resolveKubeconfig(opts);
  const base = await kc.requestOptions();
  const log = opts.log ?? (() => {});
  const timeoutMs = opts.timeoutMs ?? 30_000;
  /** namespace ('' for cluster-scoped) → key → object */
  const byNs = new Map<string, Map<string, KubeObject>>();
  const requests = new Set<{ destroy(): void }>();
  let stopped = false;
  const skipped: string[] = [];

  const objectOf = (r: CachedResource, raw: Record<string, unknown>) =>
    toKubeObject(
      { ...raw, apiVersion: r.group ? `${r.group}/${r.version}` : r.version, kind: r.kind },
      undefined,
      SCOPE,
    );
  const store = (o: KubeObject) => {
    const ns = o.namespace ?? '';
    let m = byNs.get(ns);
    if (!m) byNs.set(ns, (m = new Map()));
    m.set(`${o.kind}/${o.name}`, o);
  };
  const put = (r: CachedResource, raw: Record<string, unknown>) => {
    const o = objectOf(r, raw);
    if (o) store(o);
  };
  /** Forget every object of a kind (a relist replaces them). */
  const drop = (r: CachedResource) => {
    for (const m of byNs.values()) for (const [k, o] of m) if (o.kind === r.kind) m.delete(k);
  };
  const remove = (r: CachedResource, raw: Record<string, unknown>) => {
    const md = metadataOf(raw);
    const ns = typeof md.namespace === 'string' ? md.namespace : '';
    byNs.get(ns)?.delete(`${r.kind}/${String(md.name)}`);
  };

  const pathOf = (r: CachedResource) => `${r.group ? `/apis/${r.group}` : '/api'}/${r.version}/${r.resource}`;

  /**
   * List a kind, page by page, and replace what the cache holds of it in one
   * step once the last page is in: readers never see the kind half-listed,
   * and objects deleted while no watch ran (the reason for a relist) go.
   */
  async function list(r: CachedResource): Promise<string | undefined> {
    const fresh: KubeObject[] = [];
    let cont = '';
    let rv = '';
    do {
      const res = await get(`${pathOf(r)}?limit=500${cont ? `&continue=${encodeURIComponent(cont)}` : ''}`);
      if (res.status === 403 || res.status === 404) {
        if (!skipped.includes(r.kind)) skipped.push(r.kind);
        drop(r);
        log('warn', `cluster cache: cannot list ${r.resource} (HTTP ${res.status}); rules see none`, {});
        return undefined;
      }
      if (res.status !== 200)
        throw new KubeprintError('CONNECTION_FAILED', `${kc.server}${pathOf(r)}: HTTP ${res.status}`);
      const body = JSON.parse(res.body) as {
        items?: Array<Record<string, unknown>>;
        metadata?: { resourceVersion?: string; continue?: string };
      };
      for (const item of body.items ?? []) {
        const o = objectOf(r, item);
        if (o) fresh.push(o);
      }
      rv = body.metadata?.resourceVersion ?? rv;
      cont = body.metadata?.continue ?? '';
    } while (cont);
    drop(r);
    for (const o of fresh) store(o);
    return rv;
  }

  /**
   * Keep a kind current from `fromVersion`. A watch that ends normally (the
   * API server closes watches after a while) starts again from the last
   * version seen; one that fails without an event retries with a growing
   * pause; one that ends with 410 Gone re-lists first (see below).
   */
  function watch(r: CachedResource, fromVersion: string, failures = 0): void {
    if (stopped) return;
    let rv = fromVersion;
    let events = 0;
    // An ERROR event ends the watch. 410 Gone (Expired): the resourceVersion is
    // older than what the API server still has (etcd compacted it, or it left
    // the watch cache), so the events in between are lost: only a fresh list
    // brings the cache back in step (objects deleted meanwhile must go too).
    let failed: { code: number; message: string } | undefined;
    const restart = () => {
      requests.delete(req);
      if (stopped) return;
      const gone = failed?.code === 410;
      if (failed)
        log(
          gone ? 'info' : 'warn',
          gone
            ? `cluster cache: ${r.resource} watch expired (410 Gone: resourceVersion ${rv} is too old); re-listing`
            : `cluster cache: ${r.resource} watch failed (${failed.code || 'error'}: ${failed.message}); retrying`,
          { resource: r.resource, code: failed.code, resourceVersion: rv },
        );
      const again = async (attempt: number) => {
        if (stopped) return;
        try {
          if (gone) {
            const listed = await list(r);
            // the kind can no longer be listed (RBAC changed): rules see none of it, and it is not watched
            if (listed === undefined) return;
            rv = listed;
          }
          watch(r, rv, gone || events > 0 ? 0 : failures + 1);
        } catch (err) {
          log('warn', `cluster cache: ${r.resource} relist failed; retrying`, {
            error: err instanceof Error ? err.message : String(err),
          });
          setTimeout(() => void again(attempt + 1), Math.min(2000 * 2 ** attempt, 30_000)).unref();
        }
      };
      // a watch that delivered nothing and failed waits longer each time (the API server may be down)
      const pause = gone ? 0 : events > 0 || !failed ? 200 : Math.min(200 * 2 ** failures, 5000);
      setTimeout(() => void again(0), pause).unref();
    };
    const req = stream(`${pathOf(r)}?watch=1&allowWatchBookmarks=true&resourceVersion=${encodeURIComponent(rv)}`, {
      onLine: (line) => {
        let ev: { type?: string; object?: Record<string, unknown> };
        try {
          ev = JSON.parse(line) as typeof ev;
        } catch {
          return;
        }
        const obj = ev.object ?? {};
        if (ev.type === 'ERROR') {
          failed = {
            code: typeof obj.code === 'number' ? obj.code : 0,
            message: typeof obj.message === 'string' ? obj.message : '',
          };
          return;
        }
        events++;
        const v = metadataOf(obj).resourceVersion;
        if (typeof v === 'string') rv = v;
        if (ev.type === 'ADDED' || ev.type === 'MODIFIED') put(r, obj);
        else if (ev.type === 'DELETED') remove(r, obj);
      },
      onEnd: (error) => {
        if (error && !failed) failed = { code: 0, message: error };
        restart();
      },
    });
    requests.add(req);
  }

  function requestOptions(method: string): { url: (p: string) => URL; options: RequestOptions } {
    const headers: Record<string, string> = { Accept: 'application/json', 'User-Agent': 'kubeprint-admission' };
    for (const [k, v] of Object.entries((base.headers ?? {}) as IncomingHttpHeaders))
      if (typeof v === 'string') headers[k] = v;
    if (base.auth) headers.Authorization = `Basic ${Buffer.from(base.auth).toString('base64')}`;
    return {
      url: (p) => new URL(kc.server + p),
      options: { method, headers, agent: base.agent as Agent | undefined },
    };
  }

  function get(path: string): Promise<{ status: number; body: string }> {
    const { url, options } = requestOptions('GET');
    const u = url(path);
    const send = u.protocol === 'http:' ? httpRequest : httpsRequest;
    return new Promise((resolve, reject) => {
      const req = send(u, u.protocol === 'http:' ? { ...options, agent: undefined } : options, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      req.setTimeout(timeoutMs, () => req.destroy(new KubeprintError('TIMEOUT', `${kc.server}${path}: no answer`)));
      req.on('error', (err) =>
        reject(
          err instanceof KubeprintError
            ? err
            : new KubeprintError('CONNECTION_FAILED', `cannot reach ${kc.server}`, { cause: err }),
        ),
      );
      req.end();
    });
  }

  function stream(
    path: string,
    on: { onLine: (line: string) => void; onEnd: (error?: string) => void },
  ): { destroy(): void } {
    const { url, options } = requestOptions('GET');
    const u = url(path);
    const send = u.protocol === 'http:' ? httpRequest : httpsRequest;
    let ended = false;
    const end = (err?: Error) => {
      if (ended) return;
      ended = true;
      on.onEnd(err ? `cannot reach ${kc.server} (${err.message})` : undefined);
    };
    const req = send(u, u.protocol === 'http:' ? { ...options, agent: undefined } : options, (res) => {
      // a watch refused outright (rather than ended by an ERROR event) reads as one
      if (res.statusCode !== 200) {
        const code = res.statusCode ?? 0;
        res.resume();
        ended = true;
        on.onLine(JSON.stringify({ type: 'ERROR', object: { kind: 'Status', code, message: `HTTP ${code}` } }));
        on.onEnd();
        return;
      }
      let buffered = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        buffered += c;
        let nl = buffered.indexOf('\n');
        while (nl >= 0) {
          const line = buffered.slice(0, nl).trim();
          buffered = buffered.slice(nl + 1);
          if (line) on.onLine(line);
          nl = buffered.indexOf('\n');
        }
      });
      res.on('end', () => end());
      res.on('error', end);
    });
    req.on('error', end);
    req.end();
    return { destroy: () => req.destroy() };
  }

  // the initial lists, a few at a time
  const queue = [...CACHED_RESOURCES];
  const versions = new Map<CachedResource, string | undefined>();
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      for (let r = queue.shift(); r; r = queue.shift()) versions.set(r, await list(r));
    }),
  );
  for (const [r, rv] of versions) if (rv !== undefined) watch(r, rv);
  let total = 0;
  for (const m of byNs.values()) total += m.size;
  log('info', 'cluster cache synced', { server: kc.server, context: kc.contextName, objects: total, skipped });

  return {
    neighbours(obj) {
      const out: KubeObject[] = [];
      const keys = new Set<string>();
      for (const ns of new Set([obj.namespace ?? '', ''])) {
        for (const o of byNs.get(ns)?.values() ?? []) {
          out.push(o);
          keys.add(`${o.kind}/${o.namespace ?? ''}/${o.name}`);
        }
      }
      // objects a cached controller owns are judged through their owner, as in a cluster scan
      return out.filter((o) => {
        const refs = metadataOf(o.raw).ownerReferences;
        if (!Array.isArray(refs)) return true;
        return !refs.some(
          (r) =>
            r &&
            typeof r === 'object' &&
            (r as Record<string, unknown>).controller === true &&
            TEMPLATE_OWNERS.has(String((r as Record<string, unknown>).kind)) &&
            keys.has(
              `${String((r as Record<string, unknown>).kind)}/${o.namespace ?? ''}/${String((r as Record<string, unknown>).name)}`,
            ),
        );
      });
    },
    size() {
      let n = 0;
      for (const m of byNs.values()) n += m.size;
      return n;
    },
    skipped,
    stop() {
      stopped = true;
      for (const r of requests) r.destroy();
      requests.clear();
    },
  };
}
