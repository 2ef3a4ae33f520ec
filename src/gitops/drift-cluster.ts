/**
 * The I/O half of drift: reads the live copy of each desired object, asks the
 * API server to normalise the desired object with a server-side dry-run apply
 * (`PATCH` with `application/apply-patch+yaml`, `dryRun=All`, field manager
 * `kubeprint`, `force`: what `kubectl diff --server-side` sends), and lists
 * the objects the desired objects' GitOps owner tracks (metadata only). The
 * decisions are ./drift.ts's; the transport and kubeconfig handling are the
 * cluster source's.
 */
import { KubeprintError } from '../errors.js';
import type { KubeObject, ObjectRef } from '../model/kube-object.js';
import { connect, getJson, requestFailed, statusMessage, type Transport } from '../sources/cluster.js';
import {
  applyBody,
  applyChanges,
  autoscaledTargets,
  changedEntries,
  compareMode,
  type DriftEntry,
  type DriftProblem,
  type DriftReport,
  type DriftSkip,
  deepEqual,
  describeObject,
  extraObjects,
  groupOf,
  identityKey,
  isKubernetesGroup,
  metaOf,
  neverExtra,
  type ObjectIdentity,
  type ObjectMeta,
  type Owner,
  ownerSelector,
  ownersFromDeployer,
  ownersOf,
  ownerText,
  sortEntries,
  sourceAt,
  uniqueOwners,
  withLiveTracking,
} from './drift.js';

export interface DriftOptions {
  /** Kubeconfig file (default: $KUBECONFIG, then ~/.kube/config, then in-cluster). */
  kubeconfig?: string;
  /** Context (default: the kubeconfig's current context). */
  context?: string;
  env?: Record<string, string | undefined>;
  /** Namespace of desired namespaced objects that name none (default: the context's namespace, else `default`, as kubectl). */
  namespace?: string;
  /**
   * Field manager of the dry-run apply (default `kubeprint`). Naming the
   * manager that applies the objects (Flux's `kustomize-controller`, Argo CD's
   * `argocd-controller` with server-side apply) also shows fields it applied
   * before that the desired state no longer sets: the apply would remove them.
   */
  fieldManager?: string;
  /** The labels that mark the owner's objects; replaces the owners read from the objects' tracking. */
  ownerLabels?: Record<string, string>;
  /** Requests in flight at once (default 4). */
  concurrency?: number;
  /** Deadline of one request (default 30 s). */
  timeoutMs?: number;
  /** One line for each kind that could not be listed while looking for extra objects. */
  notice?: (line: string) => void;
}

/**
 * Compare desired objects with the cluster of a kubeconfig context.
 *
 * @throws KubeprintError USAGE (no kubeconfig, unknown context), CONNECTION_FAILED
 *   (unreachable, TLS or authentication failure), TIMEOUT. Problems with single
 *   objects (forbidden, rejected by the API server) are in the report's `problems`.
 */
export async function driftAgainstCluster(
  desired: readonly KubeObject[],
  opts: DriftOptions = {},
): Promise<DriftReport> {
  const { transport, contextName, contextNamespace } = await connect(opts);
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const manager = opts.fieldManager ?? 'kubeprint';
  const defaultNamespace = opts.namespace ?? contextNamespace ?? 'default';
  const discovery = new Discovery(transport, timeoutMs);
  await discovery.init();
  const report: DriftReport = {
    context: contextName,
    server: transport.server,
    compared: 0,
    owners: [],
    entries: [],
    skipped: [],
    problems: [],
    notes: [],
  };

  // 1. where each desired object lives, and which of them can be compared
  const planned: Planned[] = [];
  // every desired object, compared or not, is never extra (a hook; an object in an apiVersion the cluster no longer serves)
  const desiredKeys = new Set<string>();
  for (const o of desired) {
    const p = await plan(o, discovery, defaultNamespace);
    const ref = 'problem' in p ? p.problem.object : 'skip' in p ? p.skip.object : p.ref;
    if (ref)
      desiredKeys.add(
        identityKey({ group: groupOf(ref.apiVersion), kind: ref.kind, namespace: ref.namespace, name: ref.name }),
      );
    if ('problem' in p) report.problems.push(p.problem);
    else if ('skip' in p) report.skipped.push(p.skip);
    else planned.push(p);
  }
  const byKey = new Map<string, Planned[]>();
  for (const p of planned) byKey.set(identityKey(p.identity), [...(byKey.get(identityKey(p.identity)) ?? []), p]);
  const scaled = autoscaledTargets(planned.map((p) => ({ raw: p.object.raw, identity: p.identity })));

  // 2. each object against its live copy
  const inferred: Owner[] = [];
  const jobs: Array<() => Promise<void>> = [];
  for (const [key, copies] of byKey) {
    const first = copies[0] as Planned;
    if (copies.some((c) => !deepEqual(c.object.raw, first.object.raw))) {
      const at = sourceAt(first.object.source, '');
      report.problems.push({
        code: 'DUPLICATE',
        object: first.ref,
        message: `${describeObject(first.ref)} is defined ${copies.length} times, differently (${copies.map((c) => where(c.object)).join(', ')}): drift compares one desired state; give the PATH of one environment`,
        ...(at ? { source: at } : {}),
      });
      continue;
    }
    const desiredMeta = {
      ...metaOf(first.object.raw, first.ref.apiVersion, first.ref.kind),
      namespace: first.identity.namespace,
    };
    for (const o of ownersOf(desiredMeta)) inferred.push(o);
    if (first.$case === 'not-served') {
      report.compared++;
      report.entries.push(missing(first, first.detail));
      continue;
    }
    const mode = compareMode(first.object.raw);
    if (typeof mode === 'object') continue; // skipped in plan()
    jobs.push(async () => {
      const r = await compareOne(transport, first, mode, manager, timeoutMs);
      report.compared++;
      if ('problem' in r) {
        report.problems.push(r.problem);
        return;
      }
      if (r.live) for (const o of ownersOf(metaOf(r.live, first.ref.apiVersion, first.ref.kind))) inferred.push(o);
      const scaler = scaled.get(key);
      for (const e of r.entries) {
        if (scaler && e.type === 'changed' && e.field === 'spec.replicas') {
          report.notes.push(`${describeObject(first.ref)}: spec.replicas not compared, ${scaler} scales it`);
          continue;
        }
        report.entries.push(e);
      }
    });
  }
  await inParallel(jobs, opts.concurrency ?? 4);

  // 3. what the owners track that the desired state lacks: the owners the objects and the cluster name,
  // else those of the GitOps objects that deploy them
  const found = uniqueOwners(inferred);
  const owners = opts.ownerLabels
    ? [{ $case: 'labels', labels: opts.ownerLabels } as Owner]
    : found.length > 0
      ? found
      : uniqueOwners(planned.flatMap((p) => ownersFromDeployer(p.object.source?.deployedBy)));
  report.owners = owners.map(ownerText);
  if (owners.length === 0) {
    report.notes.push(
      'no GitOps owner tracking on the desired objects or their live copies (Argo CD tracking-id or app.kubernetes.io/instance, Flux or Helm labels): extra objects were not looked for; give --owner-label KEY=VALUE',
    );
  } else {
    const namespaces = [...new Set(planned.map((p) => p.identity.namespace).filter((n): n is string => !!n))];
    const candidates = await trackedObjects(transport, discovery, owners, namespaces, timeoutMs, opts, report.notes);
    for (const e of extraObjects(desiredKeys, candidates, owners)) report.entries.push(e);
  }
  sortEntries(report.entries);
  return report;
}

// ---------------------------------------------------------------- planning

type Planned =
  | { $case: 'served'; object: KubeObject; identity: ObjectIdentity; ref: ObjectRef; path: string }
  | { $case: 'not-served'; object: KubeObject; identity: ObjectIdentity; ref: ObjectRef; detail: string };

async function plan(
  o: KubeObject,
  discovery: Discovery,
  defaultNamespace: string,
): Promise<Planned | { problem: DriftProblem } | { skip: DriftSkip }> {
  const at = sourceAt(o.source, '');
  const res = await discovery.resolve(o.apiVersion, o.kind);
  const namespaced = res.$case === 'served' ? res.resource.namespaced : o.namespace !== undefined;
  const namespace = namespaced ? (o.namespace ?? defaultNamespace) : undefined;
  const ref = refOf(o, namespace);
  // hooks first: a hook's generateName or uninstalled kind is no problem, it is not compared at all
  const mode = compareMode(o.raw);
  if (typeof mode === 'object') return { skip: { object: ref, reason: mode.skip, ...(at ? { source: at } : {}) } };
  const problem = (code: DriftProblem['code'], message: string): { problem: DriftProblem } => ({
    problem: { code, message, object: ref, ...(at ? { source: at } : {}) },
  });
  const md = o.raw.metadata as Record<string, unknown> | undefined;
  if (!md || typeof md.name !== 'string' || md.name === '')
    return problem(
      'INPUT',
      typeof md?.generateName === 'string'
        ? `${o.kind} ${o.name} has only metadata.generateName (a new name on every create): it cannot be compared`
        : `${o.kind} has no metadata.name: it cannot be compared`,
    );
  if (res.$case === 'version-not-served') return problem('NOT_SERVED', res.detail);
  const identity: ObjectIdentity = { group: groupOf(o.apiVersion), kind: o.kind, namespace, name: o.name };
  if (res.$case === 'not-served') return { $case: 'not-served', object: o, identity, ref, detail: res.detail };
  return { $case: 'served', object: o, identity, ref, path: objectPath(res.resource, namespace, o.name) };
}

function refOf(o: KubeObject, namespace: string | undefined): ObjectRef {
  const ref: ObjectRef = { apiVersion: o.apiVersion, kind: o.kind, name: o.name };
  if (namespace !== undefined) ref.namespace = namespace;
  return ref;
}

function where(o: KubeObject): string {
  return o.source ? `${o.source.file}:${o.source.line}` : o.scope;
}

function missing(p: Planned, detail?: string): DriftEntry {
  const at = sourceAt(p.object.source, '');
  return { type: 'missing', object: p.ref, ...(detail ? { detail } : {}), ...(at ? { source: at } : {}) };
}

// ---------------------------------------------------------------- one object

async function compareOne(
  t: Transport,
  p: Extract<Planned, { $case: 'served' }>,
  mode: 'compare' | 'create-only',
  manager: string,
  timeoutMs: number,
): Promise<{ entries: DriftEntry[]; live?: Record<string, unknown> } | { problem: DriftProblem }> {
  const what = describeObject(p.ref);
  const at = sourceAt(p.object.source, '');
  const problem = (code: DriftProblem['code'], message: string) => ({
    problem: { code, message, object: p.ref, ...(at ? { source: at } : {}) },
  });
  const got = await call(t, { method: 'GET', path: p.path, timeoutMs });
  if (got.status === 404) return { entries: [missing(p)] };
  if (got.status === 403) return problem('FORBIDDEN', `cannot read ${what}: ${statusMessage(got.body)}`);
  const live = got.status === 200 ? parseObject(got.body) : undefined;
  if (!live) return problem('READ_FAILED', `cannot read ${what}: ${got.status} ${statusMessage(got.body)}`);
  if (mode === 'create-only') return { entries: [], live };
  const body = withLiveTracking(
    applyBody(p.object.raw, { namespaced: p.ref.namespace !== undefined, namespace: p.ref.namespace ?? '' }),
    live,
  );
  const q = `dryRun=All&fieldManager=${encodeURIComponent(manager)}&force=true`;
  const applied = await call(t, {
    method: 'PATCH',
    path: `${p.path}?${q}`,
    body: JSON.stringify(body),
    contentType: 'application/apply-patch+yaml',
    timeoutMs,
  });
  if (applied.status === 403)
    return problem(
      'FORBIDDEN',
      `cannot dry-run apply ${what} (it needs the patch verb): ${statusMessage(applied.body)}`,
    );
  const normalised = applied.status === 200 || applied.status === 201 ? parseObject(applied.body) : undefined;
  if (!normalised)
    return problem('REJECTED', `the API server rejects the desired ${what}: ${statusMessage(applied.body)}`);
  return { entries: changedEntries(p.object, p.ref, applyChanges(normalised, live, manager)), live };
}

/**
 * One request; a 429 (too many requests, or a kind's storage still starting
 * just after its CRD was created) is tried again after a second, up to five
 * times, as client-go does.
 */
async function call(t: Transport, req: Parameters<Transport['send']>[0]): Promise<{ status: number; body: string }> {
  for (let attempt = 0; ; attempt++) {
    let r: { status: number; body: string };
    try {
      r = await t.send(req);
    } catch (err) {
      throw requestFailed(t.server, err);
    }
    if (r.status !== 429 || attempt >= RETRIES_429) return r;
    await new Promise((done) => setTimeout(done, RETRY_WAIT_MS));
  }
}

const RETRIES_429 = 5;
const RETRY_WAIT_MS = 1000;

function parseObject(body: string): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(body) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------- tracked objects

const METADATA_ONLY = 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json';

/**
 * The live objects the owners may claim, as metadata: every listable kind
 * (Argo CD's exclusions aside), filtered by the owners' labels on the server
 * when every owner has some, else all of them (Argo CD's tracking annotation
 * cannot be selected). A kind forbidden cluster-wide is listed in the desired
 * objects' namespaces; what stays unread is a note.
 */
async function trackedObjects(
  t: Transport,
  discovery: Discovery,
  owners: readonly Owner[],
  namespaces: readonly string[],
  timeoutMs: number,
  opts: DriftOptions,
  notes: string[],
): Promise<Array<ObjectMeta & { apiVersion: string }>> {
  const resources = (await discovery.listable()).filter((r) => !neverExtra(r.group, r.kind));
  const selectors = owners.some((o) => Object.keys(ownerSelector(o)).length === 0)
    ? ['']
    : [...new Set(owners.map((o) => selectorText(ownerSelector(o))))];
  const out: Array<ObjectMeta & { apiVersion: string }> = [];
  const jobs = resources.flatMap((r) =>
    selectors.map((sel) => async () => {
      const apiVersion = r.group === '' ? r.version : `${r.group}/${r.version}`;
      const add = (items: Record<string, unknown>[]) => {
        for (const it of items) out.push({ apiVersion, ...metaOf(it, apiVersion, r.kind) });
      };
      const all = await listMetadata(t, r, undefined, sel, timeoutMs);
      if (all.ok) return add(all.items);
      if (all.status !== 403 || !r.namespaced || namespaces.length === 0) {
        const line = `${kindText(r)} not listed (${all.reason}): extra objects of that kind may be missing`;
        notes.push(line);
        opts.notice?.(line);
        return;
      }
      const forbidden: string[] = [];
      for (const ns of namespaces) {
        const one = await listMetadata(t, r, ns, sel, timeoutMs);
        if (one.ok) add(one.items);
        else forbidden.push(ns);
      }
      if (forbidden.length > 0) {
        const line = `${kindText(r)} not listed in ${forbidden.join(', ')} (forbidden): extra objects of that kind may be missing`;
        notes.push(line);
        opts.notice?.(line);
      }
    }),
  );
  await inParallel(jobs, opts.concurrency ?? 4);
  return out;
}

function selectorText(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
}

function kindText(r: ApiResource): string {
  return r.group ? `${r.kind}.${r.group}` : r.kind;
}

async function listMetadata(
  t: Transport,
  r: ApiResource,
  namespace: string | undefined,
  selector: string,
  timeoutMs: number,
): Promise<{ ok: true; items: Record<string, unknown>[] } | { ok: false; status: number; reason: string }> {
  const base = listPath(r, namespace);
  const items: Record<string, unknown>[] = [];
  let cont: string | undefined;
  for (;;) {
    const q = new URLSearchParams({ limit: '500' });
    if (selector) q.set('labelSelector', selector);
    if (cont) q.set('continue', cont);
    const page = await call(t, { method: 'GET', path: `${base}?${q}`, timeoutMs, accept: METADATA_ONLY });
    if (page.status !== 200) {
      const reason = page.status === 403 ? 'forbidden by RBAC' : `${page.status}: ${statusMessage(page.body)}`;
      return { ok: false, status: page.status, reason };
    }
    const list = parseObject(page.body);
    for (const it of Array.isArray(list?.items) ? list.items : [])
      if (it && typeof it === 'object' && !Array.isArray(it)) items.push(it as Record<string, unknown>);
    const md = list?.metadata as { continue?: unknown } | undefined;
    cont = typeof md?.continue === 'string' && md.continue !== '' ? md.continue : undefined;
    if (!cont) return { ok: true, items };
  }
}

// ---------------------------------------------------------------- discovery

interface ApiResource {
  group: string;
  version: string;
  resource: string;
  kind: string;
  namespaced: boolean;
  verbs: string[];
}

type Resolved =
  | { $case: 'served'; resource: ApiResource }
  /** The group or the kind is not served: the object cannot be in the cluster. */
  | { $case: 'not-served'; detail: string }
  /** The kind is served, in other versions: the desired object's version cannot be applied. */
  | { $case: 'version-not-served'; detail: string };

/** Which groups, versions and resources the API server serves (each group version read once, when needed). */
class Discovery {
  private groups = new Map<string, { versions: string[]; preferred: string }>();
  private resources = new Map<string, Promise<ApiResource[]>>();

  constructor(
    private readonly t: Transport,
    private readonly timeoutMs: number,
  ) {}

  /** @throws KubeprintError CONNECTION_FAILED when the server does not answer discovery. */
  async init(): Promise<void> {
    const core = await getJson<{ versions?: string[] }>(this.t, '/api', this.timeoutMs);
    if (core.status === 401)
      throw new KubeprintError('CONNECTION_FAILED', `${this.t.server} rejected the credentials (401 Unauthorized)`);
    if (!core.json)
      throw new KubeprintError(
        'CONNECTION_FAILED',
        `${this.t.server}/api answered ${core.status}: ${statusMessage(core.body)}`,
      );
    this.groups.set('', { versions: core.json.versions ?? ['v1'], preferred: 'v1' });
    const apis = await getJson<{
      groups?: Array<{ name: string; versions?: Array<{ version: string }>; preferredVersion?: { version?: string } }>;
    }>(this.t, '/apis', this.timeoutMs);
    if (!apis.json)
      throw new KubeprintError(
        'CONNECTION_FAILED',
        `${this.t.server}/apis answered ${apis.status}: ${statusMessage(apis.body)}`,
      );
    for (const g of apis.json.groups ?? []) {
      const versions = (g.versions ?? []).map((v) => v.version);
      this.groups.set(g.name, { versions, preferred: g.preferredVersion?.version ?? versions[0] ?? '' });
    }
  }

  private resourcesOf(group: string, version: string): Promise<ApiResource[]> {
    const gv = group === '' ? version : `${group}/${version}`;
    let p = this.resources.get(gv);
    if (!p) {
      p = getJson<{ resources?: Array<{ name: string; kind: string; namespaced: boolean; verbs?: string[] }> }>(
        this.t,
        group === '' ? `/api/${version}` : `/apis/${gv}`,
        this.timeoutMs,
      ).then((r) =>
        (r.json?.resources ?? [])
          .filter((x) => !x.name.includes('/'))
          .map((x) => ({
            group,
            version,
            resource: x.name,
            kind: x.kind,
            namespaced: x.namespaced,
            verbs: x.verbs ?? [],
          })),
      );
      this.resources.set(gv, p);
    }
    return p;
  }

  async resolve(apiVersion: string, kind: string): Promise<Resolved> {
    const group = groupOf(apiVersion);
    const version = apiVersion.slice(apiVersion.indexOf('/') + 1);
    const builtin = isKubernetesGroup(group);
    const why = builtin ? 'a Kubernetes API this cluster does not have' : 'is its CRD installed?';
    const g = this.groups.get(group);
    const elsewhere: string[] = [];
    if (g) {
      if (g.versions.includes(version)) {
        const r = (await this.resourcesOf(group, version)).find((x) => x.kind === kind);
        if (r) return { $case: 'served', resource: r };
      }
      for (const v of g.versions) {
        if (v === version) continue;
        if ((await this.resourcesOf(group, v)).some((x) => x.kind === kind))
          elsewhere.push(group ? `${group}/${v}` : v);
      }
    } else if (builtin) {
      // a removed built-in group (extensions): the kind moved to another built-in group
      for (const r of await this.listable())
        if (r.kind === kind && isKubernetesGroup(r.group))
          elsewhere.push(r.group ? `${r.group}/${r.version}` : r.version);
    }
    if (elsewhere.length > 0)
      return {
        $case: 'version-not-served',
        detail: `${apiVersion} ${kind} is not served by the cluster, which serves ${kind} in ${elsewhere.join(', ')}: update the manifest's apiVersion`,
      };
    if (!g) return { $case: 'not-served', detail: `the cluster does not serve the API group ${group} (${why})` };
    return { $case: 'not-served', detail: `the cluster does not serve ${kind} in ${apiVersion} (${why})` };
  }

  /** Every listable resource, each group in its preferred version. */
  async listable(): Promise<ApiResource[]> {
    const all = await Promise.all(
      [...this.groups].map(([group, g]) => (g.preferred ? this.resourcesOf(group, g.preferred) : Promise.resolve([]))),
    );
    return all.flat().filter((r) => r.verbs.includes('list'));
  }
}

function listPath(r: ApiResource, namespace: string | undefined): string {
  const prefix = r.group === '' ? `/api/${r.version}` : `/apis/${r.group}/${r.version}`;
  return r.namespaced && namespace !== undefined
    ? `${prefix}/namespaces/${encodeURIComponent(namespace)}/${r.resource}`
    : `${prefix}/${r.resource}`;
}

function objectPath(r: ApiResource, namespace: string | undefined, name: string): string {
  return `${listPath(r, r.namespaced ? namespace : undefined)}/${encodeURIComponent(name)}`;
}

/** Run tasks with at most `limit` in flight. */
async function inParallel(tasks: Array<() => Promise<void>>, limit: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const task = tasks[next++];
      if (task) await task();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, tasks.length)) }, worker));
}
