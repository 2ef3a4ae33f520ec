/**
 * An Argo CD Application resolved to what its repo server would render:
 * each source (`spec.sources`, else `spec.source`, and the source
 * hydrator's dry source) is followed when it lies in the scanned repository,
 * with the source type Argo CD would pick (the explicit one, else Helm for a
 * Chart.yaml, Kustomize for a kustomization, else a directory), after merging
 * `.argocd-source.yaml` and `.argocd-source-<app>.yaml` from the path as the
 * repo server does. Pure: files are read through a `TreeView`.
 */

import { parse as parseYaml, stringify as toYaml } from 'yaml';
import type { KubeObject } from '../model/kube-object.js';
import { escapeSegment, join as joinPointer } from '../model/pointer.js';
import { type ImageOverride, type KustomizationEdits, parseImageArg } from './kustomization-edit.js';
import {
  type Deployment,
  emptyDeployment,
  type Files,
  isMap,
  KUSTOMIZATION_NAMES,
  normalRelative,
  type Resolution,
  type SourceOutcome,
  str,
  type Tree,
} from './plan.js';
import { type TreeView, treeView } from './tree.js';

export interface ArgoContext {
  /** The scanned repository a URL names; undefined for any other repository. */
  repository(url: string): Tree | undefined;
  files: Files;
}

/** True for an Argo CD Application (`argoproj.io`), not another project's kind of that name. */
export function isArgoApplication(o: KubeObject): boolean {
  return o.kind === 'Application' && o.apiVersion.startsWith('argoproj.io/');
}

export function isArgoApplicationSet(o: KubeObject): boolean {
  return o.kind === 'ApplicationSet' && o.apiVersion.startsWith('argoproj.io/');
}

interface Source {
  raw: Record<string, unknown>;
  at: string;
}

/** The sources Argo CD renders for an Application. */
function sourcesOf(spec: Record<string, unknown>): Source[] {
  const out: Source[] = [];
  const many = Array.isArray(spec.sources) ? spec.sources : [];
  if (many.length > 0) {
    many.forEach((s, i) => {
      if (isMap(s)) out.push({ raw: s, at: `/spec/sources/${i}` });
    });
  } else if (isMap(spec.source)) out.push({ raw: spec.source, at: '/spec/source' });
  const h = spec.sourceHydrator;
  // the hydrator commits the dry source's render to the sync branch, which is what is deployed
  if (isMap(h) && isMap(h.drySource)) out.push({ raw: h.drySource, at: '/spec/sourceHydrator/drySource' });
  return out;
}

/** Argo CD's build environment (`$ARGOCD_APP_NAME`…), for the fields it substitutes. */
function buildEnv(app: KubeObject, spec: Record<string, unknown>, src: Record<string, unknown>): Map<string, string> {
  const dest = isMap(spec.destination) ? spec.destination : {};
  const rev = str(src.targetRevision) ?? '';
  return new Map([
    ['ARGOCD_APP_NAME', app.name],
    ['ARGOCD_APP_NAMESPACE', str(dest.namespace) ?? ''],
    ['ARGOCD_APP_PROJECT_NAME', str(spec.project) || 'default'],
    // the resolved commit is not known here: the revision as written stands in for it
    ['ARGOCD_APP_REVISION', rev],
    ['ARGOCD_APP_REVISION_SHORT', rev.slice(0, 7)],
    ['ARGOCD_APP_REVISION_SHORT_8', rev.slice(0, 8)],
    ['ARGOCD_APP_SOURCE_REPO_URL', str(src.repoURL) ?? ''],
    ['ARGOCD_APP_SOURCE_PATH', str(src.path) ?? ''],
    ['ARGOCD_APP_SOURCE_TARGET_REVISION', rev],
  ]);
}

/**
 * Go's os.Expand as Argo CD's Env.Envsubst uses it: `$NAME` and `${NAME}`
 * are the build environment's value (empty when unknown), `$$` is `$`, a `$`
 * followed by no name stays, `${}` is dropped.
 */
export function argoEnvsubst(s: string, env: ReadonlyMap<string, string>): string {
  let out = '';
  for (let j = 0; j < s.length; j++) {
    const c = s[j] as string;
    if (c !== '$' || j + 1 >= s.length) {
      out += c;
      continue;
    }
    const rest = s.slice(j + 1);
    let name = '';
    let w = 0;
    if (rest[0] === '{') {
      const end = rest.indexOf('}');
      if (end === 1) w = 2;
      else if (end < 0) w = 1;
      else {
        name = rest.slice(1, end);
        w = end + 1;
      }
    } else if (/^[*#$@!?\-0-9]/.test(rest)) {
      name = rest[0] as string;
      w = 1;
    } else {
      const m = /^[A-Za-z0-9_]+/.exec(rest);
      if (m) {
        name = m[0];
        w = m[0].length;
      }
    }
    if (name === '' && w === 0) out += '$';
    else if (name !== '') out += name === '$' ? '$' : (env.get(name) ?? '');
    j += w;
  }
  return out;
}

/** Resolve an Application to what each of its sources renders. */
export function resolveApplication(app: KubeObject, ctx: ArgoContext): Resolution {
  const deployment = emptyDeployment();
  const spec = app.raw.spec;
  if (!isMap(spec))
    return {
      sources: [{ $case: 'not-followed', at: '/spec', reason: 'the Application has no spec to read', remote: false }],
      deployment,
    };
  const dest = isMap(spec.destination) ? spec.destination : undefined;
  const destNs = str(dest?.namespace);
  if (destNs) deployment.namespace = { value: destNs, at: '/spec/destination/namespace' };
  const sources = sourcesOf(spec);
  // `ref` sources only lend their repository to `$ref/...` value files of the others
  const refs = new Map<string, Source>();
  for (const s of sources) {
    const ref = str(s.raw.ref);
    if (ref) refs.set(`$${ref}`, s);
  }
  const out: SourceOutcome[] = [];
  if (sources.length === 0)
    out.push({ $case: 'not-followed', at: '/spec', reason: 'the Application names no source', remote: false });
  for (const s of sources) {
    const r = str(s.raw.ref);
    if (r && s.raw.path === undefined && s.raw.chart === undefined) continue;
    out.push(...resolveSource(app, spec, s, refs, ctx, deployment));
  }
  return { sources: out, deployment };
}

function describeRemote(src: Record<string, unknown>): string {
  const repo = str(src.repoURL) ?? '(no repoURL)';
  const chart = str(src.chart);
  const rev = str(src.targetRevision);
  if (chart) return `Helm chart ${chart}${rev ? ` ${rev}` : ''} from ${repo}`;
  const parts = [str(src.path) !== undefined ? `path ${src.path}` : '', rev ? `revision ${rev}` : ''].filter(Boolean);
  return `${repo}${parts.length > 0 ? ` (${parts.join(', ')})` : ''}`;
}

function resolveSource(
  app: KubeObject,
  spec: Record<string, unknown>,
  s: Source,
  refs: Map<string, Source>,
  ctx: ArgoContext,
  deployment: Deployment,
): SourceOutcome[] {
  const src = s.raw;
  const repoURL = str(src.repoURL);
  const notFollowed = (reason: string, remote = false, at = s.at): SourceOutcome[] => [
    { $case: 'not-followed', at, reason, remote },
  ];
  if (!repoURL) return notFollowed('the source has no repoURL', false, s.at);
  if (str(src.chart) || repoURL.startsWith('oci://'))
    return notFollowed(`remote source ${describeRemote(src)}`, true, joinPointer(s.at, 'repoURL'));
  const tree = ctx.repository(repoURL);
  if (!tree) return notFollowed(`remote source ${describeRemote(src)}`, true, joinPointer(s.at, 'repoURL'));
  const view = treeView(tree, ctx.files);
  const dir = normalRelative(str(src.path) ?? '');
  if (dir === undefined) return notFollowed(`path ${String(src.path)} leaves the repository`, false, `${s.at}/path`);
  if (!view.isDir(dir))
    return notFollowed(`path ${dir || '.'} is not a directory of the scanned repository`, false, `${s.at}/path`);
  const merged = withSourceOverrides(src, view, dir, app.name);
  if (!merged.ok) return notFollowed(merged.error, false, `${s.at}/path`);
  const source = merged.source;
  const explicit = (['kustomize', 'helm', 'directory', 'plugin'] as const).filter(
    (t) => source[t] !== undefined && source[t] !== null,
  );
  if (explicit.length > 1)
    return notFollowed(
      `multiple source types (${explicit.join(', ')}): Argo CD refuses such a source ("multiple application sources defined")`,
      false,
      s.at,
    );
  const type = explicit[0] ?? discover(view, dir);
  const env = buildEnv(app, spec, source);
  if (type === 'plugin') {
    const name = isMap(source.plugin) ? str(source.plugin.name) : undefined;
    return [
      {
        $case: 'not-followed',
        at: `${s.at}/plugin`,
        reason: `config management plugin${name ? ` "${name}"` : ''}: Argo CD runs it in a sidecar of its repo server; kubeprint does not run plugins`,
        remote: false,
        claims: { tree, dir },
      },
    ];
  }
  if (type === 'helm') return [helmSource(app, spec, s, source, view, dir, refs, ctx, env)];
  if (type === 'kustomize') return [kustomizeSource(s, source, view, dir, env, deployment)];
  const d = isMap(source.directory) ? source.directory : {};
  return [
    {
      $case: 'follow',
      at: s.at,
      plan: {
        $case: 'directory',
        tree,
        dir,
        recurse: d.recurse === true,
        include: str(d.include) || undefined,
        exclude: str(d.exclude) || undefined,
      },
      caveats: [],
    },
  ];
}

/** The repo server's discovery: a Chart.yaml makes Helm, a kustomization Kustomize (it wins when both are there). */
function discover(view: TreeView, dir: string): 'helm' | 'kustomize' | 'directory' {
  const names = view.list(dir).filter((n) => view.isFile(dir === '' ? n : `${dir}/${n}`));
  if (names.some((n) => KUSTOMIZATION_NAMES.includes(n))) return 'kustomize';
  if (names.some((n) => n.endsWith('Chart.yaml'))) return 'helm';
  return 'directory';
}

/**
 * The source with `.argocd-source.yaml` and `.argocd-source-<app>.yaml`
 * merged in (JSON merge patch), keeping repoURL, path, chart and
 * targetRevision as written, as the repo server does.
 */
function withSourceOverrides(
  src: Record<string, unknown>,
  view: TreeView,
  dir: string,
  appName: string,
): { ok: true; source: Record<string, unknown> } | { ok: false; error: string } {
  let merged: unknown = structuredClone(src);
  for (const name of ['.argocd-source.yaml', `.argocd-source-${appName}.yaml`]) {
    const rel = dir === '' ? name : `${dir}/${name}`;
    if (!view.isFile(rel)) continue;
    let patch: unknown;
    try {
      patch = parseYaml(view.read(rel) ?? '');
    } catch (err) {
      return { ok: false, error: `${rel}: ${(err as Error).message}` };
    }
    merged = mergePatch(merged, patch);
  }
  const out = isMap(merged) ? merged : {};
  for (const k of ['chart', 'path', 'repoURL', 'targetRevision']) {
    if (src[k] === undefined) delete out[k];
    else out[k] = src[k];
  }
  return { ok: true, source: out };
}

/** RFC 7386 JSON merge patch. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isMap(patch)) return patch;
  const out: Record<string, unknown> = isMap(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

function kustomizeSource(
  s: Source,
  source: Record<string, unknown>,
  view: TreeView,
  dir: string,
  env: ReadonlyMap<string, string>,
  deployment: Deployment,
): SourceOutcome {
  const k = isMap(source.kustomize) ? source.kustomize : {};
  const at = `${s.at}/kustomize`;
  const edits: KustomizationEdits = {};
  const caveats: string[] = [];
  const prefix = str(k.namePrefix);
  const suffix = str(k.nameSuffix);
  if (prefix) edits.namePrefix = prefix;
  if (suffix) edits.nameSuffix = suffix;
  if (prefix || suffix)
    deployment.overrides.push({ field: 'name', key: '', at: `${at}/${prefix ? 'namePrefix' : 'nameSuffix'}` });
  if (Array.isArray(k.images) && k.images.length > 0) {
    const list: ImageOverride[] = [];
    k.images.forEach((img, i) => {
      if (typeof img !== 'string') return;
      const parsed = parseImageArg(argoEnvsubst(img, env));
      if (!parsed) {
        caveats.push(`image override "${img}" is not one kustomize accepts; left out`);
        return;
      }
      list.push(parsed);
      deployment.overrides.push({ field: 'image', key: parsed.name, at: `${at}/images/${i}` });
    });
    if (list.length > 0) edits.images = { mode: 'argocd', list };
  }
  if (Array.isArray(k.replicas) && k.replicas.length > 0) {
    edits.replicas = [];
    k.replicas.forEach((r, i) => {
      if (!isMap(r) || typeof r.name !== 'string') return;
      const count = typeof r.count === 'number' ? r.count : Number.parseInt(String(r.count), 10);
      if (!Number.isFinite(count)) return;
      edits.replicas?.push({ name: r.name, count });
      deployment.overrides.push({ field: 'replicas', key: r.name, at: `${at}/replicas/${i}/count` });
    });
  }
  const labels = stringMap(k.commonLabels);
  if (Object.keys(labels).length > 0) {
    for (const key of Object.keys(labels)) labels[key] = argoEnvsubst(labels[key] as string, env);
    edits.labels = {
      pairs: labels,
      force: k.forceCommonLabels === true,
      withoutSelector: k.labelWithoutSelector === true,
      includeTemplates: k.labelIncludeTemplates === true,
    };
    for (const key of Object.keys(labels))
      deployment.overrides.push({ field: 'label', key, at: `${at}/commonLabels/${escapeSegment(key)}` });
  }
  const annotations = stringMap(k.commonAnnotations);
  if (Object.keys(annotations).length > 0) {
    if (k.commonAnnotationsEnvsubst === true)
      for (const key of Object.keys(annotations)) annotations[key] = argoEnvsubst(annotations[key] as string, env);
    edits.annotations = { pairs: annotations, force: k.forceCommonAnnotations === true };
    for (const key of Object.keys(annotations))
      deployment.overrides.push({ field: 'annotation', key, at: `${at}/commonAnnotations/${escapeSegment(key)}` });
  }
  const ns = str(k.namespace);
  if (ns) {
    edits.namespace = ns;
    deployment.overrides.push({ field: 'namespace', key: '', at: `${at}/namespace` });
  }
  if (Array.isArray(k.patches) && k.patches.length > 0) {
    edits.patches = structuredClone(k.patches);
    deployment.patchesAt = `${at}/patches`;
  }
  if (Array.isArray(k.components) && k.components.length > 0) {
    const comps = k.components.filter((c): c is string => typeof c === 'string');
    edits.components =
      k.ignoreMissingComponents === true
        ? comps.filter((c) => {
            const rel = normalRelative(dir === '' ? c : `${dir}/${c}`);
            return rel !== undefined && (view.isDir(rel) || view.isFile(rel));
          })
        : comps;
  }
  const any = Object.keys(edits).length > 0;
  return {
    $case: 'follow',
    at: s.at,
    plan: {
      $case: 'kustomize',
      tree: view.tree,
      dir,
      edits: any ? edits : undefined,
      generate: false,
      substitute: undefined,
    },
    caveats,
  };
}

function helmSource(
  app: KubeObject,
  spec: Record<string, unknown>,
  s: Source,
  source: Record<string, unknown>,
  view: TreeView,
  dir: string,
  refs: Map<string, Source>,
  ctx: ArgoContext,
  env: ReadonlyMap<string, string>,
): SourceOutcome {
  const h = isMap(source.helm) ? source.helm : {};
  const at = `${s.at}/helm`;
  const dest = isMap(spec.destination) ? spec.destination : {};
  const caveats: string[] = [];
  const valueFiles: string[] = [];
  const files = Array.isArray(h.valueFiles) ? h.valueFiles : [];
  for (let i = 0; i < files.length; i++) {
    const raw = files[i];
    if (typeof raw !== 'string') continue;
    const resolved = resolveValueFile(raw, view, dir, refs, ctx, env);
    if (resolved.$case === 'remote')
      return {
        $case: 'not-followed',
        at: `${at}/valueFiles/${i}`,
        reason: `values file ${raw} comes from ${resolved.what}, which kubeprint does not fetch`,
        remote: true,
      };
    if (resolved.$case === 'outside')
      return {
        $case: 'not-followed',
        at: `${at}/valueFiles/${i}`,
        reason: `values file ${raw} lies outside the repository: Argo CD refuses it`,
        remote: false,
      };
    if (!ctx.files.isFile(resolved.path) && h.ignoreMissingValueFiles === true) continue;
    valueFiles.push(resolved.path);
  }
  let values: string | undefined;
  if (isMap(h.valuesObject) && Object.keys(h.valuesObject).length > 0) values = toYaml(h.valuesObject);
  else if (typeof h.values === 'string' && h.values.trim() !== '') values = h.values;
  else if (isMap(h.values)) values = toYaml(h.values);
  const set: string[] = [];
  const setString: string[] = [];
  for (const p of Array.isArray(h.parameters) ? h.parameters : []) {
    if (!isMap(p) || typeof p.name !== 'string') continue;
    const v = argoEnvsubst(p.value === undefined || p.value === null ? '' : String(p.value), env);
    (p.forceString === true ? setString : set).push(`${p.name}=${v}`);
  }
  const setFile: string[] = [];
  for (const p of Array.isArray(h.fileParameters) ? h.fileParameters : []) {
    if (!isMap(p) || typeof p.name !== 'string' || typeof p.path !== 'string') continue;
    const resolved = resolveValueFile(p.path, view, dir, refs, ctx, env);
    if (resolved.$case !== 'local') {
      caveats.push(`file parameter ${p.name} (${p.path}) is not in the scanned repository; left out`);
      continue;
    }
    setFile.push(`${p.name}=${resolved.path}`);
  }
  const apiVersions = Array.isArray(h.apiVersions)
    ? h.apiVersions.filter((v): v is string => typeof v === 'string')
    : [];
  return {
    $case: 'follow',
    at: s.at,
    plan: {
      $case: 'helm',
      tree: view.tree,
      dir,
      releaseName: str(h.releaseName) || app.name,
      namespace: str(h.namespace) || str(dest.namespace) || undefined,
      valueFiles,
      values,
      set,
      setString,
      setFile,
      skipCrds: h.skipCrds === true,
      skipTests: h.skipTests === true,
      kubeVersion: str(h.kubeVersion) || str(source.kubeVersion) || undefined,
      apiVersions,
    },
    caveats,
  };
}

type ValueFile = { $case: 'local'; path: string } | { $case: 'remote'; what: string } | { $case: 'outside' };

/**
 * A values file as the repo server resolves it: `$ref/path` in the `ref`
 * source's repository, an absolute path from the repository root, a URL
 * fetched, anything else relative to the chart's path; never outside the
 * repository.
 */
function resolveValueFile(
  raw: string,
  view: TreeView,
  dir: string,
  refs: Map<string, Source>,
  ctx: ArgoContext,
  env: ReadonlyMap<string, string>,
): ValueFile {
  if (raw.startsWith('$')) {
    const [head, ...rest] = raw.split('/');
    const ref = refs.get(head as string);
    if (ref) {
      const url = str(ref.raw.repoURL) ?? '';
      const tree = ctx.repository(url);
      if (tree?.$case !== 'repo') return { $case: 'remote', what: `the ref source ${url}` };
      const rel = normalRelative(argoEnvsubst(rest.join('/'), env));
      if (rel === undefined) return { $case: 'outside' };
      return { $case: 'local', path: treeView(tree, ctx.files).realPath(rel) as string };
    }
  }
  const v = argoEnvsubst(raw, env);
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(v)) return { $case: 'remote', what: v };
  const rel = normalRelative(v.startsWith('/') ? v : dir === '' ? v : `${dir}/${v}`);
  if (rel === undefined) return { $case: 'outside' };
  const real = view.realPath(rel);
  return real === undefined ? { $case: 'outside' } : { $case: 'local', path: real };
}

function stringMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isMap(v)) return out;
  for (const [k, val] of Object.entries(v)) if (val !== null && val !== undefined) out[k] = String(val);
  return out;
}
