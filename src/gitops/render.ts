/**
 * Rendering a plan: the I/O half of following GitOps objects. Kustomize and
 * Helm run through the scan's own renderers (src/sources: the host), so
 * load restrictions, remote refusal and positions are the scan's. When a
 * controller would change the kustomization first (Argo CD's kustomize
 * options, Flux's targetNamespace, patches, images, a generated
 * kustomization) or reads an artifact assembled from the repository, the
 * tree is copied to a temporary directory and changed there; paths in the
 * copy are shown as the repository files they are copies of.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { Finding } from '../model/finding.js';
import { annotationsOf, type KubeObject, labelsOf, toKubeObject } from '../model/kube-object.js';
import type { HelmOptions } from '../sources/helm.js';
import { argoGlobMatches } from './glob.js';
import { editKustomization, generatedKustomization } from './kustomization-edit.js';
import {
  type DirectoryPlan,
  type Files,
  type HelmPlan,
  KUSTOMIZATION_NAMES,
  type KustomizePlan,
  type RenderPlan,
} from './plan.js';
import { substitute } from './substitute.js';
import { type TreeView, treeView } from './tree.js';

/** What one render gave. */
export interface Batch {
  objects: KubeObject[];
  problems: Finding[];
  files: number;
  skippedDocuments: number;
}

/** The scan's renderers, as src/sources lends them. */
export interface RenderHost {
  /** How a path on disk is shown in findings (as the user gave the scanned paths). */
  show(abs: string): string;
  /** The objects of one file, with exact positions. */
  file(abs: string, show: (abs: string) => string): Promise<Batch>;
  /**
   * A kustomization built as the scan builds root kustomizations; `show`
   * names the files of a copy; `postBuild` changes the built text before it
   * is read (Flux's variable substitution).
   */
  kustomization(
    dirAbs: string,
    show: (abs: string) => string,
    postBuild?: (text: string) => { ok: true; text: string } | { ok: false; error: string },
  ): Promise<Batch>;
  /** A chart rendered with these options. */
  chart(chartAbs: string, helm: HelmOptions, show: (abs: string) => string): Promise<Batch>;
  /** A finding about a render that cannot run (render-failed), at a file. */
  renderFailed(error: string, file: string): Finding;
}

/** What a render read from the scanned files, as `file:` and `dir:` keys over shown paths. */
export interface Rendered {
  batch: Batch;
  /** Units of the plain scan this render replaces: `file:<shown>` for files, `dir:<shown>` for kustomizations and charts. */
  consumed: Set<string>;
  /** Notes on what the render left out (jsonnet files, say). */
  caveats: string[];
  /**
   * The kustomization kubeprint wrote for the controller (generated, or
   * edited in a copy): shown path, whether generated, and how many lines the
   * repository's own file has (lines after it are the controller's).
   */
  rewritten?: { file: string; generated: boolean; lines: number };
}

const MANIFEST = /\.(ya?ml|json|jsonnet)$/;
const SKIP_MARKER = '+argocd:skip-file-rendering';

/**
 * What the renders of one run share: one temporary copy per tree (the
 * repository, or an assembled artifact), and a lock per copy, so that a
 * kustomization edited for one GitOps object is built and put back before
 * another object's render reads the copy.
 */
export interface RenderSession {
  readonly copies: Map<string, Promise<TreeCopy>>;
  readonly locks: Map<string, Promise<unknown>>;
}

export function newRenderSession(): RenderSession {
  return { copies: new Map(), locks: new Map() };
}

/**
 * Remove a session's copies once nothing will locate a finding in them (the
 * scan has made its findings); the process's exit removes what is left.
 */
export async function disposeRenderSession(session: RenderSession): Promise<void> {
  const copies = await Promise.allSettled(session.copies.values());
  session.copies.clear();
  for (const c of copies) if (c.status === 'fulfilled') rmSync(c.value.root, { recursive: true, force: true });
}

export async function renderPlan(
  plan: RenderPlan,
  host: RenderHost,
  files: Files,
  session: RenderSession = newRenderSession(),
): Promise<Rendered> {
  const view = treeView(plan.tree, files);
  if (plan.$case === 'directory') return renderDirectory(plan, view, host);
  if (plan.$case === 'helm') return renderHelm(plan, view, host, session);
  return renderKustomize(plan, view, host, session);
}

/** The session's copy of a tree, made the first time it is needed. */
function sharedCopy(view: TreeView, session: RenderSession): Promise<TreeCopy> {
  const tree = view.tree;
  const key =
    tree.$case === 'repo'
      ? `repo:${tree.root}`
      : `artifact:${createHash('sha256')
          .update(JSON.stringify([...tree.files].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))))
          .digest('hex')}`;
  let copy = session.copies.get(key);
  if (!copy) {
    copy = copyTree(view);
    session.copies.set(key, copy);
  }
  return copy;
}

/** Run `fn` when every earlier holder of `key` is done. */
async function withLock<T>(session: RenderSession, key: string, fn: () => Promise<T>): Promise<T> {
  const before = session.locks.get(key) ?? Promise.resolve();
  const run = before.then(fn, fn);
  session.locks.set(
    key,
    run.then(
      () => undefined,
      () => undefined,
    ),
  );
  return run;
}

/** Argo CD's directory source: YAML, JSON (and Jsonnet, not evaluated here) files, recursive or not, include/exclude. */
async function renderDirectory(plan: DirectoryPlan, view: TreeView, host: RenderHost): Promise<Rendered> {
  const out: Rendered = { batch: emptyBatch(), consumed: new Set(), caveats: [] };
  const prefix = plan.dir === '' ? '' : `${plan.dir}/`;
  const candidates = plan.recurse ? view.filesUnder(plan.dir) : view.list(plan.dir).map((n) => prefix + n);
  const jsonnet: string[] = [];
  for (const rel of candidates) {
    const name = rel.split('/').pop() as string;
    if (!MANIFEST.test(name) || !view.isFile(rel)) continue;
    const inDir = rel.slice(prefix.length);
    if (plan.exclude && argoGlobMatches(plan.exclude, inDir)) continue;
    if (plan.include && !argoGlobMatches(plan.include, inDir)) continue;
    if (view.read(rel)?.includes(SKIP_MARKER)) continue;
    if (name.endsWith('.jsonnet')) {
      jsonnet.push(inDir);
      continue;
    }
    const real = view.realPath(rel);
    if (real === undefined) continue;
    add(out.batch, await host.file(real, host.show));
    out.consumed.add(`file:${host.show(real)}`);
  }
  if (jsonnet.length > 0)
    out.caveats.push(
      `${jsonnet.length === 1 ? 'Jsonnet file' : 'Jsonnet files'} ${jsonnet.join(', ')} not evaluated (kubeprint does not run Jsonnet)`,
    );
  return out;
}

async function renderKustomize(
  plan: KustomizePlan,
  view: TreeView,
  host: RenderHost,
  session: RenderSession,
): Promise<Rendered> {
  const out: Rendered = { batch: emptyBatch(), consumed: new Set(), caveats: [] };
  const generatedResources = plan.generate ? fluxResources(view, plan.dir) : [];
  if (plan.generate) {
    for (const r of generatedResources) {
      const real = view.realPath(r.rel);
      if (!real) continue;
      out.consumed.add(r.dir ? `dir:${host.show(real)}` : `file:${host.show(real)}`);
    }
  } else {
    const real = view.realPath(plan.dir);
    if (real) out.consumed.add(`dir:${host.show(real)}`);
  }
  let batch: Batch;
  const vars = plan.substitute;
  const postBuild = vars ? (text: string) => substitutedText(text, vars) : undefined;
  if (view.tree.$case === 'repo' && !plan.edits && !plan.generate) {
    batch = await host.kustomization(view.realPath(plan.dir) as string, host.show, postBuild);
  } else {
    let copy: TreeCopy;
    try {
      copy = await sharedCopy(view, session);
    } catch (err) {
      out.batch.problems.push(host.renderFailed((err as Error).message, host.show(view.realPath(plan.dir) ?? '')));
      return out;
    }
    const dirAbs = copy.path(plan.dir);
    const kfile = KUSTOMIZATION_NAMES.map((n) => join(dirAbs, n)).find((f) => copy.has(f));
    const original = kfile ? view.read(copy.treePath(kfile)) : undefined;
    let text = plan.generate
      ? generatedKustomization(
          generatedResources.map((r) => `./${r.rel.slice(plan.dir === '' ? 0 : plan.dir.length + 1)}`),
        )
      : (original ?? '');
    out.rewritten = {
      file: copy.show(kfile ?? join(dirAbs, 'kustomization.yaml'), host),
      generated: plan.generate,
      lines: plan.generate ? 0 : text.split('\n').length,
    };
    if (plan.edits) {
      const edited = editKustomization(text, plan.edits);
      if (!edited.ok) {
        const shown = kfile ? copy.show(kfile, host) : host.show(dirAbs);
        out.batch.problems.push(host.renderFailed(edited.error, shown));
        return out;
      }
      text = edited.text;
    }
    const written = kfile ?? join(dirAbs, 'kustomization.yaml');
    // one render at a time in a copy: another object's build may include this directory
    batch = await withLock(session, copy.root, async () => {
      await writeFile(written, text);
      try {
        return await host.kustomization(dirAbs, (abs) => copy.show(abs, host), postBuild);
      } finally {
        // the copy is shared: the next GitOps object builds the repository's own kustomization
        if (original !== undefined) await writeFile(written, original);
        else await rm(written, { force: true });
      }
    });
  }
  add(out.batch, batch);
  return out;
}

/**
 * What kustomize-controller lists in the kustomization it generates: every
 * `.yaml`/`.yml` file below the directory, and each sub-directory holding a
 * kustomization as one resource (not descended into).
 */
function fluxResources(view: TreeView, dir: string): Array<{ rel: string; dir: boolean }> {
  const out: Array<{ rel: string; dir: boolean }> = [];
  const walk = (d: string, depth: number) => {
    if (depth > 64) return;
    for (const name of view.list(d)) {
      const rel = d === '' ? name : `${d}/${name}`;
      if (view.isDir(rel) && !view.isFile(rel)) {
        if (KUSTOMIZATION_NAMES.some((n) => view.isFile(`${rel}/${n}`))) out.push({ rel, dir: true });
        else walk(rel, depth + 1);
      } else if (/\.ya?ml$/.test(name)) out.push({ rel, dir: false });
    }
  };
  walk(dir, 0);
  return out;
}

/**
 * Flux's postBuild substitution on the built YAML, one document (object) at
 * a time as kustomize-controller does: a value is read again as YAML with
 * the quoting kustomize wrote (`replicas: ${n}` becomes a number, and so does
 * a quoted `"${tag}"`, which kustomize writes unquoted); objects that opt out
 * (`kustomize.toolkit.fluxcd.io/substitute: disabled`, label or annotation)
 * are left alone.
 */
export function substitutedText(
  text: string,
  vars: ReadonlyMap<string, string>,
): { ok: true; text: string } | { ok: false; error: string } {
  const docs = text.split(/^---[ \t]*$/m);
  const out: string[] = [];
  for (const doc of docs) {
    let raw: unknown;
    try {
      raw = parseYaml(doc);
    } catch {
      raw = undefined;
    }
    const obj = raw && typeof raw === 'object' ? toKubeObject(raw, undefined, '') : undefined;
    const key = 'kustomize.toolkit.fluxcd.io/substitute';
    if (obj && (labelsOf(obj.raw)[key] === 'disabled' || annotationsOf(obj.raw)[key] === 'disabled')) {
      out.push(doc);
      continue;
    }
    const r = substitute(doc, vars);
    if (!r.ok)
      return {
        ok: false,
        error: `variable substitution failed${obj ? ` in ${obj.kind} ${obj.name}` : ''}: ${r.error}`,
      };
    out.push(r.text);
  }
  return { ok: true, text: out.join('---') };
}

async function renderHelm(plan: HelmPlan, view: TreeView, host: RenderHost, session: RenderSession): Promise<Rendered> {
  const out: Rendered = { batch: emptyBatch(), consumed: new Set(), caveats: [] };
  const realChart = view.realPath(plan.dir);
  if (realChart && view.tree.$case === 'repo') out.consumed.add(`dir:${host.show(realChart)}`);
  const values = await mkdtemp(join(scratchRoot(), 'values-'));
  const copy = view.tree.$case === 'artifact' ? await sharedCopy(view, session) : undefined;
  try {
    const valuesFiles = [...plan.valueFiles];
    if (plan.values !== undefined) {
      const f = join(values, 'values.yaml');
      await writeFile(f, plan.values);
      valuesFiles.push(f);
    }
    const helm: HelmOptions = {
      releaseName: plan.releaseName,
      ...(plan.namespace ? { namespace: plan.namespace } : {}),
      valuesFiles,
      set: plan.set,
      setString: plan.setString,
      setFile: plan.setFile,
      includeCrds: !plan.skipCrds,
      skipTests: plan.skipTests,
      apiVersions: plan.apiVersions,
      ...(plan.kubeVersion ? { kubeVersion: plan.kubeVersion } : {}),
    };
    const chartAbs = copy ? copy.path(plan.dir) : (realChart as string);
    const show = copy ? (abs: string) => copy.show(abs, host) : host.show;
    const render = () => host.chart(chartAbs, helm, show);
    add(out.batch, copy ? await withLock(session, copy.root, render) : await render());
  } finally {
    await rm(values, { recursive: true, force: true });
  }
  return out;
}

let scratch: string | undefined;

/**
 * The directory temporary copies live in, made once per process and removed
 * when it exits: findings are located after the render (an overlay's patch
 * lines are read when a finding needs them), so a copy must outlive it.
 */
function scratchRoot(): string {
  if (scratch === undefined || !existsSync(scratch)) {
    const dir = mkdtempSync(join(tmpdir(), 'kubeprint-gitops-'));
    scratch = dir;
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  return scratch;
}

/** A temporary copy of a tree, and the way back from its paths to the repository's. */
export interface TreeCopy {
  root: string;
  path(rel: string): string;
  treePath(abs: string): string;
  has(abs: string): boolean;
  show(abs: string, host: RenderHost): string;
}

/** Files copied at most; a larger repository is not copied (the render fails with a reason). */
const MAX_COPY_FILES = 50_000;

async function copyTree(view: TreeView): Promise<TreeCopy> {
  const root = await mkdtemp(join(scratchRoot(), 'tree-'));
  const pairs = new Map<string, string>(); // copy path → repository path
  const files = view.filesUnder('').filter((rel) => !rel.split('/').includes('node_modules'));
  if (files.length > MAX_COPY_FILES) {
    await rm(root, { recursive: true, force: true });
    throw new Error(`the tree holds over ${MAX_COPY_FILES} files; not copied`);
  }
  for (const rel of files) {
    const real = view.realPath(rel);
    if (!real) continue;
    const dest = join(root, ...rel.split('/'));
    await mkdir(dirname(dest), { recursive: true });
    try {
      await copyFile(real, dest);
      pairs.set(dest, real);
    } catch {
      // unreadable: kustomize will say so if it needs it
    }
  }
  const dirs = new Map<string, string>();
  for (const [copy, real] of pairs) {
    let c = dirname(copy);
    let r = dirname(real);
    while (c.startsWith(root) && !dirs.has(c)) {
      dirs.set(c, r);
      if (c === root) break;
      c = dirname(c);
      r = dirname(r);
    }
  }
  return {
    root,
    path: (rel) => (rel === '' ? root : join(root, ...rel.split('/'))),
    treePath: (abs) => relative(root, abs).split(sep).join('/'),
    has: (abs) => pairs.has(abs),
    show: (abs, host) => {
      const real = pairs.get(abs) ?? dirs.get(abs);
      if (real !== undefined) return host.show(real);
      // a path below a copied directory that is not itself a copy (a file kustomize looked for)
      for (let d = dirname(abs); d.startsWith(root); d = dirname(d)) {
        const r = dirs.get(d);
        if (r !== undefined) return host.show(join(r, relative(d, abs)));
        if (d === root) break;
      }
      return abs;
    },
  };
}

function emptyBatch(): Batch {
  return { objects: [], problems: [], files: 0, skippedDocuments: 0 };
}

function add(to: Batch, from: Batch): void {
  for (const o of from.objects) to.objects.push(o);
  for (const p of from.problems) to.problems.push(p);
  to.files += from.files;
  to.skippedDocuments += from.skippedDocuments;
}
