/**
 * Following what GitOps objects deploy. Every Argo CD Application, Flux
 * Kustomization and HelmRelease among the scanned objects is resolved to
 * the render its controller would run; sources in the scanned repository are
 * rendered (src/gitops/render.ts through the scan's renderers), the rest are
 * an info finding that names them. The objects a GitOps object renders form
 * one scope, carry `deployedBy`, and are followed in turn (apps of apps), to
 * a depth limit and never twice along one chain. A file, kustomization or
 * chart that a followed render read is judged there and not again as a
 * plain input (see ADR 0014).
 */
import type { DeployedBy, Finding } from '../model/finding.js';
import {
  annotationsOf,
  type KubeObject,
  labelsOf,
  type ObjectSource,
  objectRef,
  toKubeObject,
} from '../model/kube-object.js';
import { escapeSegment, getAt } from '../model/pointer.js';
import { isArgoApplication, isArgoApplicationSet, resolveApplication } from './argocd.js';
import { diskFiles } from './disk.js';
import { isFluxHelmRelease, isFluxKustomization, resolveFluxKustomization, resolveHelmRelease } from './flux.js';
import {
  type Deployment,
  type Files,
  type ObjectLookup,
  planKey,
  type RenderPlan,
  type Resolution,
  type Tree,
} from './plan.js';
import {
  type Batch,
  disposeRenderSession,
  newRenderSession,
  type Rendered,
  type RenderHost,
  renderPlan,
} from './render.js';
import { repositoryKey } from './repo-url.js';
import { treeView } from './tree.js';

/** The rule id of the info finding for a source kubeprint does not follow. */
export const NOT_FOLLOWED_RULE = 'gitops-source-not-followed';

/** How deep apps of apps are followed. */
export const MAX_DEPTH = 10;

/** A repository the scan reads: its root on disk and the URLs that name it. */
export interface ScannedRepository {
  root: string;
  /** repositoryKey of each URL that names it (the git remote, --repo-url). */
  keys: readonly string[];
  /** The tree has `flux bootstrap`'s layout (a flux-system/gotk-sync.yaml or gotk-components.yaml). */
  bootstrap: boolean;
}

/** The plain scan's objects and problems, and the file, kustomization or chart each came from. */
export interface FollowInput {
  objects: readonly KubeObject[];
  problems: readonly Finding[];
  /** `file:<shown path>` for a plain file's objects, `dir:<shown dir>` for a root kustomization's or chart's. */
  unitOfObject(index: number): string | undefined;
  unitOfProblem(problem: Finding): string | undefined;
}

export interface FollowOptions {
  repositories: readonly ScannedRepository[];
  files?: Files;
  maxDepth?: number;
  /** Renders at once. */
  parallel?: number;
}

/** What was done with one source of one GitOps object (for reports and tests). */
export interface FollowRecord {
  owner: { apiVersion: string; kind: string; namespace?: string; name: string; file?: string; line?: number };
  /** The GitOps objects that deploy the owner, nearest first. */
  via: string[];
  /** Pointer of the source field. */
  at: string;
  status: 'followed' | 'not-followed' | 'failed';
  /** For followed sources: `helm chart helm-guestbook`, `kustomization sock-shop`, `directory guestbook`. */
  render?: string;
  reason?: string;
  objects?: number;
  caveats: string[];
}

export interface FollowResult {
  /** Removes the temporary copies renders read; call it once findings are made (their lines read). */
  dispose: () => Promise<void>;
  objects: KubeObject[];
  problems: Finding[];
  files: number;
  skippedDocuments: number;
  records: FollowRecord[];
}

/** True for the kinds whose deployments kubeprint follows (and ApplicationSets, reported as not followed). */
export function isGitopsObject(o: KubeObject): boolean {
  return isArgoApplication(o) || isArgoApplicationSet(o) || isFluxKustomization(o) || isFluxHelmRelease(o);
}

interface Node {
  owner: KubeObject;
  /** Index of the plain-scan object at the head of this chain. */
  root: number;
  depth: number;
  /** Plans rendered along the chain so far. */
  plans: readonly string[];
}

interface RenderRecord {
  root: number;
  consumed: Set<string>;
  objects: KubeObject[];
  problems: Finding[];
}

/**
 * Follow every GitOps object of the plain scan, and those their renders hold.
 * Never throws for bad objects: what cannot be followed is a finding.
 */
export async function followGitops(input: FollowInput, host: RenderHost, opts: FollowOptions): Promise<FollowResult> {
  const files = opts.files ?? diskFiles;
  const maxDepth = opts.maxDepth ?? MAX_DEPTH;
  const known: KubeObject[] = [...input.objects];
  const lookup = objectLookup(known);
  const records: FollowRecord[] = [];
  const session = newRenderSession();
  const renders: RenderRecord[] = [];
  const ownProblems: Array<{ node: Node; finding: Finding }> = [];
  const recordsOf: Array<{ node: Node; record: FollowRecord }> = [];
  let filesRead = 0;
  let skippedDocuments = 0;

  const byKey = new Map<string, ScannedRepository>();
  for (const r of opts.repositories) for (const k of r.keys) if (!byKey.has(k)) byKey.set(k, r);
  const repository = (url: string): Tree | undefined => {
    const key = repositoryKey(url);
    const repo = key === undefined ? undefined : byKey.get(key);
    return repo ? { $case: 'repo', root: repo.root } : undefined;
  };
  const boot = opts.repositories.find((r) => r.bootstrap);
  const ctx = {
    repository,
    bootstrapRepository: (): Tree | undefined => (boot ? { $case: 'repo', root: boot.root } : undefined),
    files,
    lookup,
  };

  let level: Node[] = [];
  input.objects.forEach((o, i) => {
    if (isGitopsObject(o)) level.push({ owner: o, root: i, depth: 0, plans: [] });
  });
  while (level.length > 0) {
    const next: Node[] = [];
    const work = level.map((node) => async () => {
      const { owner } = node;
      const problem = (f: Finding) => ownProblems.push({ node, finding: f });
      const note = (r: FollowRecord) => recordsOf.push({ node, record: r });
      if (isArgoApplicationSet(owner)) {
        problem(
          notFollowed(
            owner,
            '/spec/generators',
            'ApplicationSet: kubeprint does not run its generators, so the Applications it makes are not followed',
          ),
        );
        note(record(owner, '/spec/generators', 'not-followed', { reason: 'ApplicationSet generators are not run' }));
        return;
      }
      let resolution: Resolution;
      try {
        resolution = isArgoApplication(owner)
          ? resolveApplication(owner, ctx)
          : isFluxKustomization(owner)
            ? resolveFluxKustomization(owner, ctx)
            : resolveHelmRelease(owner, ctx);
      } catch (err) {
        problem(notFollowed(owner, '', `kubeprint could not read it (${(err as Error).message})`));
        return;
      }
      const scope = scopeOf(owner);
      const rendered: KubeObject[] = [];
      const consumed = new Set<string>();
      const plansHere: string[] = [];
      const renderProblems: Finding[] = [];
      for (const s of resolution.sources) {
        if (s.$case === 'not-followed') {
          if (s.claims) {
            // the plugin renders this path its own way: a kustomize or helm render of it is not what is deployed
            const real = treeView(s.claims.tree, files).realPath(s.claims.dir);
            if (real !== undefined) consumed.add(`dir:${host.show(real)}`);
          }
          problem(notFollowed(owner, s.at, s.reason));
          note(record(owner, s.at, 'not-followed', { reason: s.reason }));
          continue;
        }
        if (s.$case === 'failed') {
          problem(renderFailedOn(owner, s.at, s.error));
          note(record(owner, s.at, 'failed', { reason: s.error }));
          continue;
        }
        const key = planKey(s.plan);
        if (node.plans.includes(key)) {
          const why = `not followed again: ${describe(owner)} is deployed by its own ${describePlan(s.plan)} (apps of apps); its objects are judged once`;
          problem(notFollowed(owner, s.at, why, true));
          note(record(owner, s.at, 'not-followed', { reason: 'deployed by itself (cycle)' }));
          continue;
        }
        if (node.depth >= maxDepth) {
          problem(notFollowed(owner, s.at, `GitOps objects nest deeper than ${maxDepth} levels here`));
          note(record(owner, s.at, 'not-followed', { reason: `deeper than ${maxDepth} levels` }));
          continue;
        }
        let out: Awaited<ReturnType<typeof renderPlan>>;
        try {
          out = await renderPlan(s.plan, host, files, session);
        } catch (err) {
          problem(renderFailedOn(owner, s.at, (err as Error).message));
          note(record(owner, s.at, 'failed', { reason: (err as Error).message }));
          continue;
        }
        plansHere.push(key);
        for (const c of out.consumed) consumed.add(c);
        filesRead += out.batch.files;
        skippedDocuments += out.batch.skippedDocuments;
        const by = deployedByOf(owner);
        for (const p of out.batch.problems) renderProblems.push({ ...p, deployedBy: [by] });
        const objs = out.batch.objects.map((o) =>
          deployed(o, owner, by, resolution.deployment, scope, known, out.rewritten),
        );
        for (const o of objs) rendered.push(o);
        const caveats = [...s.caveats, ...out.caveats];
        if (objs.length === 0 && out.batch.problems.length === 0 && caveats.length > 0) {
          // nothing rendered but what kubeprint leaves out: the source is not followed at all
          problem(notFollowed(owner, s.at, caveats.join('; ')));
          note(record(owner, s.at, 'not-followed', { render: describePlan(s.plan), reason: caveats.join('; ') }));
          continue;
        }
        for (const c of caveats) problem(notFollowed(owner, s.at, `followed without: ${c}`, true));
        const failed = out.batch.problems.find((p) => p.ruleId === 'render-failed');
        if (objs.length === 0 && failed) {
          note(record(owner, s.at, 'failed', { render: describePlan(s.plan), reason: failed.message, caveats }));
          continue;
        }
        note(record(owner, s.at, 'followed', { render: describePlan(s.plan), objects: objs.length, caveats }));
      }
      renders.push({ root: node.root, consumed, objects: rendered, problems: renderProblems });
      for (const o of rendered) known.push(o);
      const plans = [...node.plans, ...plansHere];
      for (const o of rendered)
        if (isGitopsObject(o)) next.push({ owner: o, root: node.root, depth: node.depth + 1, plans });
    });
    await runLimited(work, opts.parallel ?? 2);
    level = next;
  }

  // Which chains stand: a chain falls when another standing chain renders its head (that chain deploys it too).
  const unitsOf = new Map<number, string>();
  input.objects.forEach((_, i) => {
    const u = input.unitOfObject(i);
    if (u !== undefined) unitsOf.set(i, u);
  });
  const standing = new Set<number>(renders.map((r) => r.root));
  for (let changed = true; changed; ) {
    changed = false;
    for (const head of [...standing]) {
      const unit = unitsOf.get(head);
      if (unit === undefined) continue;
      if (renders.some((r) => r.root !== head && standing.has(r.root) && r.consumed.has(unit))) {
        standing.delete(head);
        changed = true;
      }
    }
  }
  const consumed = new Set<string>();
  for (const r of renders) if (standing.has(r.root)) for (const c of r.consumed) consumed.add(c);

  const survives = (i: number) => {
    const u = unitsOf.get(i);
    return u === undefined || !consumed.has(u);
  };
  // a GitOps object's own findings come with the object: the plain one when it survives, a rendered one when its chain stands
  const judged = (n: Node) => (n.depth === 0 ? survives(n.root) : standing.has(n.root));
  const objects: KubeObject[] = [];
  input.objects.forEach((o, i) => {
    if (survives(i)) objects.push(o);
  });
  const problems: Finding[] = input.problems.filter((p) => {
    const u = input.unitOfProblem(p);
    return u === undefined || !consumed.has(u);
  });
  for (const r of renders) {
    if (!standing.has(r.root)) continue;
    for (const o of r.objects) objects.push(o);
    for (const p of r.problems) problems.push(p);
  }
  for (const p of ownProblems) if (judged(p.node)) problems.push(p.finding);
  for (const r of recordsOf) if (judged(r.node)) records.push(r.record);
  return {
    dispose: () => disposeRenderSession(session),
    objects,
    problems,
    files: filesRead,
    skippedDocuments,
    records,
  };
}

async function runLimited(work: Array<() => Promise<void>>, n: number): Promise<void> {
  let i = 0;
  const lane = async () => {
    while (i < work.length) {
      const job = work[i++] as () => Promise<void>;
      await job();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(n, work.length)) }, lane));
}

function describe(o: KubeObject): string {
  return `${o.kind} ${o.namespace ? `${o.namespace}/` : ''}${o.name}`;
}

function describePlan(plan: RenderPlan): string {
  const where = plan.dir === '' ? '.' : plan.dir;
  const tree = plan.tree.$case === 'artifact' ? ` in ${plan.tree.label}` : '';
  if (plan.$case === 'helm') return `Helm chart ${where}${tree}`;
  if (plan.$case === 'directory') return `directory ${where}${plan.recurse ? ' (recursive)' : ''}${tree}`;
  return `kustomization ${where}${plan.generate ? ' (generated)' : ''}${tree}`;
}

/**
 * The scope the objects one GitOps object deploys share: where the object is
 * written, and the object (`clusters/staging/apps.yaml:2 Kustomization
 * flux-system/apps`); reports name a scope by its last path segments.
 */
function scopeOf(o: KubeObject): string {
  const src = o.source;
  return src ? `${src.file}:${src.line} ${describe(o)}` : describe(o);
}

function positionIn(owner: KubeObject, at: string): { file: string; line: number; column: number } | undefined {
  const src = owner.source;
  if (!src) return undefined;
  const elsewhere = src.locate?.(at);
  if (elsewhere) return elsewhere;
  const pos = src.positionOf(at);
  return { file: src.file, line: pos.line, column: pos.column };
}

/** The owner as `deployedBy` names it, with the owners that deploy it. */
function deployedByOf(owner: KubeObject): DeployedBy {
  const ref = objectRef(owner);
  const by: DeployedBy = { apiVersion: ref.apiVersion, kind: ref.kind, name: ref.name, via: [] };
  if (ref.namespace !== undefined) by.namespace = ref.namespace;
  const src = owner.source;
  if (src) by.source = { file: src.file, line: src.line, column: src.column };
  const outer = src?.deployedBy;
  if (outer) {
    const { via, ...first } = outer;
    by.via = [first, ...via];
  }
  return by;
}

function record(
  owner: KubeObject,
  at: string,
  status: FollowRecord['status'],
  extra: Partial<Pick<FollowRecord, 'render' | 'reason' | 'objects' | 'caveats'>>,
): FollowRecord {
  const by = owner.source?.deployedBy;
  const via = by ? [by, ...by.via].map((b) => `${b.kind} ${b.namespace ? `${b.namespace}/` : ''}${b.name}`) : [];
  const r: FollowRecord = {
    owner: {
      apiVersion: owner.apiVersion,
      kind: owner.kind,
      name: owner.name,
      ...(owner.namespace ? { namespace: owner.namespace } : {}),
      ...(owner.source ? { file: owner.source.file, line: owner.source.line } : {}),
    },
    via,
    at,
    status,
    caveats: extra.caveats ?? [],
  };
  if (extra.render !== undefined) r.render = extra.render;
  if (extra.reason !== undefined) r.reason = extra.reason;
  if (extra.objects !== undefined) r.objects = extra.objects;
  return r;
}

/** The info finding for a source not followed (or followed with something left out). */
function notFollowed(owner: KubeObject, at: string, reason: string, plain = false): Finding {
  return findingOn(owner, at, NOT_FOLLOWED_RULE, 'info', 'governance', plain ? reason : `not followed: ${reason}`);
}

function renderFailedOn(owner: KubeObject, at: string, error: string): Finding {
  return findingOn(owner, at, 'render-failed', 'high', 'governance', `${describe(owner)}: ${error}`);
}

function findingOn(
  owner: KubeObject,
  at: string,
  ruleId: string,
  severity: Finding['severity'],
  category: Finding['category'],
  message: string,
): Finding {
  const f: Finding = { ruleId, severity, category, message, object: objectRef(owner), path: at };
  const pos = positionIn(owner, at);
  if (pos) f.source = pos;
  if (owner.source?.deployedBy) f.deployedBy = [owner.source.deployedBy];
  return f;
}

/**
 * Objects by kind for following references (a Flux sourceRef, a ConfigMap of
 * values): the asking object's scope first, then every other scope; an exact
 * namespace first, then objects written without one.
 */
function objectLookup(known: KubeObject[]): ObjectLookup {
  return {
    find(owner, group, kind, namespace, name) {
      const matches = known.filter(
        (o) =>
          o.kind === kind &&
          (group === 'v1' ? o.apiVersion === 'v1' : o.apiVersion.startsWith(group)) &&
          (name === '*' || o.name === name),
      );
      const rank = (o: KubeObject) =>
        (o.scope === owner.scope ? 0 : 2) + (o.namespace === namespace ? 0 : o.namespace === undefined ? 1 : 4);
      return matches.filter((o) => rank(o) < 4).sort((a, b) => rank(a) - rank(b));
    },
  };
}

/** Kinds that live outside namespaces (built in, and the common operators'); a CRD in the files can add more. */
const CLUSTER_KINDS = new Set([
  'Namespace',
  'Node',
  'PersistentVolume',
  'ClusterRole',
  'ClusterRoleBinding',
  'CustomResourceDefinition',
  'StorageClass',
  'PriorityClass',
  'RuntimeClass',
  'IngressClass',
  'CSIDriver',
  'CSINode',
  'VolumeAttachment',
  'MutatingWebhookConfiguration',
  'ValidatingWebhookConfiguration',
  'ValidatingAdmissionPolicy',
  'ValidatingAdmissionPolicyBinding',
  'MutatingAdmissionPolicy',
  'MutatingAdmissionPolicyBinding',
  'APIService',
  'CertificateSigningRequest',
  'ClusterTrustBundle',
  'FlowSchema',
  'PriorityLevelConfiguration',
  'ComponentStatus',
  'GatewayClass',
]);

const clusterCrds = new WeakMap<readonly KubeObject[], { seen: number; kinds: Set<string> }>();

function clusterScoped(o: KubeObject, known: readonly KubeObject[]): boolean {
  if (CLUSTER_KINDS.has(o.kind) || o.kind.startsWith('Cluster')) return true;
  // `group/kind` of the cluster-scoped CRDs among the known objects, brought up to date as objects are added
  let crds = clusterCrds.get(known);
  if (!crds) clusterCrds.set(known, (crds = { seen: 0, kinds: new Set() }));
  for (; crds.seen < known.length; crds.seen++) {
    const c = known[crds.seen] as KubeObject;
    if (c.kind !== 'CustomResourceDefinition') continue;
    const spec = c.raw.spec as Record<string, unknown> | undefined;
    const names = spec?.names as Record<string, unknown> | undefined;
    if (spec?.scope === 'Cluster') crds.kinds.add(`${String(spec.group)}/${String(names?.kind)}`);
  }
  const group = o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : '';
  return crds.kinds.has(`${group}/${o.kind}`);
}

/**
 * An object as its GitOps owner deploys it: in the owner's scope, into the
 * destination namespace when it names none (Argo CD and helm install do
 * that), with Flux's commonMetadata, and a source that says who deploys it
 * and points the fields the owner sets at the owner's lines.
 */
function deployed(
  o: KubeObject,
  owner: KubeObject,
  by: DeployedBy,
  d: Deployment,
  scope: string,
  known: readonly KubeObject[],
  rewritten: Rendered['rewritten'],
): KubeObject {
  let raw = o.raw;
  const nsFilled = d.namespace !== undefined && o.namespace === undefined && !clusterScoped(o, known);
  const labels = Object.keys(d.labels).length > 0;
  const annotations = Object.keys(d.annotations).length > 0;
  if (nsFilled || labels || annotations) {
    const md = {
      ...(raw.metadata && typeof raw.metadata === 'object' ? (raw.metadata as Record<string, unknown>) : {}),
    };
    if (nsFilled) md.namespace = d.namespace?.value;
    if (labels) md.labels = { ...labelsOf(raw), ...d.labels };
    if (annotations) md.annotations = { ...annotationsOf(raw), ...d.annotations };
    raw = { ...raw, metadata: md };
  }
  const source = o.source ? ownedSource(o.source, raw, owner, by, d, nsFilled, rewritten) : undefined;
  if (raw === o.raw) return { ...o, scope, source };
  return toKubeObject(raw, source, scope) ?? { ...o, scope, source };
}

function ownedSource(
  src: ObjectSource,
  raw: Record<string, unknown>,
  owner: KubeObject,
  by: DeployedBy,
  d: Deployment,
  nsFilled: boolean,
  rewritten: Rendered['rewritten'],
): ObjectSource {
  const at = (p: string): string | undefined => {
    if (p === '/metadata/namespace' && nsFilled) return d.namespace?.at;
    for (const o of d.overrides) {
      if (o.field === 'namespace' && p === '/metadata/namespace') return o.at;
      if (o.field === 'name' && p === '/metadata/name') return o.at;
      if (o.field === 'label' && p.endsWith(`/labels/${escapeSegment(o.key)}`)) return o.at;
      if (o.field === 'annotation' && p === `/metadata/annotations/${escapeSegment(o.key)}`) return o.at;
      if (o.field === 'replicas' && p === '/spec/replicas') return o.at;
      if (o.field === 'image' && /\/image$/.test(p)) {
        const v = getAt(raw, p);
        if (typeof v === 'string' && imageName(v) !== undefined && overrideMatches(o.at, o.key, v, owner)) return o.at;
      }
    }
    for (const [prefix, at0, map] of [
      ['/metadata/labels/', d.labelsAt, d.labels],
      ['/metadata/annotations/', d.annotationsAt, d.annotations],
    ] as const) {
      if (!at0 || !p.startsWith(prefix)) continue;
      const key = p.slice(prefix.length);
      if (Object.keys(map).some((k) => escapeSegment(k) === key)) return `${at0}/${key}`;
    }
    return undefined;
  };
  return {
    file: src.file,
    docIndex: src.docIndex,
    get line() {
      return src.line;
    },
    get column() {
      return src.column;
    },
    positionOf: (p) => src.positionOf(p),
    locate: (p) => {
      const ownerAt = at(p);
      if (ownerAt !== undefined) {
        const pos = positionIn(owner, ownerAt);
        if (pos) return pos;
      }
      const loc = src.locate?.(p);
      // a line of the kustomization kubeprint wrote for the controller is no line of the repository:
      // the change is the GitOps object's patches', or the value is the file's own
      if (loc && rewritten && loc.file === rewritten.file && (rewritten.generated || loc.line > rewritten.lines)) {
        const patches = d.patchesAt ? positionIn(owner, d.patchesAt) : undefined;
        return patches ?? { file: src.file, ...src.positionOf(p) };
      }
      return loc;
    },
    ...(src.namespaceFromRender ? { namespaceFromRender: true } : {}),
    deployedBy: by,
  };
}

/** `registry/name:tag@digest` → `registry/name`. */
function imageName(ref: string): string | undefined {
  const noDigest = ref.split('@')[0] as string;
  const slash = noDigest.lastIndexOf('/');
  const colon = noDigest.lastIndexOf(':');
  return colon > slash ? noDigest.slice(0, colon) : noDigest;
}

/** Whether the image in a rendered field is the one an override (at `at` in the owner) produced. */
function overrideMatches(at: string, name: string, image: string, owner: KubeObject): boolean {
  const entry = getAt(owner.raw, at);
  const rendered = imageName(image);
  if (typeof entry === 'string') {
    // Argo CD: `[old=]new[:tag|@digest]`
    const eq = entry.split('=');
    const target = eq.length === 2 ? (eq[1] as string) : entry;
    return rendered === imageName(target) || rendered === name;
  }
  if (entry && typeof entry === 'object') {
    const e = entry as Record<string, unknown>;
    return rendered === (typeof e.newName === 'string' && e.newName !== '' ? e.newName : name);
  }
  return false;
}

export type { Batch };
