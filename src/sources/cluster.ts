/**
 * The cluster source: reads the kinds kubeprint's rules look at from a live
 * API server into KubeObjects (`source: undefined`, scope = the context name).
 *
 * Kubeconfig handling is kubectl's (./kubeconfig.ts, over pieces of
 * @kubernetes/client-node, loaded only when a cluster is read). Requests are plain
 * HTTPS GETs of raw JSON: discovery first (which of the wanted kinds exist, in
 * which version), then paginated lists, a few at a time. A kind that RBAC
 * forbids is skipped with one notice; the rest of the scan goes on.
 */
import { type Agent, request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest, type RequestOptions } from 'node:https';
import { KubeprintError } from '../errors.js';
import type { KubeObject } from '../model/kube-object.js';
import { toKubeObject } from '../model/kube-object.js';
import { resolveKubeconfig } from './kubeconfig.js';

/** A kind kubeprint reads: its API group (`''` for core) and kind. */
export interface WantedKind {
  group: string;
  kind: string;
}

/**
 * Every kind the rules look at. Built-in kinds are always asked for; the CRD
 * groups (Argo CD/Rollouts, Flux, Cilium, Calico, SPIRE, AdminNetworkPolicy)
 * only when discovery shows them. A test keeps this in step with the rules.
 */
export const WANTED_KINDS: readonly WantedKind[] = [
  ...['Namespace', 'Pod', 'Service', 'ServiceAccount', 'Secret', 'ConfigMap', 'LimitRange', 'ResourceQuota'].map(
    (kind) => ({ group: '', kind }),
  ),
  ...['ReplicationController', 'PodTemplate', 'PersistentVolume', 'PersistentVolumeClaim'].map((kind) => ({
    group: '',
    kind,
  })),
  ...['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet'].map((kind) => ({ group: 'apps', kind })),
  ...['Job', 'CronJob'].map((kind) => ({ group: 'batch', kind })),
  { group: 'policy', kind: 'PodDisruptionBudget' },
  { group: 'autoscaling', kind: 'HorizontalPodAutoscaler' },
  ...['NetworkPolicy', 'Ingress'].map((kind) => ({ group: 'networking.k8s.io', kind })),
  { group: 'gateway.networking.k8s.io', kind: 'Gateway' },
  ...['Role', 'RoleBinding', 'ClusterRole', 'ClusterRoleBinding'].map((kind) => ({
    group: 'rbac.authorization.k8s.io',
    kind,
  })),
  ...['AdminNetworkPolicy', 'BaselineAdminNetworkPolicy'].map((kind) => ({ group: 'policy.networking.k8s.io', kind })),
  ...['Application', 'ApplicationSet', 'AppProject', 'Rollout'].map((kind) => ({ group: 'argoproj.io', kind })),
  ...['GitRepository', 'OCIRepository', 'HelmRepository', 'Bucket', 'HelmChart'].map((kind) => ({
    group: 'source.toolkit.fluxcd.io',
    kind,
  })),
  { group: 'kustomize.toolkit.fluxcd.io', kind: 'Kustomization' },
  { group: 'helm.toolkit.fluxcd.io', kind: 'HelmRelease' },
  { group: 'image.toolkit.fluxcd.io', kind: 'ImageRepository' },
  ...['CiliumNetworkPolicy', 'CiliumClusterwideNetworkPolicy'].map((kind) => ({ group: 'cilium.io', kind })),
  ...['NetworkPolicy', 'GlobalNetworkPolicy'].map((kind) => ({ group: 'crd.projectcalico.org', kind })),
  ...['NetworkPolicy', 'GlobalNetworkPolicy'].map((kind) => ({ group: 'projectcalico.org', kind })),
  ...['ClusterSPIFFEID', 'ClusterStaticEntry', 'ClusterFederatedTrustDomain'].map((kind) => ({
    group: 'spire.spiffe.io',
    kind,
  })),
];

/** One listable resource that discovery found. */
export interface ResourceInfo {
  group: string;
  version: string;
  /** Plural resource name, as in the URL. */
  resource: string;
  kind: string;
  namespaced: boolean;
}

export interface ClusterReadOptions {
  /** Kubeconfig file (default: $KUBECONFIG, then ~/.kube/config, then in-cluster). */
  kubeconfig?: string;
  /** Context (default: the kubeconfig's current context). */
  context?: string;
  /** One namespace; undefined with `allNamespaces` false means the context's namespace, as kubectl does. */
  namespace?: string;
  allNamespaces?: boolean;
  /** Lists in flight at once (default 4). */
  concurrency?: number;
  /** Objects per page (default 500). */
  pageSize?: number;
  /** Deadline for connecting and for discovery (default 10 s). */
  connectTimeoutMs?: number;
  /** Deadline for one page of a list (default 60 s). */
  pageTimeoutMs?: number;
  /** Keep objects that a controller owns when their owner was read too (Pods of a ReplicaSet, ReplicaSets of a Deployment). */
  includeOwned?: boolean;
  /** The kinds to read (default WANTED_KINDS, everything the rules look at). */
  kinds?: readonly WantedKind[];
  /** Environment used to find the kubeconfig (default process.env). */
  env?: Record<string, string | undefined>;
  /** One line per skipped kind (forbidden, failed). */
  notice?: (line: string) => void;
  /** Called after each page: kinds done of total, objects so far. */
  progress?: (p: { kindsDone: number; kinds: number; objects: number }) => void;
}

export interface SkippedKind {
  kind: string;
  group: string;
  namespace?: string;
  reason: string;
}

export interface ClusterReadResult {
  contextName: string;
  server: string;
  /** The namespace read, or undefined for all namespaces. */
  namespace: string | undefined;
  objects: KubeObject[];
  /** Raw objects as read (apiVersion and kind set), before owned objects are set aside: what a snapshot holds. */
  items: Record<string, unknown>[];
  skipped: SkippedKind[];
  /** Objects left to their owner (see `includeOwned`). */
  owned: number;
}

/** A connection to one API server: GETs, and other requests for callers that write (drift's dry-run apply). */
export interface Transport {
  server: string;
  get(path: string, timeoutMs: number): Promise<{ status: number; body: string }>;
  send(req: TransportRequest): Promise<{ status: number; body: string }>;
}

export interface TransportRequest {
  method: string;
  /** Path and query, from the server's root. */
  path: string;
  timeoutMs: number;
  body?: string;
  /** Content-Type of the body (an apply patch is `application/apply-patch+yaml`). */
  contentType?: string;
  /** Accept header (default `application/json`). */
  accept?: string;
}

/**
 * Read the cluster the kubeconfig points at.
 *
 * @throws KubeprintError USAGE (no kubeconfig, unknown context), CONNECTION_FAILED
 *   (unreachable, TLS or authentication failure), TIMEOUT (no answer in time).
 */
export async function readCluster(opts: ClusterReadOptions = {}): Promise<ClusterReadResult> {
  const { transport, contextName, contextNamespace } = await connect(opts);
  const namespace = opts.allNamespaces ? undefined : (opts.namespace ?? contextNamespace ?? 'default');
  const connectTimeout = opts.connectTimeoutMs ?? 10_000;
  const resources = await discover(transport, connectTimeout, opts.kinds ?? WANTED_KINDS);
  const result: ClusterReadResult = {
    contextName,
    server: transport.server,
    namespace,
    objects: [],
    items: [],
    skipped: [],
    owned: 0,
  };
  const pageSize = opts.pageSize ?? 500;
  const pageTimeout = opts.pageTimeoutMs ?? 60_000;
  let done = 0;
  let count = 0;
  const lists = resources.map((r) => async () => {
    const items = await listResource(transport, r, namespace, pageSize, pageTimeout, result.skipped, () => {
      opts.progress?.({ kindsDone: done, kinds: resources.length, objects: count });
    });
    count += items.length;
    done++;
    opts.progress?.({ kindsDone: done, kinds: resources.length, objects: count });
    return items;
  });
  const perResource = await inParallel(lists, opts.concurrency ?? 4);
  for (const items of perResource) for (const it of items) result.items.push(it);
  if (namespace === undefined) await retryPerNamespace(transport, resources, result, pageSize, pageTimeout, opts);
  for (const s of result.skipped) opts.notice?.(describeSkip(s));
  const kept = opts.includeOwned ? result.items : withoutOwned(result.items);
  result.owned = result.items.length - kept.length;
  result.objects = objectsFromItems(kept, contextName);
  return result;
}

/**
 * With every namespace asked for, a namespaced kind the user may not list
 * cluster-wide is listed namespace by namespace, as far as RBAC allows (a user
 * with Roles in some namespaces only): the namespaces are those the cluster
 * read found (or none, when Namespaces could not be listed either). What stays
 * forbidden is one skip per kind naming how many namespaces it covers.
 */
async function retryPerNamespace(
  t: Transport,
  resources: readonly ResourceInfo[],
  result: ClusterReadResult,
  pageSize: number,
  pageTimeout: number,
  opts: ClusterReadOptions,
): Promise<void> {
  const forbidden = result.skipped.filter((s) => s.namespace === undefined && s.reason === 'forbidden by RBAC');
  const retry = forbidden
    .map((s) => ({ s, r: resources.find((r) => r.kind === s.kind && r.group === s.group && r.namespaced) }))
    .filter((x): x is { s: SkippedKind; r: ResourceInfo } => x.r !== undefined);
  if (retry.length === 0) return;
  const namespaces = result.items
    .filter((it) => it.kind === 'Namespace')
    .map((it) => (it.metadata as { name?: unknown } | undefined)?.name)
    .filter((n): n is string => typeof n === 'string');
  if (namespaces.length === 0) return;
  const jobs = retry.flatMap(({ r }) => namespaces.map((ns) => ({ r, ns })));
  const perJob = await inParallel(
    jobs.map(({ r, ns }) => async () => {
      const skipped: SkippedKind[] = [];
      const items = await listResource(t, r, ns, pageSize, pageTimeout, skipped, () => {});
      return { r, ns, items, ok: skipped.length === 0 };
    }),
    opts.concurrency ?? 4,
  );
  for (const { s, r } of retry) {
    const mine = perJob.filter((j) => j.r === r);
    const read = mine.filter((j) => j.ok);
    if (read.length === 0) continue; // forbidden everywhere: the cluster-wide skip stands
    for (const j of read) for (const it of j.items) result.items.push(it);
    const i = result.skipped.indexOf(s);
    if (read.length === mine.length) result.skipped.splice(i, 1);
    else
      result.skipped[i] = {
        ...s,
        reason: `forbidden by RBAC in ${mine.length - read.length} of ${mine.length} namespaces; read in ${read
          .map((j) => j.ns)
          .join(', ')}`,
      };
  }
}

function describeSkip(s: SkippedKind): string {
  const what = s.group ? `${s.kind}.${s.group}` : s.kind;
  if (s.reason.includes('; read in '))
    return `${what} partly read (${s.reason}); findings that need the rest may be missing`;
  return `${what}${s.namespace ? ` in namespace ${s.namespace}` : ''} not read (${s.reason}); findings that need it may be missing`;
}

/** KubeObjects from raw items (a cluster read or a snapshot): no source positions, one scope. */
export function objectsFromItems(items: readonly Record<string, unknown>[], scope: string): KubeObject[] {
  const out: KubeObject[] = [];
  for (const it of items) {
    const o = toKubeObject(it, undefined, scope);
    if (o) out.push(o);
  }
  return out;
}

/** Kinds whose controller-owned objects are judged through their owner's template. */
const OWNER_JUDGED = new Set(['Pod', 'ReplicaSet', 'Job', 'ControllerRevision']);

/**
 * Objects minus those a controller owns when the owner is among the objects:
 * a Deployment's ReplicaSets and their Pods carry the Deployment's template, so
 * checking them again would repeat every finding once per replica.
 */
export function withoutOwned(items: readonly Record<string, unknown>[]): Record<string, unknown>[] {
  const uids = new Set<string>();
  for (const it of items) {
    const uid = meta(it).uid;
    if (typeof uid === 'string') uids.add(uid);
  }
  return items.filter((it) => {
    if (!OWNER_JUDGED.has(String(it.kind))) return true;
    const refs = meta(it).ownerReferences;
    if (!Array.isArray(refs)) return true;
    return !refs.some(
      (r: unknown) =>
        !!r &&
        typeof r === 'object' &&
        (r as { controller?: unknown }).controller === true &&
        uids.has(String((r as { uid?: unknown }).uid)),
    );
  });
}

function meta(it: Record<string, unknown>): Record<string, unknown> {
  const m = it.metadata;
  return m && typeof m === 'object' ? (m as Record<string, unknown>) : {};
}

/** Run tasks with at most `limit` in flight; results in task order. */
async function inParallel<T>(tasks: Array<() => Promise<T>>, limit: number): Promise<T[]> {
  const results: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      const task = tasks[i];
      if (task) results[i] = await task();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, tasks.length)) }, worker));
  return results;
}

// ---------------------------------------------------------------- connection

/**
 * A transport to the API server of the kubeconfig's context (kubectl's
 * resolution, ./kubeconfig.ts).
 *
 * @throws KubeprintError USAGE (no kubeconfig, unknown context), CONNECTION_FAILED (no credentials).
 */
export async function connect(
  opts: Pick<ClusterReadOptions, 'kubeconfig' | 'context' | 'env'>,
): Promise<{ transport: Transport; contextName: string; contextNamespace: string | undefined }> {
  const kc = await resolveKubeconfig(opts);
  const base = await kc.requestOptions();
  const transport: Transport = {
    server: kc.server,
    get: (path, timeoutMs) => send(kc.server, { method: 'GET', path, timeoutMs }, base),
    send: (req) => send(kc.server, req, base),
  };
  return { transport, contextName: kc.contextName, contextNamespace: kc.namespace };
}

function send(server: string, what: TransportRequest, base: RequestOptions): Promise<{ status: number; body: string }> {
  const { path, timeoutMs } = what;
  const url = new URL(server + path);
  const isHttp = url.protocol === 'http:';
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { Accept: what.accept ?? 'application/json', 'User-Agent': 'kubeprint' };
    if (what.contentType) headers['Content-Type'] = what.contentType;
    for (const [k, v] of Object.entries((base.headers ?? {}) as IncomingHttpHeaders)) {
      if (typeof v === 'string') headers[k] = v;
    }
    if (base.auth) headers.Authorization = `Basic ${Buffer.from(base.auth).toString('base64')}`;
    const options: RequestOptions = {
      method: what.method,
      headers,
      ...(isHttp ? {} : { agent: base.agent as Agent | undefined }),
    };
    const request = isHttp ? httpRequest : httpsRequest;
    const req = request(url, options, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        clearTimeout(timer);
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
      });
      res.on('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
    });
    const timer = setTimeout(() => {
      req.destroy(new KubeprintError('TIMEOUT', `${server} did not answer ${path} within ${timeoutMs / 1000} s`));
    }, timeoutMs);
    req.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    req.end(what.body);
  });
}

/** A one-line KubeprintError for a request that did not get an answer. */
export function requestFailed(server: string, err: unknown): KubeprintError {
  if (err instanceof KubeprintError) return err;
  const code = (err as { code?: string }).code;
  const why =
    code === 'ECONNREFUSED'
      ? 'connection refused'
      : code === 'ENOTFOUND' || code === 'EAI_AGAIN'
        ? 'host not found'
        : code === 'ECONNRESET'
          ? 'connection reset'
          : (err as Error).message;
  return new KubeprintError('CONNECTION_FAILED', `cannot reach the API server ${server}: ${why}`, { cause: err });
}

// ---------------------------------------------------------------- discovery

interface ApiResourceList {
  groupVersion?: string;
  resources?: Array<{ name: string; kind: string; namespaced: boolean; verbs?: string[] }>;
}

export async function getJson<T>(
  t: Transport,
  path: string,
  timeoutMs: number,
): Promise<{ status: number; json?: T; body: string }> {
  let r: { status: number; body: string };
  try {
    r = await t.get(path, timeoutMs);
  } catch (err) {
    throw requestFailed(t.server, err);
  }
  if (r.status !== 200) return { status: r.status, body: r.body };
  try {
    return { status: r.status, json: JSON.parse(r.body) as T, body: '' };
  } catch (err) {
    throw new KubeprintError('CONNECTION_FAILED', `${t.server}${path} answered with something that is not JSON`, {
      cause: err,
    });
  }
}

/** The message of a Status object the server answered with, or the start of the body. */
export function statusMessage(body: string): string {
  try {
    const s = JSON.parse(body) as { message?: unknown };
    if (typeof s.message === 'string') return s.message;
  } catch {
    // not a Status object
  }
  return body.slice(0, 200).trim();
}

/** Which wanted kinds the server serves, each in its group's preferred version. */
async function discover(t: Transport, timeoutMs: number, kinds: readonly WantedKind[]): Promise<ResourceInfo[]> {
  const core = await getJson<ApiResourceList>(t, '/api/v1', timeoutMs);
  if (core.status === 401)
    throw new KubeprintError('CONNECTION_FAILED', `${t.server} rejected the credentials (401 Unauthorized)`);
  if (!core.json)
    throw new KubeprintError(
      'CONNECTION_FAILED',
      `${t.server}/api/v1 answered ${core.status}: ${statusMessage(core.body)}`,
    );
  const groups = await getJson<{ groups?: Array<{ name: string; preferredVersion?: { groupVersion?: string } }> }>(
    t,
    '/apis',
    timeoutMs,
  );
  const wantedGroups = new Set(kinds.map((w) => w.group));
  const lists: ApiResourceList[] = [core.json];
  const gvs = (groups.json?.groups ?? [])
    .filter((g) => wantedGroups.has(g.name))
    .map((g) => g.preferredVersion?.groupVersion)
    .filter((gv): gv is string => typeof gv === 'string');
  const more = await Promise.all(gvs.map((gv) => getJson<ApiResourceList>(t, `/apis/${gv}`, timeoutMs)));
  for (const m of more) if (m.json) lists.push(m.json);
  return resourcesFromDiscovery(lists, kinds);
}

/** The wanted, listable resources among discovery's resource lists (subresources left out). */
export function resourcesFromDiscovery(
  lists: readonly ApiResourceList[],
  kinds: readonly WantedKind[] = WANTED_KINDS,
): ResourceInfo[] {
  const wanted = new Set(kinds.map((w) => `${w.group}/${w.kind}`));
  const out: ResourceInfo[] = [];
  for (const l of lists) {
    const gv = l.groupVersion ?? 'v1';
    const slash = gv.indexOf('/');
    const group = slash < 0 ? '' : gv.slice(0, slash);
    const version = slash < 0 ? gv : gv.slice(slash + 1);
    for (const r of l.resources ?? []) {
      if (r.name.includes('/')) continue;
      if (!wanted.has(`${group}/${r.kind}`)) continue;
      if (r.verbs && !r.verbs.includes('list')) continue;
      out.push({ group, version, resource: r.name, kind: r.kind, namespaced: r.namespaced });
    }
  }
  return out;
}

// ---------------------------------------------------------------- lists

function listPath(r: ResourceInfo, namespace: string | undefined): string {
  const prefix = r.group === '' ? `/api/${r.version}` : `/apis/${r.group}/${r.version}`;
  return r.namespaced && namespace !== undefined
    ? `${prefix}/namespaces/${encodeURIComponent(namespace)}/${r.resource}`
    : `${prefix}/${r.resource}`;
}

interface ListPage {
  apiVersion?: string;
  metadata?: { continue?: string };
  items?: Array<Record<string, unknown>>;
}

async function listResource(
  t: Transport,
  r: ResourceInfo,
  namespace: string | undefined,
  pageSize: number,
  timeoutMs: number,
  skipped: SkippedKind[],
  onPage: () => void,
): Promise<Record<string, unknown>[]> {
  const apiVersion = r.group === '' ? r.version : `${r.group}/${r.version}`;
  const path = listPath(r, namespace);
  const items: Record<string, unknown>[] = [];
  let cont: string | undefined;
  let restarted = false;
  for (;;) {
    const q = `?limit=${pageSize}${cont ? `&continue=${encodeURIComponent(cont)}` : ''}`;
    const page = await getJson<ListPage>(t, path + q, timeoutMs);
    if (page.status === 410 && cont && !restarted) {
      // the continue token expired (a very slow or very large list): start this kind again once
      restarted = true;
      items.length = 0;
      cont = undefined;
      continue;
    }
    if (!page.json) {
      const why =
        page.status === 403
          ? 'forbidden by RBAC'
          : page.status === 404
            ? 'not served'
            : `${page.status}: ${statusMessage(page.body)}`;
      skipped.push({
        kind: r.kind,
        group: r.group,
        ...(r.namespaced && namespace !== undefined ? { namespace } : {}),
        reason: why,
      });
      return [];
    }
    for (const it of page.json.items ?? []) {
      if (!it || typeof it !== 'object') continue;
      items.push(normalise(it, apiVersion, r.kind));
    }
    onPage();
    cont = page.json.metadata?.continue || undefined;
    if (!cont) return items;
  }
}

/**
 * List items carry neither apiVersion nor kind; set them. managedFields and
 * kubectl's last-applied copy are bookkeeping no rule reads, and they are often
 * most of an object's size, so they are dropped (in place: a large cluster's
 * objects are not copied).
 */
function normalise(it: Record<string, unknown>, apiVersion: string, kind: string): Record<string, unknown> {
  if (typeof it.apiVersion !== 'string') it.apiVersion = apiVersion;
  if (typeof it.kind !== 'string') it.kind = kind;
  const md = it.metadata;
  if (md && typeof md === 'object' && !Array.isArray(md)) {
    const m = md as Record<string, unknown>;
    delete m.managedFields;
    const ann = m.annotations;
    if (ann && typeof ann === 'object')
      delete (ann as Record<string, unknown>)['kubectl.kubernetes.io/last-applied-configuration'];
  }
  return it;
}
