/**
 * Drift between a desired state (manifests, rendered kustomizations and
 * charts) and a live cluster, as pure functions: no I/O. The adapter
 * (./drift-cluster.ts) reads the cluster and asks the API server to
 * normalise each desired object with a server-side dry-run apply, as
 * `kubectl diff` does (docs/adr/0007); this module decides what differs.
 *
 * - changed: a field the desired object sets (the apply's own field set,
 *   `managedFields` of the dry-run result for kubeprint's field manager)
 *   whose normalised value differs from the live one. Defaults the server
 *   fills in are on both sides, so they never count; a field another manager
 *   added in the cluster and the desired object does not set is not drift
 *   (kubectl diff, Argo CD's and Flux's server-side diffs agree).
 * - missing: a desired object the cluster does not have.
 * - extra: a live object carrying the same GitOps owner's tracking (Argo CD
 *   tracking-id or instance label, Flux Kustomization/HelmRelease labels, a
 *   Helm release's annotations, or labels given) that the desired state lacks.
 */
import type { KubeObject, ObjectRef, ObjectSource } from '../model/kube-object.js';

// ---------------------------------------------------------------- identities

/** The API group of an apiVersion (`''` for core `v1`). */
export function groupOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/**
 * Whether an API group is Kubernetes' own: the core group, a group without a
 * dot (apps, batch, extensions) or under k8s.io / kubernetes.io. A
 * CustomResourceDefinition's group must contain a dot and may use those
 * domains only with an approval annotation.
 */
export function isKubernetesGroup(group: string): boolean {
  return group === '' || !group.includes('.') || /(^|\.)(k8s|kubernetes)\.io$/.test(group);
}

/** What makes two objects the same object across API versions: group, kind, namespace, name. */
export interface ObjectIdentity {
  group: string;
  kind: string;
  /** Undefined for cluster-scoped objects. */
  namespace: string | undefined;
  name: string;
}

export function identityKey(id: ObjectIdentity): string {
  return `${id.group}/${id.kind}/${id.namespace ?? ''}/${id.name}`;
}

/** `Deployment shop/web`, `ClusterRole view`, `Certificate.cert-manager.io shop/tls`. */
export function describeObject(o: { apiVersion: string; kind: string; namespace?: string; name: string }): string {
  const group = groupOf(o.apiVersion);
  const kind = group === '' || BUILTIN_GROUPS.has(group) ? o.kind : `${o.kind}.${group}`;
  return `${kind} ${o.namespace ? `${o.namespace}/` : ''}${o.name}`;
}

const BUILTIN_GROUPS = new Set([
  'apps',
  'batch',
  'autoscaling',
  'policy',
  'networking.k8s.io',
  'rbac.authorization.k8s.io',
  'storage.k8s.io',
  'scheduling.k8s.io',
  'coordination.k8s.io',
  'discovery.k8s.io',
  'admissionregistration.k8s.io',
  'apiextensions.k8s.io',
  'certificates.k8s.io',
  'node.k8s.io',
]);

// ---------------------------------------------------------------- report

export interface SourceAt {
  file: string;
  line: number;
  column: number;
}

/** One difference between the desired state and the cluster. */
export type DriftEntry =
  | {
      type: 'changed';
      object: ObjectRef;
      /** JSON pointer of the field in the desired object as written (its nearest existing parent for a removed field). */
      path: string;
      /** The field for people: `spec.template.spec.containers[name=web].image`. */
      field: string;
      /** added: the desired object sets a field the cluster lacks; removed: the apply would remove it; modified: both differ. */
      change: 'added' | 'removed' | 'modified';
      /** The normalised desired value (absent when removed or redacted). */
      desired?: unknown;
      /** The live value (absent when added or redacted). */
      live?: unknown;
      /** Set for Secret data: values are not shown. */
      redacted?: true;
      source?: SourceAt;
    }
  | { type: 'missing'; object: ObjectRef; detail?: string; source?: SourceAt }
  | {
      type: 'extra';
      object: ObjectRef;
      /** The owner tracking that claims it (`Flux Kustomization flux-system/apps`). */
      owner: string;
    };

export type DriftProblemCode = 'NOT_SERVED' | 'FORBIDDEN' | 'REJECTED' | 'DUPLICATE' | 'READ_FAILED' | 'INPUT';

/** An object that could not be compared: the answer is incomplete, so the run does not pass. */
export interface DriftProblem {
  code: DriftProblemCode;
  message: string;
  object?: ObjectRef;
  source?: SourceAt;
}

/** A desired object deliberately not compared (a hook, an object its controller ignores), with why. */
export interface DriftSkip {
  object: ObjectRef;
  reason: string;
  source?: SourceAt;
}

export interface DriftReport {
  context: string;
  server: string;
  /** Desired objects compared with the cluster. */
  compared: number;
  /** The owner trackings used to look for extra objects (empty: extras were not looked for). */
  owners: string[];
  entries: DriftEntry[];
  skipped: DriftSkip[];
  problems: DriftProblem[];
  /** What the reader should know: kinds not read, fields left to an autoscaler, extras not looked for. */
  notes: string[];
}

/** 2 when some object could not be compared, 1 when there is drift, 0 when none. */
export function driftExitCode(r: Pick<DriftReport, 'entries' | 'problems'>): 0 | 1 | 2 {
  if (r.problems.length > 0) return 2;
  return r.entries.length > 0 ? 1 : 0;
}

/** Entries in a stable order: missing, changed, extra; then kind, namespace, name; a changed object's fields by line, then name. */
export function sortEntries(entries: DriftEntry[]): DriftEntry[] {
  const rank = { missing: 0, changed: 1, extra: 2 } as const;
  const objectText = (o: ObjectRef) => `${o.kind}/${o.namespace ?? ''}/${o.name}/${groupOf(o.apiVersion)}`;
  const line = (e: DriftEntry) => (e.type === 'changed' ? (e.source?.line ?? 0) : 0);
  const field = (e: DriftEntry) => (e.type === 'changed' ? e.field : '');
  return entries.sort(
    (a, b) =>
      rank[a.type] - rank[b.type] ||
      cmp(objectText(a.object), objectText(b.object)) ||
      line(a) - line(b) ||
      cmp(field(a), field(b)),
  );
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// ---------------------------------------------------------------- preparing the apply

/**
 * The body of the dry-run apply for a desired object: server-owned fields
 * dropped (an apply with `managedFields` or a stale `resourceVersion` is
 * refused), the namespace set as kubectl sets it, and a Secret's `stringData`
 * folded into `data` the way the API server does on write (stringData is
 * never read back, so comparing it would hide every change).
 */
export function applyBody(
  raw: Record<string, unknown>,
  where: { namespaced: boolean; namespace: string },
): Record<string, unknown> {
  const body = structuredClone(raw);
  delete body.status;
  const md = isObject(body.metadata) ? body.metadata : {};
  body.metadata = md;
  for (const f of SERVER_METADATA) delete md[f];
  if (where.namespaced) md.namespace = where.namespace;
  else delete md.namespace;
  if (body.apiVersion === 'v1' && body.kind === 'Secret' && isObject(body.stringData)) {
    const data = isObject(body.data) ? body.data : {};
    for (const [k, v] of Object.entries(body.stringData)) {
      if (typeof v === 'string') data[k] = Buffer.from(v, 'utf8').toString('base64');
    }
    body.data = data;
    delete body.stringData;
  }
  return body;
}

/**
 * Labels and annotations a GitOps tool or Helm writes onto what it deploys
 * (they are in no manifest): Argo CD's tracking, Flux's owner labels, Helm's
 * release marks. kubeprint carries them from the live copy into the apply
 * body, as the tool itself would, so that their absence from git is not drift.
 */
export const TRACKING_LABELS = [
  'app.kubernetes.io/instance',
  'app.kubernetes.io/managed-by',
  'kustomize.toolkit.fluxcd.io/name',
  'kustomize.toolkit.fluxcd.io/namespace',
  'helm.toolkit.fluxcd.io/name',
  'helm.toolkit.fluxcd.io/namespace',
] as const;
export const TRACKING_ANNOTATIONS = [
  'argocd.argoproj.io/tracking-id',
  'argocd.argoproj.io/installation-id',
  'meta.helm.sh/release-name',
  'meta.helm.sh/release-namespace',
] as const;

/** The apply body with the live copy's tracking labels and annotations that the body does not set itself. */
export function withLiveTracking(
  body: Record<string, unknown>,
  live: Record<string, unknown>,
): Record<string, unknown> {
  const liveMd = isObject(live.metadata) ? live.metadata : {};
  const md = isObject(body.metadata) ? body.metadata : {};
  body.metadata = md;
  const carry = (field: 'labels' | 'annotations', keys: readonly string[]) => {
    const from = isObject(liveMd[field]) ? liveMd[field] : {};
    const present = keys.filter((k) => typeof from[k] === 'string');
    if (present.length === 0) return;
    const to = isObject(md[field]) ? md[field] : {};
    for (const k of present) if (to[k] === undefined) to[k] = from[k];
    md[field] = to;
  };
  carry('labels', TRACKING_LABELS);
  carry('annotations', TRACKING_ANNOTATIONS);
  return body;
}

/** Metadata the API server owns: never desired, never drift. */
const SERVER_METADATA = [
  'managedFields',
  'resourceVersion',
  'uid',
  'generation',
  'creationTimestamp',
  'selfLink',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
] as const;

/** Annotations that record an apply or a rollout, not a desired value. */
const BOOKKEEPING_ANNOTATIONS = new Set([
  'kubectl.kubernetes.io/last-applied-configuration',
  'deployment.kubernetes.io/revision',
]);

/**
 * Why a desired object is not compared, or `'create-only'` when only its
 * existence counts (Flux `kustomize.toolkit.fluxcd.io/ssa: IfNotPresent`):
 * - Helm and Argo CD hooks run at install/sync time and are often deleted after;
 * - Flux leaves objects alone that say `kustomize.toolkit.fluxcd.io/reconcile: disabled`
 *   or `kustomize.toolkit.fluxcd.io/ssa: Ignore`.
 */
export function compareMode(raw: Record<string, unknown>): 'compare' | 'create-only' | { skip: string } {
  const md = isObject(raw.metadata) ? raw.metadata : {};
  const ann = isObject(md.annotations) ? md.annotations : {};
  const hook = ann['helm.sh/hook'];
  if (typeof hook === 'string' && hook.trim() !== '')
    return { skip: `a Helm hook (${hook}): it runs at install or upgrade time and is not part of the steady state` };
  const argoHook = ann['argocd.argoproj.io/hook'];
  if (typeof argoHook === 'string' && argoHook.trim() !== '')
    return { skip: `an Argo CD hook (${argoHook}): it runs at sync time and is not part of the steady state` };
  if (String(ann['kustomize.toolkit.fluxcd.io/reconcile']).toLowerCase() === 'disabled')
    return { skip: 'kustomize.toolkit.fluxcd.io/reconcile: disabled (Flux leaves it alone)' };
  const ssa = String(ann['kustomize.toolkit.fluxcd.io/ssa'] ?? '').toLowerCase();
  if (ssa === 'ignore') return { skip: 'kustomize.toolkit.fluxcd.io/ssa: Ignore (Flux leaves it alone)' };
  if (ssa === 'ifnotpresent') return 'create-only';
  return 'compare';
}

// ---------------------------------------------------------------- field changes

/** Server-side apply's field set (`managedFields[].fieldsV1`). */
export type FieldSet = { [key: string]: FieldSet };

/** One step into an object, as a field set names it. */
export type Segment =
  | { $case: 'field'; name: string }
  /** An element of an associative list, by its key fields (`k:{"name":"web"}`), at `index` in the normalised list. */
  | { $case: 'key'; key: Record<string, unknown>; index: number }
  /** An element of a set of scalars (`v:"x"`). */
  | { $case: 'value'; value: unknown; index: number }
  | { $case: 'index'; index: number };

export interface FieldChange {
  segments: Segment[];
  change: 'added' | 'removed' | 'modified';
  desired: unknown;
  live: unknown;
}

/**
 * The fields of `owned` (the apply's field set, with the field set the same
 * manager applied before when there is one) whose value in the normalised
 * object differs from the live object. A field the normalised object lacks
 * and the live one has is one the apply would remove; a whole new element or
 * map is reported once, at its root.
 */
export function ownedFieldChanges(owned: FieldSet, normalised: unknown, live: unknown): FieldChange[] {
  const out: FieldChange[] = [];
  walkFields(owned, normalised, live, [], out);
  return out.filter((c) => !ignoredPath(c.segments));
}

function walkFields(fields: FieldSet, norm: unknown, live: unknown, segs: Segment[], out: FieldChange[]): void {
  for (const [k, sub] of Object.entries(fields)) {
    if (k === '.') continue;
    const step = stepInto(k, norm, live);
    if (!step) continue;
    compareAt(sub, step.norm, step.live, [...segs, step.seg], out);
  }
}

function compareAt(sub: FieldSet, norm: unknown, live: unknown, segs: Segment[], out: FieldChange[]): void {
  if (norm === undefined && live === undefined) return;
  const children = isObject(sub) ? Object.keys(sub).filter((k) => k !== '.') : [];
  if (norm === undefined || live === undefined) {
    // a map or struct one side lacks: field by field (a label, not the whole label map); a list element: whole
    const present = norm ?? live;
    if (segs.at(-1)?.$case === 'field' && isObject(present) && children.some((k) => k.startsWith('f:'))) {
      walkFields(sub, norm, live, segs, out);
      return;
    }
    out.push({ segments: segs, change: norm === undefined ? 'removed' : 'added', desired: norm, live });
    return;
  }
  if (children.length === 0) {
    // `{}`: the value is owned whole; `{".": {}}` alone: only the element's existence (its key fields matched)
    if (isObject(sub) && '.' in sub) return;
    if (!deepEqual(norm, live)) out.push({ segments: segs, change: 'modified', desired: norm, live });
    return;
  }
  const bothMaps = isObject(norm) && isObject(live);
  const bothLists = Array.isArray(norm) && Array.isArray(live);
  if (!bothMaps && !bothLists) {
    if (!deepEqual(norm, live)) out.push({ segments: segs, change: 'modified', desired: norm, live });
    return;
  }
  walkFields(sub, norm, live, segs, out);
}

function stepInto(k: string, norm: unknown, live: unknown): { seg: Segment; norm: unknown; live: unknown } | undefined {
  const prefix = k.slice(0, 2);
  const rest = k.slice(2);
  if (prefix === 'f:') {
    return {
      seg: { $case: 'field', name: rest },
      norm: isObject(norm) ? norm[rest] : undefined,
      live: isObject(live) ? live[rest] : undefined,
    };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(rest);
  } catch {
    return undefined;
  }
  const list = (v: unknown) => (Array.isArray(v) ? v : []);
  if (prefix === 'k:' && isObject(parsed)) {
    const key = parsed;
    const match = (el: unknown) => isObject(el) && Object.entries(key).every(([f, v]) => deepEqual(el[f], v));
    const ni = list(norm).findIndex(match);
    const li = list(live).findIndex(match);
    return {
      seg: { $case: 'key', key, index: ni >= 0 ? ni : li },
      norm: ni >= 0 ? list(norm)[ni] : undefined,
      live: li >= 0 ? list(live)[li] : undefined,
    };
  }
  if (prefix === 'v:') {
    const ni = list(norm).findIndex((el) => deepEqual(el, parsed));
    const li = list(live).findIndex((el) => deepEqual(el, parsed));
    return {
      seg: { $case: 'value', value: parsed, index: ni >= 0 ? ni : li },
      norm: ni >= 0 ? parsed : undefined,
      live: li >= 0 ? parsed : undefined,
    };
  }
  if (prefix === 'i:' && typeof parsed === 'number' && Number.isInteger(parsed)) {
    return { seg: { $case: 'index', index: parsed }, norm: list(norm)[parsed], live: list(live)[parsed] };
  }
  return undefined;
}

/** Two field sets as one (the union of their fields). */
export function unionFieldSets(a: FieldSet, b: FieldSet): FieldSet {
  const out: FieldSet = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const mine = out[k];
    out[k] = mine && isObject(mine) && isObject(v) ? unionFieldSets(mine, v) : isObject(v) ? v : {};
  }
  return out;
}

/**
 * The field set an object's `managedFields` records for `manager`'s apply on
 * the main resource (not a subresource), or undefined when it has none.
 */
export function appliedFieldSet(raw: unknown, manager: string): FieldSet | undefined {
  const md = isObject(raw) && isObject(raw.metadata) ? raw.metadata : undefined;
  const entries = Array.isArray(md?.managedFields) ? md.managedFields : [];
  for (const e of entries) {
    if (!isObject(e) || e.manager !== manager || e.operation !== 'Apply') continue;
    if (typeof e.subresource === 'string' && e.subresource !== '') continue;
    if (isObject(e.fieldsV1)) return e.fieldsV1 as FieldSet;
  }
  return undefined;
}

/**
 * What a dry-run apply would change: the fields `manager` applies now (the
 * normalised object's field set) and those it applied before (the live
 * object's), compared between the two objects. A manager whose field set the
 * apply empties has no entry left in the result, and its old fields are what
 * it would remove. Only a server that keeps no managedFields at all gets the
 * whole-object comparison.
 */
export function applyChanges(normalised: unknown, live: unknown, manager: string): FieldChange[] {
  const md = isObject(normalised) && isObject(normalised.metadata) ? normalised.metadata : {};
  if (!Array.isArray(md.managedFields)) return allFieldChanges(normalised, live);
  const now = appliedFieldSet(normalised, manager) ?? {};
  const before = appliedFieldSet(live, manager);
  return ownedFieldChanges(before ? unionFieldSets(now, before) : now, normalised, live);
}

/**
 * Every difference between two objects, for a server that returned no field
 * set for the apply: the server-owned fields and `status` left out; lists of
 * named elements matched by name, other lists by position (a change of
 * length is one change of the whole list).
 */
export function allFieldChanges(normalised: unknown, live: unknown): FieldChange[] {
  const out: FieldChange[] = [];
  diffAll(withoutServerFields(normalised), withoutServerFields(live), [], out);
  return out;
}

/** A copy without status, server-owned metadata and bookkeeping annotations (an emptied annotation map goes too). */
function withoutServerFields(v: unknown): unknown {
  if (!isObject(v)) return v;
  const c = structuredClone(v);
  delete c.status;
  if (isObject(c.metadata)) {
    const md = c.metadata;
    for (const f of SERVER_METADATA) delete md[f];
    if (isObject(md.annotations)) {
      for (const a of BOOKKEEPING_ANNOTATIONS) delete md.annotations[a];
      if (Object.keys(md.annotations).length === 0) delete md.annotations;
    }
  }
  return c;
}

function diffAll(norm: unknown, live: unknown, segs: Segment[], out: FieldChange[]): void {
  if (deepEqual(norm, live)) return;
  if (norm === undefined || live === undefined) {
    out.push({ segments: segs, change: norm === undefined ? 'removed' : 'added', desired: norm, live });
    return;
  }
  if (isObject(norm) && isObject(live)) {
    for (const k of new Set([...Object.keys(norm), ...Object.keys(live)]))
      diffAll(norm[k], live[k], [...segs, { $case: 'field', name: k }], out);
    return;
  }
  if (Array.isArray(norm) && Array.isArray(live)) {
    const named = (l: unknown[]) =>
      l.every((el) => isObject(el) && typeof el.name === 'string') &&
      new Set(l.map((el) => (el as { name: string }).name)).size === l.length;
    if (named(norm) && named(live)) {
      const names = new Set([...norm, ...live].map((el) => (el as { name: string }).name));
      for (const name of names) {
        const ni = norm.findIndex((el) => (el as { name: string }).name === name);
        const li = live.findIndex((el) => (el as { name: string }).name === name);
        diffAll(norm[ni], live[li], [...segs, { $case: 'key', key: { name }, index: ni >= 0 ? ni : li }], out);
      }
      return;
    }
    if (norm.length === live.length) {
      for (let i = 0; i < norm.length; i++) diffAll(norm[i], live[i], [...segs, { $case: 'index', index: i }], out);
      return;
    }
  }
  out.push({ segments: segs, change: 'modified', desired: norm, live });
}

/** status, server-owned metadata and bookkeeping annotations are never drift. */
function ignoredPath(segs: readonly Segment[]): boolean {
  const names = segs.map((s) => (s.$case === 'field' ? s.name : undefined));
  if (names[0] === 'status') return true;
  if (names[0] !== 'metadata') return false;
  if ((SERVER_METADATA as readonly (string | undefined)[]).includes(names[1])) return true;
  return names[1] === 'annotations' && names[2] !== undefined && BOOKKEEPING_ANNOTATIONS.has(names[2]);
}

/** A JSON pointer into the normalised object. */
export function pointerOf(segs: readonly Segment[]): string {
  return segs.map((s) => `/${s.$case === 'field' ? escapePointer(s.name) : String(s.index)}`).join('');
}

/** The field for people: `spec.template.spec.containers[name=web].image`, `metadata.labels["app.kubernetes.io/name"]`. */
export function fieldText(segs: readonly Segment[]): string {
  let out = '';
  for (const s of segs) {
    switch (s.$case) {
      case 'field':
        out += /^[A-Za-z_$][\w$-]*$/.test(s.name) ? `${out === '' ? '' : '.'}${s.name}` : `[${JSON.stringify(s.name)}]`;
        break;
      case 'key':
        out += `[${Object.entries(s.key)
          .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
          .join(',')}]`;
        break;
      case 'value':
        out += `[=${JSON.stringify(s.value)}]`;
        break;
      case 'index':
        out += `[${s.index}]`;
        break;
    }
  }
  return out;
}

/**
 * The pointer of the same field in the desired object as written, so that a
 * change points at its line: list elements are found by their key fields
 * (those the file writes; a key field the server defaulted, such as a port's
 * protocol, is not required). Where the path leaves the desired object (a
 * field the apply would remove), the pointer of its nearest existing parent.
 */
export function desiredPointer(desired: unknown, segs: readonly Segment[]): string {
  let cur = desired;
  let ptr = '';
  for (const s of segs) {
    let next: { at: string; value: unknown } | undefined;
    if (s.$case === 'field') {
      if (isObject(cur) && s.name in cur) next = { at: escapePointer(s.name), value: cur[s.name] };
    } else if (Array.isArray(cur)) {
      const i =
        s.$case === 'key'
          ? cur.findIndex((el) => keyMatchesWritten(el, s.key))
          : s.$case === 'value'
            ? cur.findIndex((el) => deepEqual(el, s.value))
            : s.index < cur.length
              ? s.index
              : -1;
      if (i >= 0) next = { at: String(i), value: cur[i] };
    }
    if (!next) break;
    ptr += `/${next.at}`;
    cur = next.value;
  }
  return ptr;
}

/** An element written in a file matches a server key when every key field it writes is equal (loosely: 80 and "80"). */
function keyMatchesWritten(el: unknown, key: Record<string, unknown>): boolean {
  if (!isObject(el)) return false;
  const written = Object.keys(key).filter((k) => el[k] !== undefined && el[k] !== null);
  return written.length > 0 && written.every((k) => deepEqual(el[k], key[k]) || String(el[k]) === String(key[k]));
}

function escapePointer(s: string): string {
  return s.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Field changes as report entries of one object: pointing at the desired file's lines, Secret values hidden. */
export function changedEntries(
  desired: KubeObject,
  object: ObjectRef,
  changes: readonly FieldChange[],
): Extract<DriftEntry, { type: 'changed' }>[] {
  const secret = groupOf(object.apiVersion) === '' && object.kind === 'Secret';
  return changes.map((c) => {
    const path = desiredPointer(desired.raw, c.segments);
    const e: Extract<DriftEntry, { type: 'changed' }> = {
      type: 'changed',
      object,
      path,
      field: fieldText(c.segments),
      change: c.change,
    };
    const first = c.segments[0];
    if (secret && first?.$case === 'field' && (first.name === 'data' || first.name === 'stringData')) e.redacted = true;
    else {
      if (c.desired !== undefined) e.desired = c.desired;
      if (c.live !== undefined) e.live = c.live;
    }
    const at = sourceAt(desired.source, path);
    if (at) e.source = at;
    return e;
  });
}

/** The file, line and column of a pointer of an object read from a file (the overlay or patch that set it, when known). */
export function sourceAt(source: ObjectSource | undefined, pointer: string): SourceAt | undefined {
  if (!source) return undefined;
  const elsewhere = source.locate?.(pointer);
  if (elsewhere) return elsewhere;
  const pos = source.positionOf(pointer);
  return { file: source.file, line: pos.line, column: pos.column };
}

// ---------------------------------------------------------------- scaling

/**
 * The objects whose `spec.replicas` an autoscaler in the desired state sets
 * (HorizontalPodAutoscaler, KEDA ScaledObject): identity key → the scaler.
 * Their replica count moving is the autoscaler working, not drift.
 */
export function autoscaledTargets(
  desired: ReadonlyArray<{ raw: Record<string, unknown>; identity: ObjectIdentity }>,
): Map<string, string> {
  const out = new Map<string, string>();
  for (const { raw, identity } of desired) {
    const isHpa = identity.group === 'autoscaling' && identity.kind === 'HorizontalPodAutoscaler';
    const isKeda = identity.group === 'keda.sh' && identity.kind === 'ScaledObject';
    if (!isHpa && !isKeda) continue;
    const spec = isObject(raw.spec) ? raw.spec : {};
    const ref = isObject(spec.scaleTargetRef) ? spec.scaleTargetRef : undefined;
    if (!ref || typeof ref.name !== 'string') continue;
    // KEDA's scaleTargetRef defaults to apps/v1 Deployment; an HPA's names both
    const kind = typeof ref.kind === 'string' ? ref.kind : isKeda ? 'Deployment' : undefined;
    const apiVersion = typeof ref.apiVersion === 'string' ? ref.apiVersion : isKeda ? 'apps/v1' : undefined;
    if (!kind || !apiVersion) continue;
    const target = identityKey({ group: groupOf(apiVersion), kind, namespace: identity.namespace, name: ref.name });
    out.set(target, `${identity.kind} ${identity.namespace ? `${identity.namespace}/` : ''}${identity.name}`);
  }
  return out;
}

// ---------------------------------------------------------------- owners

/** How a GitOps tool (or a person, with --owner-label) marks the objects it deploys. */
export type Owner =
  /** Argo CD's annotation tracking (the default since 3.0): `<app>:<group>/<kind>:<namespace>/<name>` naming the object itself. */
  | { $case: 'argocd-tracking-id'; app: string }
  /** Argo CD's label tracking (and Helm's convention): `app.kubernetes.io/instance: <app>`. */
  | { $case: 'instance-label'; value: string }
  | { $case: 'flux-kustomization'; namespace: string; name: string }
  | { $case: 'flux-helmrelease'; namespace: string; name: string }
  /** A release Helm installed: the `meta.helm.sh/release-*` annotations Helm puts on what it creates. */
  | { $case: 'helm-release'; namespace: string; name: string }
  | { $case: 'labels'; labels: Record<string, string> };

export const TRACKING_ID = 'argocd.argoproj.io/tracking-id';
export const INSTANCE_LABEL = 'app.kubernetes.io/instance';
const FLUX_KS = ['kustomize.toolkit.fluxcd.io/name', 'kustomize.toolkit.fluxcd.io/namespace'] as const;
const FLUX_HR = ['helm.toolkit.fluxcd.io/name', 'helm.toolkit.fluxcd.io/namespace'] as const;
const HELM = ['meta.helm.sh/release-name', 'meta.helm.sh/release-namespace'] as const;

/** What the owner tracking of an object needs to know of it (a list's metadata-only item will do). */
export interface ObjectMeta {
  group: string;
  kind: string;
  namespace: string | undefined;
  name: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** Number of ownerReferences: an object a controller made is its owner's child, never extra. */
  ownerReferences: number;
}

export function ownerText(o: Owner): string {
  switch (o.$case) {
    case 'argocd-tracking-id':
      return `Argo CD Application ${o.app} (tracking-id)`;
    case 'instance-label':
      return `label ${INSTANCE_LABEL}=${o.value}`;
    case 'flux-kustomization':
      return `Flux Kustomization ${o.namespace}/${o.name}`;
    case 'flux-helmrelease':
      return `Flux HelmRelease ${o.namespace}/${o.name}`;
    case 'helm-release':
      return `Helm release ${o.namespace}/${o.name}`;
    case 'labels':
      return `labels ${Object.entries(o.labels)
        .map(([k, v]) => `${k}=${v}`)
        .join(',')}`;
  }
}

/**
 * The labels every object of an owner carries, for the API server to filter
 * lists by; empty when no label does (Argo CD's tracking annotation): then
 * every object is listed (metadata only) and filtered by `owns`.
 */
export function ownerSelector(o: Owner): Record<string, string> {
  switch (o.$case) {
    case 'argocd-tracking-id':
      return {};
    case 'instance-label':
      return { [INSTANCE_LABEL]: o.value };
    case 'flux-kustomization':
      return { [FLUX_KS[0]]: o.name, [FLUX_KS[1]]: o.namespace };
    case 'flux-helmrelease':
      return { [FLUX_HR[0]]: o.name, [FLUX_HR[1]]: o.namespace };
    case 'helm-release':
      return { 'app.kubernetes.io/managed-by': 'Helm' };
    case 'labels':
      return { ...o.labels };
  }
}

/** Argo CD's tracking id, when it is well formed and names this very object (a copied annotation names another). */
export function trackingIdApp(
  m: Pick<ObjectMeta, 'group' | 'kind' | 'namespace' | 'name' | 'annotations'>,
): string | undefined {
  const v = m.annotations[TRACKING_ID];
  if (!v) return undefined;
  const parts = v.split(':');
  if (parts.length < 3) return undefined;
  const [app, gk, nsName] = [parts[0] as string, parts[1] as string, parts.slice(2).join(':')];
  const g = gk.split('/');
  const n = nsName.split('/');
  if (g.length !== 2 || n.length !== 2 || app === '') return undefined;
  const names = g[0] === m.group && g[1] === m.kind && n[1] === m.name && (n[0] ?? '') === (m.namespace ?? '');
  return names ? app : undefined;
}

/**
 * The owners an object's tracking names. The instance label counts only when
 * nothing more specific does: Helm charts put it on every object, so on an
 * object that Argo CD's annotation, Flux or Helm track, it is not the owner.
 */
export function ownersOf(m: ObjectMeta): Owner[] {
  const out: Owner[] = [];
  const app = trackingIdApp(m);
  if (app) out.push({ $case: 'argocd-tracking-id', app });
  const pair = (keys: readonly [string, string], from: Record<string, string>) => {
    const [name, namespace] = [from[keys[0]], from[keys[1]]];
    return name && namespace ? { name, namespace } : undefined;
  };
  const ks = pair(FLUX_KS, m.labels);
  if (ks) out.push({ $case: 'flux-kustomization', ...ks });
  const hr = pair(FLUX_HR, m.labels);
  if (hr) out.push({ $case: 'flux-helmrelease', ...hr });
  const helm = pair(HELM, m.annotations);
  if (helm) out.push({ $case: 'helm-release', ...helm });
  const instance = m.labels[INSTANCE_LABEL];
  if (out.length === 0 && instance) out.push({ $case: 'instance-label', value: instance });
  return out;
}

/** Whether an owner's tracking claims an object. */
export function owns(o: Owner, m: ObjectMeta): boolean {
  switch (o.$case) {
    case 'argocd-tracking-id':
      return trackingIdApp(m) === o.app;
    case 'instance-label': {
      if (m.labels[INSTANCE_LABEL] !== o.value) return false;
      // Argo CD's annotation, when present, is what tracks the object
      const app = trackingIdApp(m);
      return app === undefined || app === o.value;
    }
    case 'helm-release':
      return m.annotations[HELM[0]] === o.name && m.annotations[HELM[1]] === o.namespace;
    default:
      return Object.entries(ownerSelector(o)).every(([k, v]) => m.labels[k] === v);
  }
}

/**
 * The owner tracking of what a GitOps object deploys (the `deployedBy` that
 * following an Application or a Flux Kustomization/HelmRelease gives), for
 * when neither the objects nor their live copies carry any: Argo CD's
 * tracking id names the Application (`<namespace>_<name>` for an Application
 * outside Argo CD's own namespace, which kubeprint takes to be `argocd` or
 * `openshift-gitops`), Flux's labels name the Kustomization or HelmRelease.
 */
export function ownersFromDeployer(
  by: { apiVersion: string; kind: string; namespace?: string; name: string } | undefined,
): Owner[] {
  if (!by) return [];
  const group = groupOf(by.apiVersion);
  if (group === 'argoproj.io' && by.kind === 'Application') {
    const home = by.namespace === undefined || ARGOCD_NAMESPACES.has(by.namespace);
    return [{ $case: 'argocd-tracking-id', app: home ? by.name : `${by.namespace}_${by.name}` }];
  }
  if (group === 'kustomize.toolkit.fluxcd.io' && by.kind === 'Kustomization' && by.namespace)
    return [{ $case: 'flux-kustomization', namespace: by.namespace, name: by.name }];
  if (group === 'helm.toolkit.fluxcd.io' && by.kind === 'HelmRelease' && by.namespace)
    return [{ $case: 'flux-helmrelease', namespace: by.namespace, name: by.name }];
  return [];
}

const ARGOCD_NAMESPACES = new Set(['argocd', 'openshift-gitops']);

/** Owners without repeats, in first-seen order. */
export function uniqueOwners(owners: Iterable<Owner>): Owner[] {
  const seen = new Map<string, Owner>();
  for (const o of owners) if (!seen.has(ownerText(o))) seen.set(ownerText(o), o);
  return [...seen.values()];
}

/**
 * Kinds never extra: objects controllers make and label after what they serve
 * (Endpoints copy a Service's labels), leases, events, reviews, reports. This
 * is Argo CD's default `resource.exclusions` plus its built-in exclusions.
 */
export const NEVER_EXTRA: ReadonlyArray<{ group: string; kinds?: readonly string[] }> = [
  { group: '', kinds: ['Endpoints', 'Event'] },
  { group: 'discovery.k8s.io', kinds: ['EndpointSlice'] },
  { group: 'events.k8s.io' },
  { group: 'metrics.k8s.io' },
  { group: 'coordination.k8s.io', kinds: ['Lease'] },
  { group: 'apiregistration.k8s.io', kinds: ['APIService'] },
  { group: 'authentication.k8s.io' },
  { group: 'authorization.k8s.io' },
  { group: 'certificates.k8s.io', kinds: ['CertificateSigningRequest'] },
  { group: 'cert-manager.io', kinds: ['CertificateRequest'] },
  { group: 'cilium.io', kinds: ['CiliumIdentity', 'CiliumEndpoint', 'CiliumEndpointSlice'] },
  {
    group: 'kyverno.io',
    kinds: ['AdmissionReport', 'ClusterAdmissionReport', 'BackgroundScanReport', 'ClusterBackgroundScanReport'],
  },
  {
    group: 'reports.kyverno.io',
    kinds: ['EphemeralReport', 'ClusterEphemeralReport'],
  },
  { group: 'wgpolicyk8s.io', kinds: ['PolicyReport', 'ClusterPolicyReport'] },
];

export function neverExtra(group: string, kind: string): boolean {
  return NEVER_EXTRA.some((x) => x.group === group && (x.kinds === undefined || x.kinds.includes(kind)));
}

/**
 * Live objects that an owner claims and the desired state lacks. Objects with
 * ownerReferences are children of a tracked object (a Deployment's
 * ReplicaSets), not extra; hooks and objects Argo CD is told to ignore
 * (`argocd.argoproj.io/compare-options: IgnoreExtraneous`) neither.
 */
export function extraObjects(
  desired: ReadonlySet<string>,
  candidates: ReadonlyArray<ObjectMeta & { apiVersion: string }>,
  owners: readonly Owner[],
): Extract<DriftEntry, { type: 'extra' }>[] {
  const out = new Map<string, Extract<DriftEntry, { type: 'extra' }>>();
  for (const c of candidates) {
    const key = identityKey(c);
    if (desired.has(key) || out.has(key)) continue;
    if (c.ownerReferences > 0 || neverExtra(c.group, c.kind)) continue;
    if (c.annotations['helm.sh/hook'] || c.annotations['argocd.argoproj.io/hook']) continue;
    if (/(^|,)\s*IgnoreExtraneous\s*(,|$)/.test(c.annotations['argocd.argoproj.io/compare-options'] ?? '')) continue;
    const owner = owners.find((o) => owns(o, c));
    if (!owner) continue;
    const object: ObjectRef = { apiVersion: c.apiVersion, kind: c.kind, name: c.name };
    if (c.namespace !== undefined) object.namespace = c.namespace;
    out.set(key, { type: 'extra', object, owner: ownerText(owner) });
  }
  return [...out.values()];
}

/** `KEY=VALUE` pairs (--owner-label) as labels; undefined entries for malformed ones. */
export function parseLabelPairs(pairs: readonly string[]): { labels: Record<string, string>; bad: string[] } {
  const labels: Record<string, string> = {};
  const bad: string[] = [];
  for (const p of pairs) {
    for (const part of p.split(',')) {
      const m = /^\s*([A-Za-z0-9][-A-Za-z0-9_./]*)\s*=\s*([-A-Za-z0-9_.]*)\s*$/.exec(part);
      if (m) labels[m[1] as string] = m[2] as string;
      else bad.push(part);
    }
  }
  return { labels, bad };
}

// ---------------------------------------------------------------- helpers

function isObject(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((x, i) => deepEqual(x, bb[i]));
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const ak = Object.keys(ao).filter((k) => ao[k] !== undefined);
  const bk = Object.keys(bo).filter((k) => bo[k] !== undefined);
  return ak.length === bk.length && ak.every((k) => deepEqual(ao[k], bo[k]));
}

/** Labels and annotations of a raw object or a metadata-only list item, as string maps. */
export function metaOf(raw: Record<string, unknown>, apiVersion: string, kind: string): ObjectMeta {
  const md = isObject(raw.metadata) ? raw.metadata : {};
  const strings = (v: unknown) => {
    const out: Record<string, string> = {};
    if (isObject(v)) for (const [k, x] of Object.entries(v)) if (typeof x === 'string') out[k] = x;
    return out;
  };
  return {
    group: groupOf(apiVersion),
    kind,
    namespace: typeof md.namespace === 'string' && md.namespace !== '' ? md.namespace : undefined,
    name: typeof md.name === 'string' ? md.name : '',
    labels: strings(md.labels),
    annotations: strings(md.annotations),
    ownerReferences: Array.isArray(md.ownerReferences) ? md.ownerReferences.length : 0,
  };
}
