/**
 * Flux Kustomizations and HelmReleases resolved to what kustomize-controller
 * and helm-controller would build: the source (a GitRepository whose URL is
 * the scanned repository, or an ExternalArtifact an ArtifactGenerator
 * assembles from such sources), the path in it, and the controller's options
 * (targetNamespace, namePrefix, nameSuffix, patches, images, components,
 * postBuild variables, commonMetadata; a chart's values and valuesFrom).
 * Pure: objects are found through `ObjectLookup`, files through `Files`.
 */
import { createHash } from 'node:crypto';
import picomatch from 'picomatch';
import { parse as parseYaml, stringify as toYaml } from 'yaml';
import type { KubeObject } from '../model/kube-object.js';
import type { KustomizationEdits } from './kustomization-edit.js';
import {
  emptyDeployment,
  type Files,
  isMap,
  KUSTOMIZATION_NAMES,
  normalRelative,
  type ObjectLookup,
  type Resolution,
  type SourceOutcome,
  str,
  type Tree,
} from './plan.js';
import { VAR_NAME } from './substitute.js';
import { type TreeView, treeView } from './tree.js';

export interface FluxContext {
  /** The scanned repository a URL names; undefined for any other repository. */
  repository(url: string): Tree | undefined;
  /**
   * The repository `flux bootstrap` points its `flux-system` GitRepository
   * at, when that object is not in the files: the scanned repository when it
   * has the bootstrap layout (a `flux-system/gotk-components.yaml` or
   * `gotk-sync.yaml`).
   */
  bootstrapRepository(): Tree | undefined;
  files: Files;
  lookup: ObjectLookup;
}

const SOURCE_GROUP = 'source.toolkit.fluxcd.io/';
const GENERATOR_GROUP = 'source.extensions.fluxcd.io/';

export function isFluxKustomization(o: KubeObject): boolean {
  return o.kind === 'Kustomization' && o.apiVersion.startsWith('kustomize.toolkit.fluxcd.io/');
}

export function isFluxHelmRelease(o: KubeObject): boolean {
  return o.kind === 'HelmRelease' && o.apiVersion.startsWith('helm.toolkit.fluxcd.io/');
}

/** Where a source reference leads. */
type SourceTree =
  | { $case: 'tree'; tree: Tree; caveats: string[] }
  | { $case: 'remote'; what: string }
  /** `what` is not there: `why` says so (`is not in the scanned files`). */
  | { $case: 'missing'; what: string; why: string }
  | { $case: 'failed'; error: string };

interface Ref {
  kind: string;
  name: string;
  namespace: string | undefined;
}

function refOf(v: unknown, ownerNs: string | undefined): Ref | undefined {
  if (!isMap(v) || typeof v.kind !== 'string' || typeof v.name !== 'string') return undefined;
  return { kind: v.kind, name: v.name, namespace: str(v.namespace) || ownerNs };
}

function refText(r: Ref): string {
  return `${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name}`;
}

function only(found: KubeObject[]): KubeObject | undefined {
  return found.length >= 1 ? found[0] : undefined;
}

/** The tree a Flux source reference names (GitRepository, ExternalArtifact), or why it is not followed. */
function sourceTree(owner: KubeObject, ref: Ref, ctx: FluxContext, depth = 0): SourceTree {
  if (depth > 4) return { $case: 'failed', error: `${refText(ref)}: artifacts nest too deep` };
  if (ref.kind === 'GitRepository') {
    const repo = only(ctx.lookup.find(owner, SOURCE_GROUP, 'GitRepository', ref.namespace, ref.name));
    if (!repo) {
      const boot =
        ref.name === 'flux-system' && ref.namespace === 'flux-system' ? ctx.bootstrapRepository() : undefined;
      if (boot) return { $case: 'tree', tree: boot, caveats: [] };
      const bootstrap =
        ref.name === 'flux-system' && ref.namespace === 'flux-system'
          ? ' (flux bootstrap creates it for the repository it commits to: give --repo-url to take it as this repository)'
          : '';
      return { $case: 'missing', what: refText(ref), why: `is not in the scanned files${bootstrap}` };
    }
    const spec = isMap(repo.raw.spec) ? repo.raw.spec : {};
    const url = str(spec.url) ?? '';
    const tree = ctx.repository(url);
    if (!tree) return { $case: 'remote', what: `${refText(ref)} (${url || 'no url'})` };
    const caveats: string[] = [];
    if (Array.isArray(spec.include) && spec.include.length > 0)
      caveats.push(`the repositories ${refText(ref)} includes (spec.include) are not copied in`);
    return { $case: 'tree', tree, caveats };
  }
  if (ref.kind === 'OCIRepository' || ref.kind === 'Bucket' || ref.kind === 'HelmRepository') {
    const o = only(ctx.lookup.find(owner, SOURCE_GROUP, ref.kind, ref.namespace, ref.name));
    const spec = o && isMap(o.raw.spec) ? o.raw.spec : {};
    const where =
      ref.kind === 'Bucket'
        ? [str(spec.bucketName), str(spec.endpoint) ? `at ${spec.endpoint}` : ''].filter(Boolean).join(' ')
        : (str(spec.url) ?? '');
    return { $case: 'remote', what: `${refText(ref)}${where ? ` (${where})` : ''}` };
  }
  if (ref.kind === 'ExternalArtifact') return artifactTree(owner, ref, ctx, depth);
  return { $case: 'failed', error: `source kind ${ref.kind} is not one Flux reads manifests from` };
}

/** An ExternalArtifact an ArtifactGenerator in the files produces, assembled from its copy operations. */
function artifactTree(owner: KubeObject, ref: Ref, ctx: FluxContext, depth: number): SourceTree {
  const generators = ctx.lookup.find(owner, GENERATOR_GROUP, 'ArtifactGenerator', ref.namespace, '*').filter((g) => {
    const spec = isMap(g.raw.spec) ? g.raw.spec : {};
    return Array.isArray(spec.artifacts) && spec.artifacts.some((a) => isMap(a) && a.name === ref.name);
  });
  const gen = generators[0];
  if (!gen)
    return {
      $case: 'missing',
      what: refText(ref),
      why: 'is made by no ArtifactGenerator in the scanned files (another controller makes it)',
    };
  const spec = gen.raw.spec as Record<string, unknown>;
  const artifact = (spec.artifacts as unknown[]).find((a) => isMap(a) && a.name === ref.name) as Record<
    string,
    unknown
  >;
  const aliases = new Map<string, SourceTree>();
  for (const s of Array.isArray(spec.sources) ? spec.sources : []) {
    if (!isMap(s) || typeof s.alias !== 'string') continue;
    const r = refOf(s, gen.namespace);
    if (r) aliases.set(s.alias, sourceTree(gen, r, ctx, depth + 1));
  }
  const files = new Map<string, string>();
  const caveats: string[] = [];
  const label = `ArtifactGenerator ${gen.namespace ? `${gen.namespace}/` : ''}${gen.name} artifact ${ref.name}`;
  for (const op of Array.isArray(artifact.copy) ? artifact.copy : []) {
    if (!isMap(op)) continue;
    const from = str(op.from) ?? '';
    const to = str(op.to) ?? '';
    const m = /^@([A-Za-z0-9_-]+)\/?(.*)$/.exec(from);
    if (!m || !to.startsWith('@artifact/'))
      return {
        $case: 'failed',
        error: `${label}: copy from "${from}" to "${to}" is not @alias/path to @artifact/path`,
      };
    const source = aliases.get(m[1] as string);
    if (!source) return { $case: 'failed', error: `${label}: no source has the alias @${m[1]}` };
    if (source.$case === 'remote') return { $case: 'remote', what: `${label} copies from ${source.what}` };
    if (source.$case === 'missing')
      return { $case: 'missing', what: `${label} copies from ${source.what}, which`, why: source.why };
    if (source.$case !== 'tree') return source;
    for (const c of source.caveats) caveats.push(c);
    for (const k of Object.keys(op))
      if (k !== 'from' && k !== 'to') caveats.push(`${label}: copy option "${k}" is not modelled`);
    const view = treeView(source.tree, ctx.files);
    copyInto(files, view, m[2] as string, to.slice('@artifact/'.length));
  }
  return { $case: 'tree', tree: { $case: 'artifact', label, files }, caveats };
}

const GLOB = /[*?[\]{}]/;

/**
 * One copy operation: a glob's matches keep their path below the glob's
 * fixed prefix, under `to` (a directory when it ends in `/`); a single file
 * goes to `to` itself, or into it when it is a directory; a directory named
 * without a glob is copied as `dir/**`.
 */
function copyInto(files: Map<string, string>, view: TreeView, pattern: string, to: string): void {
  const segs = pattern.split('/').filter((s) => s !== '' && s !== '.');
  const fixed: string[] = [];
  for (const s of segs) {
    if (GLOB.test(s)) break;
    fixed.push(s);
  }
  const base = fixed.join('/');
  const toDir = to === '' || to.endsWith('/');
  const put = (rel: string, real: string | undefined) => {
    if (real === undefined) return;
    const dest = normalRelative(toDir ? `${to}${rel}` : to);
    if (dest !== undefined && dest !== '') files.set(dest, real);
  };
  if (fixed.length === segs.length) {
    if (view.isFile(base)) {
      put(toDir ? (base.split('/').pop() as string) : '', view.realPath(base));
      return;
    }
    for (const f of view.filesUnder(base)) put(f.slice(base === '' ? 0 : base.length + 1), view.realPath(f));
    return;
  }
  const match = picomatch(segs.join('/'), { dot: true });
  for (const f of view.filesUnder(base)) {
    if (!match(f)) continue;
    put(f.slice(base === '' ? 0 : base.length + 1), view.realPath(f));
  }
}

function notFollowedFor(src: SourceTree, at: string): SourceOutcome | undefined {
  if (src.$case === 'remote') return { $case: 'not-followed', at, reason: `remote source ${src.what}`, remote: true };
  if (src.$case === 'missing') return { $case: 'not-followed', at, reason: `${src.what} ${src.why}`, remote: false };
  if (src.$case === 'failed') return { $case: 'failed', at, error: src.error };
  return undefined;
}

/** A Flux Kustomization resolved to the kustomize build kustomize-controller would run. */
export function resolveFluxKustomization(ks: KubeObject, ctx: FluxContext): Resolution {
  const deployment = emptyDeployment();
  const spec = ks.raw.spec;
  if (!isMap(spec))
    return {
      sources: [{ $case: 'not-followed', at: '/spec', reason: 'the Kustomization has no spec to read', remote: false }],
      deployment,
    };
  const ref = refOf(spec.sourceRef, ks.namespace);
  if (!ref)
    return {
      sources: [
        { $case: 'not-followed', at: '/spec/sourceRef', reason: 'the Kustomization names no sourceRef', remote: false },
      ],
      deployment,
    };
  const src = sourceTree(ks, ref, ctx);
  const nf = notFollowedFor(src, '/spec/sourceRef');
  if (nf || src.$case !== 'tree') return { sources: nf ? [nf] : [], deployment };
  const view = treeView(src.tree, ctx.files);
  const rawPath = str(spec.path) ?? '';
  const dir = normalRelative(rawPath);
  if (dir === undefined || !view.isDir(dir))
    return {
      sources: [
        {
          $case: 'failed',
          at: '/spec/path',
          error: `kustomization path ${rawPath || './'} is not a directory of ${refText(ref)}`,
        },
      ],
      deployment,
    };
  const caveats = [...src.caveats];
  const edits: KustomizationEdits = {};
  const ns = str(spec.targetNamespace);
  if (ns) {
    edits.namespace = ns;
    deployment.overrides.push({ field: 'namespace', key: '', at: '/spec/targetNamespace' });
  }
  for (const f of ['namePrefix', 'nameSuffix'] as const) {
    const v = str(spec[f]);
    if (!v) continue;
    edits[f] = v;
    deployment.overrides.push({ field: 'name', key: '', at: `/spec/${f}` });
  }
  if (Array.isArray(spec.patches) && spec.patches.length > 0) deployment.patchesAt = '/spec/patches';
  if (Array.isArray(spec.patches) && spec.patches.length > 0)
    edits.patches = spec.patches.filter(isMap).map((p) => {
      const out: Record<string, unknown> = {};
      if (p.patch !== undefined) out.patch = p.patch;
      if (isMap(p.target)) out.target = p.target;
      return out;
    });
  if (Array.isArray(spec.images) && spec.images.length > 0) {
    const list = spec.images.flatMap((img, i) => {
      if (!isMap(img) || typeof img.name !== 'string') return [];
      deployment.overrides.push({ field: 'image', key: img.name, at: `/spec/images/${i}` });
      return [
        {
          name: img.name,
          ...(str(img.newName) ? { newName: img.newName as string } : {}),
          ...(str(img.newTag) ? { newTag: img.newTag as string } : {}),
          ...(str(img.digest) ? { digest: img.digest as string } : {}),
        },
      ];
    });
    if (list.length > 0) edits.images = { mode: 'flux', list };
  }
  if (Array.isArray(spec.components) && spec.components.length > 0) {
    const comps: string[] = [];
    for (const c of spec.components) {
      if (typeof c !== 'string') continue;
      const rel = normalRelative(dir === '' ? c : `${dir}/${c}`);
      if (/^[a-z]+:\/\//i.test(c) || c.startsWith('/') || rel === undefined)
        return {
          sources: [
            { $case: 'failed', at: '/spec/components', error: `component path '${c}' must be local and relative` },
          ],
          deployment,
        };
      if (spec.ignoreMissingComponents === true && !view.isDir(rel) && !view.isFile(rel)) continue;
      comps.push(c);
    }
    if (comps.length > 0) edits.components = comps;
  }
  const generate = !KUSTOMIZATION_NAMES.some((n) => view.isFile(dir === '' ? n : `${dir}/${n}`));
  const substitute = postBuildVars(ks, spec, ctx, caveats);
  if (substitute.$case === 'failed')
    return { sources: [{ $case: 'failed', at: '/spec/postBuild', error: substitute.error }], deployment };
  commonMetadata(spec, deployment);
  return {
    sources: [
      {
        $case: 'follow',
        at: '/spec/sourceRef',
        plan: {
          $case: 'kustomize',
          tree: src.tree,
          dir,
          edits: Object.keys(edits).length > 0 ? edits : undefined,
          generate,
          substitute: substitute.vars,
        },
        caveats,
      },
    ],
    deployment,
  };
}

function commonMetadata(spec: Record<string, unknown>, deployment: ReturnType<typeof emptyDeployment>): void {
  const cm = spec.commonMetadata;
  if (!isMap(cm)) return;
  for (const [field, target, at] of [
    ['labels', deployment.labels, '/spec/commonMetadata/labels'],
    ['annotations', deployment.annotations, '/spec/commonMetadata/annotations'],
  ] as const) {
    const m = cm[field];
    if (!isMap(m)) continue;
    for (const [k, v] of Object.entries(m)) if (v !== null && v !== undefined) target[k] = String(v);
    if (field === 'labels') deployment.labelsAt = at;
    else deployment.annotationsAt = at;
  }
}

/**
 * The variables kustomize-controller substitutes: the data of the
 * substituteFrom ConfigMaps and Secrets in order, then `substitute` (newlines
 * removed from every value). None at all: no substitution, as in Flux.
 */
function postBuildVars(
  ks: KubeObject,
  spec: Record<string, unknown>,
  ctx: FluxContext,
  caveats: string[],
): { $case: 'vars'; vars: Map<string, string> | undefined } | { $case: 'failed'; error: string } {
  const pb = spec.postBuild;
  if (!isMap(pb)) return { $case: 'vars', vars: undefined };
  const vars = new Map<string, string>();
  for (const from of Array.isArray(pb.substituteFrom) ? pb.substituteFrom : []) {
    const r = refOf(from, ks.namespace);
    if (!r || (r.kind !== 'ConfigMap' && r.kind !== 'Secret')) continue;
    const obj = only(ctx.lookup.find(ks, 'v1', r.kind, r.namespace, r.name));
    if (!obj) {
      if (!(isMap(from) && from.optional === true))
        caveats.push(`${refText(r)} (postBuild.substituteFrom) is not in the scanned files: its variables are unset`);
      continue;
    }
    const data = dataOf(obj);
    if (data.$case === 'encrypted') {
      caveats.push(`${refText(r)} (postBuild.substituteFrom) is SOPS-encrypted: its variables are unset`);
      continue;
    }
    for (const [k, v] of data.data) vars.set(k, v.replace(/\n/g, ''));
  }
  if (isMap(pb.substitute))
    for (const [k, v] of Object.entries(pb.substitute))
      if (v !== null && v !== undefined) vars.set(k, String(v).replace(/\n/g, ''));
  for (const k of vars.keys())
    if (!VAR_NAME.test(k))
      return { $case: 'failed', error: `'${k}' var name is invalid, must match '${VAR_NAME.source}'` };
  return { $case: 'vars', vars: vars.size > 0 ? vars : undefined };
}

/** A ConfigMap's data, or a Secret's (base64 `data` decoded, `stringData` as is). */
function dataOf(o: KubeObject): { $case: 'data'; data: Map<string, string> } | { $case: 'encrypted' } {
  const out = new Map<string, string>();
  if (isMap(o.raw.sops)) return { $case: 'encrypted' };
  const data = o.raw.data;
  if (isMap(data))
    for (const [k, v] of Object.entries(data)) {
      if (typeof v !== 'string') continue;
      out.set(k, o.kind === 'Secret' ? Buffer.from(v, 'base64').toString('utf8') : v);
    }
  if (o.kind === 'Secret' && isMap(o.raw.stringData))
    for (const [k, v] of Object.entries(o.raw.stringData)) if (typeof v === 'string') out.set(k, v);
  return { $case: 'data', data: out };
}

/** A HelmRelease resolved to the `helm template` helm-controller's install amounts to. */
export function resolveHelmRelease(hr: KubeObject, ctx: FluxContext): Resolution {
  const deployment = emptyDeployment();
  const spec = hr.raw.spec;
  if (!isMap(spec))
    return {
      sources: [{ $case: 'not-followed', at: '/spec', reason: 'the HelmRelease has no spec to read', remote: false }],
      deployment,
    };
  const chart = chartSource(hr, spec, ctx);
  if (chart.$case !== 'chart') return { sources: [chart.outcome], deployment };
  const caveats = [...chart.caveats];
  const values = releaseValues(hr, spec, ctx, caveats);
  const targetNs = str(spec.targetNamespace);
  const namespace = targetNs || hr.namespace;
  if (namespace)
    deployment.namespace = { value: namespace, at: targetNs ? '/spec/targetNamespace' : '/metadata/namespace' };
  if (Array.isArray(spec.postRenderers) && spec.postRenderers.length > 0)
    caveats.push('its postRenderers are not applied (kubeprint judges the chart as helm renders it)');
  commonMetadata(spec, deployment);
  const install = isMap(spec.install) ? spec.install : {};
  return {
    sources: [
      {
        $case: 'follow',
        at: chart.at,
        plan: {
          $case: 'helm',
          tree: chart.tree,
          dir: chart.dir,
          releaseName: releaseName(hr, spec),
          namespace,
          valueFiles: chart.valueFiles,
          values: Object.keys(values).length > 0 ? toYaml(values) : undefined,
          set: [],
          setString: [],
          setFile: [],
          skipCrds: install.crds === 'Skip',
          skipTests: false,
          kubeVersion: undefined,
          apiVersions: [],
        },
        caveats,
      },
    ],
    deployment,
  };
}

/** helm-controller's release name: spec.releaseName, else `[targetNamespace-]name`, shortened past 53 characters. */
function releaseName(hr: KubeObject, spec: Record<string, unknown>): string {
  const explicit = str(spec.releaseName);
  if (explicit) return explicit;
  const ns = str(spec.targetNamespace);
  const name = ns ? `${ns}-${hr.name}` : hr.name;
  if (name.length <= 53) return name;
  // helm-controller: the first 40 characters, a dash and 12 hex digits of the name's SHA-256
  return `${name.slice(0, 40)}-${createHash('sha256').update(name).digest('hex').slice(0, 12)}`;
}

type ChartSource =
  | { $case: 'chart'; tree: Tree; dir: string; valueFiles: string[]; at: string; caveats: string[] }
  | { $case: 'outcome'; outcome: SourceOutcome };

function chartSource(hr: KubeObject, spec: Record<string, unknown>, ctx: FluxContext): ChartSource {
  const out = (o: SourceOutcome): ChartSource => ({ $case: 'outcome', outcome: o });
  const fromTree = (
    src: SourceTree,
    at: string,
    chartPath: string,
    valuesFiles: unknown,
    ignoreMissing: boolean,
  ): ChartSource => {
    const nf = notFollowedFor(src, at);
    if (nf || src.$case !== 'tree') return out(nf as SourceOutcome);
    const view = treeView(src.tree, ctx.files);
    const dir = normalRelative(chartPath);
    if (dir === undefined || !view.isFile(dir === '' ? 'Chart.yaml' : `${dir}/Chart.yaml`))
      return out({ $case: 'failed', at, error: `chart ${chartPath || './'} is not a chart directory of the source` });
    const valueFiles: string[] = [];
    for (const f of Array.isArray(valuesFiles) ? valuesFiles : []) {
      if (typeof f !== 'string') continue;
      const rel = normalRelative(f);
      const real = rel === undefined ? undefined : view.realPath(rel);
      if (real === undefined || (!ctx.files.isFile(real) && ignoreMissing)) continue;
      valueFiles.push(real);
    }
    return { $case: 'chart', tree: src.tree, dir, valueFiles, at, caveats: src.caveats };
  };
  const chartRef = refOf(spec.chartRef, hr.namespace);
  if (chartRef) {
    if (chartRef.kind === 'HelmChart') {
      const hc = only(ctx.lookup.find(hr, SOURCE_GROUP, 'HelmChart', chartRef.namespace, chartRef.name));
      if (!hc)
        return out({
          $case: 'not-followed',
          at: '/spec/chartRef',
          reason: `${refText(chartRef)} is not in the scanned files`,
          remote: false,
        });
      const hs = isMap(hc.raw.spec) ? hc.raw.spec : {};
      const srcRef = refOf(hs.sourceRef, hc.namespace);
      if (!srcRef)
        return out({
          $case: 'not-followed',
          at: '/spec/chartRef',
          reason: `${refText(chartRef)} names no source`,
          remote: false,
        });
      if (srcRef.kind === 'HelmRepository')
        return out({
          $case: 'not-followed',
          at: '/spec/chartRef',
          reason: `remote source: chart ${str(hs.chart) ?? '?'} from ${remoteText(hr, srcRef, ctx)}`,
          remote: true,
        });
      return fromTree(
        sourceTree(hr, srcRef, ctx),
        '/spec/chartRef',
        str(hs.chart) ?? '',
        hs.valuesFiles,
        hs.ignoreMissingValuesFiles === true,
      );
    }
    // an ExternalArtifact holds a chart at its root; an OCIRepository is remote
    return fromTree(sourceTree(hr, chartRef, ctx), '/spec/chartRef', '', undefined, false);
  }
  const cs = isMap(spec.chart) && isMap(spec.chart.spec) ? spec.chart.spec : undefined;
  if (!cs) return out({ $case: 'not-followed', at: '/spec', reason: 'the HelmRelease names no chart', remote: false });
  const srcRef = refOf(cs.sourceRef, hr.namespace);
  if (!srcRef)
    return out({
      $case: 'not-followed',
      at: '/spec/chart/spec/sourceRef',
      reason: 'the chart names no sourceRef',
      remote: false,
    });
  if (srcRef.kind === 'HelmRepository') {
    const version = str(cs.version);
    return out({
      $case: 'not-followed',
      at: '/spec/chart/spec/sourceRef',
      reason: `remote source: chart ${str(cs.chart) ?? '?'}${version ? ` ${version}` : ''} from ${remoteText(hr, srcRef, ctx)}`,
      remote: true,
    });
  }
  return fromTree(
    sourceTree(hr, srcRef, ctx),
    '/spec/chart/spec/sourceRef',
    str(cs.chart) ?? '',
    cs.valuesFiles,
    cs.ignoreMissingValuesFiles === true,
  );
}

function remoteText(owner: KubeObject, ref: Ref, ctx: FluxContext): string {
  const repo = only(ctx.lookup.find(owner, SOURCE_GROUP, ref.kind, ref.namespace, ref.name));
  const url = repo && isMap(repo.raw.spec) ? str(repo.raw.spec.url) : undefined;
  return `${refText(ref)}${url ? ` (${url})` : ''}`;
}

/** valuesFrom in order, then spec.values, merged as helm-controller merges them (maps deep, the rest replaced). */
function releaseValues(
  hr: KubeObject,
  spec: Record<string, unknown>,
  ctx: FluxContext,
  caveats: string[],
): Record<string, unknown> {
  let values: Record<string, unknown> = {};
  for (const v of Array.isArray(spec.valuesFrom) ? spec.valuesFrom : []) {
    const r = refOf(v, hr.namespace);
    if (!r || !isMap(v) || (r.kind !== 'ConfigMap' && r.kind !== 'Secret')) continue;
    const key = str(v.valuesKey) || 'values.yaml';
    const obj = only(ctx.lookup.find(hr, 'v1', r.kind, r.namespace, r.name));
    if (!obj) {
      if (v.optional !== true)
        caveats.push(`${refText(r)} (valuesFrom) is not in the scanned files: its values are left out`);
      continue;
    }
    const data = dataOf(obj);
    if (data.$case === 'encrypted') {
      caveats.push(`${refText(r)} (valuesFrom) is SOPS-encrypted: its values are left out`);
      continue;
    }
    const text = data.data.get(key);
    if (text === undefined) {
      if (v.optional !== true) caveats.push(`${refText(r)} has no key ${key} (valuesFrom): left out`);
      continue;
    }
    const target = str(v.targetPath);
    if (target) {
      values = mergeValues(values, valueAtPath(target, text));
      continue;
    }
    let parsed: unknown;
    try {
      parsed = parseYaml(text);
    } catch (err) {
      caveats.push(`${refText(r)} key ${key} is not YAML (${(err as Error).message}): left out`);
      continue;
    }
    if (isMap(parsed)) values = mergeValues(values, parsed);
  }
  if (isMap(spec.values)) values = mergeValues(values, spec.values);
  return values;
}

/** Helm's coalescing of two values maps: maps merge deeply, anything else is replaced. */
export function mergeValues(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] = isMap(b) && isMap(v) ? mergeValues(b, v) : v;
  }
  return out;
}

/** `a.b[0].c` with a value, as a values map (helm's strvals path; `\.` escapes a dot). */
function valueAtPath(path: string, value: string): Record<string, unknown> {
  const keys = path.split(/(?<!\\)\./).map((k) => k.replace(/\\\./g, '.'));
  let cur: unknown = value;
  for (let i = keys.length - 1; i >= 0; i--) cur = { [keys[i] as string]: cur };
  return cur as Record<string, unknown>;
}
