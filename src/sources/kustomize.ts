import { statSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import jsYaml from 'js-yaml';
import { fullKubeVersion } from './helm.js';
import { errorReason, findTool, notFound, runTool, shortened } from './tools.js';

export const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

export interface KustomizationInfo {
  /** Absolute directory. */
  dir: string;
  /** Absolute path of the kustomization file. */
  file: string;
  /** Absolute paths this kustomization references (resources, bases, components, patches, generators' files). */
  references: string[];
  usesHelmCharts: boolean;
  /** `kind: Component`: only ever included by another kustomization, never rendered alone. */
  isComponent: boolean;
}

/** Read a kustomization file's references (for finding root kustomizations and the files they cover). */
export async function readKustomization(dir: string, file: string): Promise<KustomizationInfo> {
  const info: KustomizationInfo = { dir, file, references: [], usesHelmCharts: false, isComponent: false };
  let doc: unknown;
  try {
    doc = jsYaml.load(await readFile(file, 'utf8'), { schema: jsYaml.CORE_SCHEMA });
  } catch {
    return info; // the render reports the error with kustomize's own words
  }
  if (!doc || typeof doc !== 'object') return info;
  const k = doc as Record<string, unknown>;
  const local = (v: unknown) => typeof v === 'string' && !/^[a-z]+:\/\/|^git@|^github\.com\//.test(v);
  for (const field of ['resources', 'bases', 'components', 'crds', 'configurations']) {
    const list = k[field];
    if (Array.isArray(list)) for (const r of list) if (local(r)) info.references.push(resolve(dir, String(r)));
  }
  for (const field of ['patchesStrategicMerge', 'patches', 'patchesJson6902']) {
    const list = k[field];
    if (!Array.isArray(list)) continue;
    for (const p of list) {
      if (typeof p === 'string' && local(p) && !p.includes('\n')) info.references.push(resolve(dir, p));
      else if (p && typeof p === 'object' && typeof (p as { path?: unknown }).path === 'string')
        info.references.push(resolve(dir, (p as { path: string }).path));
    }
  }
  info.usesHelmCharts = Array.isArray(k.helmCharts) && k.helmCharts.length > 0;
  info.isComponent = k.kind === 'Component';
  return info;
}

export type RenderOutcome = { ok: true; text: string; tool: string } | { ok: false; error: string };

/** kubectl's `--load-restrictor` values. */
export const LOAD_RESTRICTORS = ['LoadRestrictionsRootOnly', 'LoadRestrictionsNone'] as const;
export type LoadRestrictor = (typeof LOAD_RESTRICTORS)[number];

export interface KustomizeOptions {
  /**
   * Which files a kustomization may read: `LoadRestrictionsRootOnly` (the
   * default, as kubectl, Argo CD and Flux) keeps generators and resource
   * files inside the kustomization's directory; `LoadRestrictionsNone` lets
   * them read any file the scanning user can (never on a CI runner).
   */
  loadRestrictor?: LoadRestrictor;
  /** Fetch remote resources (git repositories, http files, chart repositories): refused unless set. */
  allowRemote?: boolean;
  /** The Kubernetes release for `helmCharts` (`--helm-kube-version`), as for charts. */
  kubeVersion?: string;
  /** How a path is shown in messages (default: as it is). */
  show?: (abs: string) => string;
}

/** How long a render that fetches remote resources may take, fetching included. */
export const REMOTE_RENDER_TIMEOUT_MS = 60_000;

/** One thing a kustomization would fetch over the network (or clone with git). */
export interface RemoteReference {
  /** The kustomization field, e.g. `resources`, `configMapGenerator.files`, `helmCharts`. */
  field: string;
  value: string;
}

/**
 * Whether kustomize reads a path remotely: an http(s) file (its fileloader's
 * IsRemoteFile), a git repository (its RepoSpec parser: `git::`, `gh:`,
 * `ssh://`, `https://`, `file://`, `git@`, `github.com/`, `_git/`), or an
 * OCI artifact.
 */
function isRemotePath(v: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(v) || /^(git::|gh:|git@|github\.com[:/])/i.test(v) || v.includes('_git/');
}

/**
 * What a kustomization (its parsed document) would fetch: every field kustomize
 * loads a path from, and `helmCharts` entries with a repository whose chart is
 * not already in the chart home (kustomize pulls those). `dir` is the
 * kustomization's directory, for finding pulled charts; without it every chart
 * with a repository counts.
 */
export function remoteReferences(doc: unknown, dir?: string): RemoteReference[] {
  const out: RemoteReference[] = [];
  if (!doc || typeof doc !== 'object' || Array.isArray(doc)) return out;
  const k = doc as Record<string, unknown>;
  const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : v === undefined ? [] : [v]);
  const add = (field: string, v: unknown, path = v) => {
    if (typeof v === 'string' && typeof path === 'string' && !path.includes('\n') && isRemotePath(path.trim()))
      out.push({ field, value: v });
  };
  for (const field of [
    'resources',
    'bases',
    'components',
    'crds',
    'configurations',
    'generators',
    'transformers',
    'validators',
    'patchesStrategicMerge',
  ])
    for (const v of list(k[field])) add(field, v);
  for (const field of ['patches', 'patchesJson6902', 'replacements'])
    for (const v of list(k[field]))
      if (v && typeof v === 'object') add(`${field}.path`, (v as { path?: unknown }).path);
  for (const field of ['configMapGenerator', 'secretGenerator']) {
    for (const g of list(k[field])) {
      if (!g || typeof g !== 'object') continue;
      const gen = g as Record<string, unknown>;
      // `key=path`, split at the first `=` as kustomize does
      for (const f of list(gen.files)) add(`${field}.files`, f, typeof f === 'string' ? f.replace(/^[^=]*=/, '') : f);
      for (const e of [...list(gen.envs), ...list(gen.env)]) add(`${field}.envs`, e);
    }
  }
  const openapi = k.openapi;
  if (openapi && typeof openapi === 'object') add('openapi.path', (openapi as { path?: unknown }).path);
  for (const c of list(k.helmCharts)) {
    if (!c || typeof c !== 'object') continue;
    const chart = c as Record<string, unknown>;
    add('helmCharts.valuesFile', chart.valuesFile);
    for (const f of list(chart.additionalValuesFiles)) add('helmCharts.additionalValuesFiles', f);
    const { name, repo, version } = chart;
    if (typeof name !== 'string' || typeof repo !== 'string' || repo === '') continue;
    if (dir !== undefined && chartIsPulled(dir, chart.chartHome, name, version, repo)) continue;
    out.push({ field: 'helmCharts', value: `helm chart ${name} from ${repo}` });
  }
  for (const c of list(k.helmChartInflationGenerator)) {
    const repo = c && typeof c === 'object' ? (c as { chartRepoUrl?: unknown }).chartRepoUrl : undefined;
    const name = c && typeof c === 'object' ? (c as { chartName?: unknown }).chartName : undefined;
    if (typeof repo === 'string' && repo !== '')
      out.push({ field: 'helmChartInflationGenerator', value: `helm chart ${String(name)} from ${repo}` });
  }
  return out;
}

/** Whether kustomize would find the chart already pulled (its chartExistsLocally). */
function chartIsPulled(dir: string, chartHome: unknown, name: string, version: unknown, repo: string): boolean {
  let home = resolve(dir, typeof chartHome === 'string' && chartHome !== '' ? chartHome : 'charts');
  if (typeof version === 'string' && version !== '' && repo !== '') home = join(home, `${name}-${version}`);
  try {
    return statSync(join(home, name)).isDirectory();
  } catch {
    return false;
  }
}

/** The kustomization file of a directory, if it has one. */
export function kustomizationFileIn(dir: string): string | undefined {
  for (const n of KUSTOMIZATION_FILES) {
    try {
      if (statSync(join(dir, n)).isFile()) return join(dir, n);
    } catch {
      // not this name
    }
  }
  return undefined;
}

/**
 * What rendering a kustomization involves, over it and every local
 * kustomization it includes: what would be fetched, and whether helm runs.
 */
async function renderNeeds(
  rootDir: string,
): Promise<{ remote: Array<RemoteReference & { file: string }>; usesHelmCharts: boolean }> {
  const remote: Array<RemoteReference & { file: string }> = [];
  let usesHelmCharts = false;
  const seen = new Set<string>();
  const queue = [rootDir];
  while (queue.length > 0 && seen.size < 500) {
    const dir = queue.shift() as string;
    if (seen.has(dir)) continue;
    seen.add(dir);
    const file = kustomizationFileIn(dir);
    if (!file) continue;
    let doc: unknown;
    try {
      doc = jsYaml.load(await readFile(file, 'utf8'), { schema: jsYaml.CORE_SCHEMA });
    } catch {
      continue; // kustomize reports it in its own words
    }
    for (const r of remoteReferences(doc, dir)) remote.push({ ...r, file });
    const info = await readKustomization(dir, file);
    usesHelmCharts ||= info.usesHelmCharts;
    queue.push(...info.references);
  }
  return { remote, usesHelmCharts };
}

/** Flags of a kustomize command that its help lists, cached per tool. */
const helpText = new Map<string, Promise<string>>();
async function supportsFlag(file: string, args: string[], flag: string): Promise<boolean> {
  const key = `${file} ${args.join(' ')}`;
  let help = helpText.get(key);
  if (!help) {
    help = runTool(file, [...args, '--help'], { timeoutMs: 30_000 }).then((r) => r.stdout + r.stderr);
    helpText.set(key, help);
  }
  return (await help).includes(flag);
}

/** The environment of a render that must not reach the network: proxies that go nowhere, git with no transport. */
function offlineEnv(): NodeJS.ProcessEnv {
  const nowhere = 'http://127.0.0.1:1';
  return {
    ...process.env,
    HTTP_PROXY: nowhere,
    HTTPS_PROXY: nowhere,
    ALL_PROXY: nowhere,
    http_proxy: nowhere,
    https_proxy: nowhere,
    all_proxy: nowhere,
    NO_PROXY: '',
    no_proxy: '',
    GIT_ALLOW_PROTOCOL: '',
  };
}

/**
 * Render a kustomization with `kustomize build` or `kubectl kustomize`,
 * asking kustomize to record each object's origin file. The kustomization is
 * wrapped in a temporary one so that the user's files are never touched; the
 * user's kustomization stays the root of its own loads, so kubectl's load
 * restrictions apply to it as they would to `kubectl kustomize DIR`. Remote
 * resources are refused, before anything runs, unless allowed.
 */
export async function renderKustomization(
  dir: string,
  opts: KustomizeOptions = {},
  timeoutMs = 120_000,
): Promise<RenderOutcome> {
  const show = opts.show ?? ((p: string) => p);
  const needs = await renderNeeds(dir);
  const first = needs.remote[0];
  if (first && !opts.allowRemote) {
    const more = needs.remote.length > 1 ? ` and ${needs.remote.length - 1} more` : '';
    return {
      ok: false,
      error: `remote resource ${first.value} (${first.field} in ${show(first.file)})${more} not fetched: kubeprint renders kustomizations offline unless --allow-remote is given`,
    };
  }
  const kustomize = await findTool('kustomize');
  const kubectl = kustomize ? undefined : await findTool('kubectl');
  if (!kustomize && !kubectl) {
    return {
      ok: false,
      error: `${notFound('neither kustomize nor kubectl is')}; install kustomize (npm run example builds it; or go install sigs.k8s.io/kustomize/kustomize/v5@latest) or kubectl`,
    };
  }
  const wrapper = await mkdtemp(join(tmpdir(), 'kubeprint-kustomize-'));
  const rel = relative(wrapper, dir);
  try {
    await writeFile(
      join(wrapper, 'kustomization.yaml'),
      `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n- ${JSON.stringify(rel)}\nbuildMetadata: [originAnnotations]\n`,
    );
    const [file, sub] = kustomize ? [kustomize, ['build']] : [kubectl as string, ['kustomize']];
    const flags = ['--load-restrictor', opts.loadRestrictor ?? 'LoadRestrictionsRootOnly'];
    if (needs.usesHelmCharts) {
      flags.push('--enable-helm');
      if (opts.kubeVersion && (await supportsFlag(file, sub, '--helm-kube-version')))
        flags.push('--helm-kube-version', fullKubeVersion(opts.kubeVersion));
    }
    const remote = needs.remote.length > 0;
    const res = await runTool(file, [...sub, ...flags, wrapper], {
      timeoutMs: remote ? Math.min(timeoutMs, REMOTE_RENDER_TIMEOUT_MS) : timeoutMs,
      ...(remote ? {} : { env: offlineEnv() }),
    });
    const tool = kustomize ? 'kustomize build' : 'kubectl kustomize';
    if (!res.ok) {
      const why = withoutWrapper(errorReason(res.stderr) || res.failure || 'failed', {
        wrapper,
        rel,
        dir,
        shown: show(dir),
      });
      return {
        ok: false,
        error: `${tool} failed: ${shortened(why, 1000)}${remote && res.failure?.startsWith('timed out') ? ' (fetching remote resources)' : ''}`,
      };
    }
    // origin paths are relative to the wrapper; make them absolute
    const text = res.stdout.replace(
      /(config\.kubernetes\.io\/origin: \|\n\s+path: )(\S+)/g,
      (_m, pre, p) => `${pre}${resolve(wrapper, p)}`,
    );
    return { ok: true, text, tool };
  } finally {
    await rm(wrapper, { recursive: true, force: true });
  }
}

/**
 * Kustomize's reason without the layer the wrapper adds (`accumulating
 * resources from '<wrapper's relative path>': … recursed accumulation of
 * path …: `), and with the user's paths as the user gave them.
 */
function withoutWrapper(why: string, p: { wrapper: string; rel: string; dir: string; shown: string }): string {
  const stripped = why
    .replace(
      /^accumulating resources: accumulation err='accumulating resources from '[^']*': '[^']*' must resolve to a file': /,
      '',
    )
    .replace(/^.*?recursed accumulation of path '[^']*': /, '');
  const shown = p.shown === '' ? '.' : p.shown;
  return stripped.split(p.rel).join(shown).split(p.dir).join(shown).split(p.wrapper).join('(kubeprint wrapper)');
}

/** The origin file of a rendered object (absolute), and removes kustomize's origin annotation from it. */
export function takeOrigin(raw: Record<string, unknown>): string | undefined {
  const md = raw.metadata as Record<string, unknown> | undefined;
  const ann = md?.annotations as Record<string, unknown> | undefined;
  const origin = ann?.['config.kubernetes.io/origin'];
  if (!md || !ann || typeof origin !== 'string') return undefined;
  delete ann['config.kubernetes.io/origin'];
  if (Object.keys(ann).length === 0) delete md.annotations;
  // fetched from a repository: the path is inside the clone, not on this disk
  if (/^repo:/m.test(origin)) return undefined;
  const m = /^path:\s*(\S+)/m.exec(origin);
  return m ? (m[1] as string) : undefined;
}
