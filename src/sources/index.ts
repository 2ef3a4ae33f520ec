import {
  closeSync,
  constants,
  fstatSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  realpathSync,
  statSync,
} from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { KubeprintError } from '../errors.js';
import { type FollowRecord, followGitops, isGitopsObject } from '../gitops/follow.js';
import type { Batch, RenderHost } from '../gitops/render.js';
import { scannedRepositories } from '../gitops/repository.js';
import type { Finding } from '../model/finding.js';
import type { KubeObject, ObjectSource } from '../model/kube-object.js';
import { getAt } from '../model/pointer.js';
import { inputProblem, objectsFromText } from './file-objects.js';
import { type HelmOptions, renderChart, TemplateFile, templatePathInChart } from './helm.js';
import {
  KUSTOMIZATION_FILES,
  type KustomizeOptions,
  readKustomization,
  renderKustomization,
  takeOrigin,
} from './kustomize.js';
import { notIncludedManifests } from './not-included.js';
import { commonDirectory, objectIdentity, plainScopeDirs } from './plain-scopes.js';
import { decodeText } from './text-encoding.js';

export { objectsFromText } from './file-objects.js';

export interface LoadOptions {
  cwd: string;
  /**
   * Reads stdin for the path `-`: at most `maxBytes + 1` bytes (more means
   * over the limit), as bytes (decoded like a file) or text.
   */
  stdin?: (maxBytes: number) => Promise<string | Uint8Array>;
  /** Scan every file as it is: no Kustomize or Helm rendering. */
  raw?: boolean;
  helm?: HelmOptions;
  /** How kustomizations are rendered: load restrictions (kubectl's by default), remote resources (refused by default). */
  kustomize?: Pick<KustomizeOptions, 'loadRestrictor' | 'allowRemote'>;
  /** Files (and stdin) larger than this are reported and skipped (default DEFAULT_MAX_FILE_BYTES, 64 MiB). */
  maxFileBytes?: number;
  /** Called with one line for each render that failed and each symlink not followed (the CLI prints it on stderr). */
  notice?: (line: string) => void;
  /**
   * How plain files are grouped for cross-object rules: `merged` (default)
   * merges directories upward until two define the same object (ADR 0004);
   * `directory` keeps each directory a scope of its own.
   */
  scopeBy?: 'merged' | 'directory';
  /**
   * Following what GitOps objects deploy (src/gitops): `repoURL` names the
   * scanned repository when its git remote does not (`--repo-url`, config
   * `gitops.repoURL`); `follow: false` leaves Applications and Flux objects
   * unfollowed. Off with `raw`.
   */
  gitops?: { repoURL?: string; follow?: boolean };
}

export interface LoadResult {
  objects: KubeObject[];
  /** Findings about the input itself: invalid YAML, skipped files, failed renders. */
  problems: Finding[];
  files: number;
  skippedDocuments: number;
  skippedFiles: number;
  /**
   * Files with Kubernetes objects under a kustomization directory that no
   * kustomization includes: not deployed, so not scanned (shown paths, in walk order).
   */
  notIncluded?: string[];
  /** What following GitOps objects did with each source of each one (src/gitops). */
  gitops?: FollowRecord[];
  /**
   * Removes the temporary copies GitOps renders were made in, once findings
   * are made (locating a finding may read them); otherwise they go when the
   * process exits.
   */
  dispose?: () => Promise<void>;
}

const YAML_FILE = /\.(ya?ml|json)$/i;
/**
 * The default size limit of one file (and of stdin). The API server refuses a
 * request body over 3 MiB (MaxRequestBodyBytes, not a flag) and a default etcd
 * one over 1.5 MiB (--max-request-bytes), but a file holds many objects (CRD
 * bundles, rendered releases reach tens of MB), so files are read up to 64 MiB
 * (config: maxFileBytes). A larger file is a `file-skipped` finding (high).
 */
export const DEFAULT_MAX_FILE_BYTES = 64 * 1024 * 1024;

/**
 * Read every path (file, directory, or `-` for stdin) into objects. Plain files
 * keep exact positions; root kustomizations and charts are rendered with the
 * real tools and their objects point back at the files they came from. What
 * cannot be judged (a file too large, binary, unreadable, a FIFO, a symlink
 * out of the input) is a `file-skipped` finding, never silence.
 *
 * @throws KubeprintError PATH_NOT_FOUND when a path does not exist, READ_FAILED
 *   when a path given cannot be read, INPUT_INVALID when it is neither a
 *   regular file nor a directory (a FIFO, a socket, a device).
 */
export async function loadInputs(paths: string[], opts: LoadOptions): Promise<LoadResult> {
  const result: LoadResult = { objects: [], problems: [], files: 0, skippedDocuments: 0, skippedFiles: 0 };
  const ctx = new Loader(opts, result);
  const roots: string[] = [];
  const given: Array<{ p: string; abs: string; dir: boolean }> = [];
  for (const p of paths) {
    if (p === '-') {
      given.push({ p, abs: p, dir: false });
      continue;
    }
    const abs = resolve(opts.cwd, p);
    let st: ReturnType<typeof statSync>;
    try {
      st = statSync(abs);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR')
        throw new KubeprintError('PATH_NOT_FOUND', `${p}: no such file or directory`);
      throw new KubeprintError('READ_FAILED', `${p}: cannot be read (${code ?? 'error'})`, { cause: err });
    }
    if (!st.isDirectory() && !st.isFile())
      throw new KubeprintError(
        'INPUT_INVALID',
        `${p}: not a regular file or directory (a FIFO, socket or device); give files, directories, or - for stdin`,
      );
    roots.push(st.isDirectory() ? abs : dirname(abs));
    given.push({ p, abs, dir: st.isDirectory() });
  }
  ctx.setInputRoots(
    given.filter((g) => g.dir).map((g) => g.abs),
    given.filter((g) => !g.dir && g.p !== '-').map((g) => g.abs),
  );
  for (const g of given) {
    if (g.p === '-') {
      if (!opts.stdin) throw new KubeprintError('USAGE', 'stdin is not available');
      ctx.addStdin(await opts.stdin(ctx.maxBytes));
    } else if (g.dir) await ctx.addDirectory(g.abs, g.p);
    else ctx.addFile(g.abs, g.p, true);
  }
  if (opts.scopeBy !== 'directory')
    ctx.scopePlainFiles(
      roots,
      paths.every((p) => p === '-' || !isAbsolute(p)),
    );
  if (!opts.raw && opts.gitops?.follow !== false)
    await ctx.followGitops(
      given.filter((g) => g.dir).map((g) => ({ abs: g.abs, given: g.p })),
      given.filter((g) => !g.dir && g.p !== '-').map((g) => dirname(g.abs)),
      paths.every((p) => p === '-' || !isAbsolute(p)),
    );
  return result;
}

class Loader {
  readonly maxBytes: number;
  /** Real paths of the directories given: symlinks are followed only within them. */
  private inputRoots: string[] = [];
  /** Real paths of the files given: a link to one of them is inside the input too. */
  private inputFiles = new Set<string>();
  /** Real paths of the files and directories read, so that a link to one already read is not read again. */
  private readonly seen = new Set<string>();
  private readonly originCache = new Map<string, KubeObject[]>();
  /** Where each plain file's objects lie in `result.objects`, for `scopePlainFiles`. */
  private readonly plain: Array<{ dir: string; start: number; end: number }> = [];
  /** Root kustomizations and charts rendered: shown directory → shown kustomization file or Chart.yaml. */
  private readonly renderRoots = new Map<string, string>();

  constructor(
    private readonly opts: LoadOptions,
    private readonly result: LoadResult,
  ) {
    this.maxBytes = opts.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  }

  /** How a path is shown: relative to the working directory when the user gave relative paths. */
  private display(abs: string, givenRoot: string, rootAbs: string): string {
    if (isAbsolute(givenRoot)) return abs;
    const rel = relative(rootAbs, abs);
    return rel === '' ? givenRoot : join(givenRoot, rel);
  }

  setInputRoots(dirs: readonly string[], files: readonly string[]): void {
    this.inputRoots = dirs.map((d) => realOrSelf(d));
    this.inputFiles = new Set(files.map((f) => realOrSelf(f)));
  }

  addText(text: string, file: string, scope: string): void {
    const r = objectsFromText(text, { file, scope });
    // one push per item: a spread of 150,000 objects overflows the call stack
    for (const o of r.objects) this.result.objects.push(o);
    for (const p of r.problems) this.result.problems.push(p);
    this.result.skippedDocuments += r.skippedDocuments;
  }

  /** Stdin, bounded and decoded like a file. */
  addStdin(data: string | Uint8Array): void {
    this.result.files++;
    const size = typeof data === 'string' ? Buffer.byteLength(data) : data.length;
    if (size > this.maxBytes) {
      this.skip('-', `stdin is over the ${this.maxBytes}-byte limit (maxFileBytes); not read`);
      return;
    }
    const text =
      typeof data === 'string' ? data : this.decode(Buffer.from(data.buffer, data.byteOffset, data.length), '-');
    if (text !== undefined) this.addText(text, '-', '-');
  }

  /**
   * Read a file's text, or report why it is skipped. The file is opened
   * without blocking and checked to be a regular file before it is read, so
   * a FIFO never hangs the run.
   *
   * @throws KubeprintError READ_FAILED for a file named on the command line that cannot be opened
   */
  private readText(abs: string, shown: string, named: boolean): string | undefined {
    let fd: number;
    try {
      fd = openSync(abs, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'error';
      if (named) throw new KubeprintError('READ_FAILED', `${shown}: cannot be read (${code})`, { cause: err });
      this.skip(shown, `cannot be read (${code}); not judged`);
      return undefined;
    }
    let buf: Buffer;
    try {
      const st = fstatSync(fd);
      if (!st.isFile()) {
        if (named) throw new KubeprintError('INPUT_INVALID', `${shown}: not a regular file`);
        this.skip(shown, 'not a regular file (a FIFO, socket or device); not read');
        return undefined;
      }
      if (st.size > this.maxBytes) {
        this.skip(shown, `file is ${st.size} bytes, over the ${this.maxBytes}-byte limit (maxFileBytes); not read`);
        return undefined;
      }
      buf = readAll(fd, st.size, this.maxBytes);
    } catch (err) {
      if (err instanceof KubeprintError) throw err;
      const code = (err as NodeJS.ErrnoException).code ?? 'error';
      if (named) throw new KubeprintError('READ_FAILED', `${shown}: cannot be read (${code})`, { cause: err });
      this.skip(shown, `cannot be read (${code}); not judged`);
      return undefined;
    } finally {
      closeSync(fd);
    }
    if (buf.length > this.maxBytes) {
      this.skip(shown, `file grew over the ${this.maxBytes}-byte limit (maxFileBytes) while read; not read`);
      return undefined;
    }
    return this.decode(buf, shown);
  }

  private decode(buf: Buffer, shown: string): string | undefined {
    const r = decodeText(buf);
    if (r.ok) return r.text;
    this.skip(shown, r.why);
    return undefined;
  }

  private skip(file: string, why: string): void {
    this.result.skippedFiles++;
    this.result.problems.push(inputProblem('file-skipped', why, file));
  }

  /** @param named the path was given on the command line: a file that cannot be read stops the run */
  addFile(abs: string, shown: string, named = false): void {
    const real = realOrSelf(abs);
    if (!named && this.seen.has(real)) return; // a link to a file already read
    this.seen.add(real);
    const text = this.readText(abs, shown, named);
    this.result.files++;
    if (text === undefined) return;
    const start = this.result.objects.length;
    this.addText(text, shown, dirname(shown));
    this.plain.push({ dir: dirname(abs), start, end: this.result.objects.length });
  }

  /**
   * Give plain files' objects their scope: directories merged upward, up to
   * the deepest directory holding every input, until two of them define the
   * same object (see `plainScopeDirs`). Kustomize and Helm renders keep theirs.
   */
  scopePlainFiles(roots: readonly string[], relativeNames: boolean): void {
    const ceiling = commonDirectory(roots);
    if (ceiling === undefined || this.plain.length === 0) return;
    const objects = this.result.objects;
    const ids = new Map<string, Set<string>>();
    for (const f of this.plain) {
      let set = ids.get(f.dir);
      if (!set) ids.set(f.dir, (set = new Set()));
      for (let i = f.start; i < f.end; i++) {
        const id = objectIdentity(objects[i] as KubeObject);
        if (id !== undefined) set.add(id);
      }
    }
    const scopeDirs = plainScopeDirs(ids, ceiling);
    const cwd = resolve(this.opts.cwd);
    for (const f of this.plain) {
      const top = scopeDirs.get(f.dir) ?? f.dir;
      const scope = relativeNames ? relative(cwd, top) || '.' : top;
      for (let i = f.start; i < f.end; i++) {
        const o = objects[i] as KubeObject;
        if (o.scope !== scope) objects[i] = { ...o, scope };
      }
    }
  }

  async addDirectory(rootAbs: string, given: string): Promise<void> {
    const files: string[] = [];
    const kdirs: string[] = [];
    const charts: string[] = [];
    const show = (abs: string) => this.display(abs, given, rootAbs);
    const root = realOrSelf(rootAbs);
    if (this.seen.has(root)) return;
    try {
      readdirSync(rootAbs);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? 'error';
      throw new KubeprintError('READ_FAILED', `${given}: directory cannot be read (${code})`, { cause: err });
    }
    walk(rootAbs, { files, kdirs, charts }, this.walkContext(show));
    if (this.opts.raw) {
      for (const f of files) this.addFile(f, show(f));
      return;
    }
    const infos = await Promise.all(
      kdirs.map((d) => readKustomization(d, join(d, KUSTOMIZATION_FILES.find((n) => exists(join(d, n))) as string))),
    );
    const referenced = new Set<string>();
    for (const info of infos) for (const r of info.references) referenced.add(r);
    const roots = infos.filter((i) => !referenced.has(i.dir) && !i.isComponent);
    const covered = (f: string) =>
      referenced.has(f) || kdirs.some((d) => isUnder(f, d)) || charts.some((c) => isUnder(f, c));
    for (const f of files) if (!covered(f)) this.addFile(f, show(f));
    const hidden = notIncludedManifests(files, kdirs, charts);
    if (hidden.length > 0) (this.result.notIncluded ??= []).push(...hidden.map(show));
    // charts inside a kustomization are kustomize's business; subcharts are their parent's
    const rootCharts = charts.filter(
      (c) => !kdirs.some((d) => isUnder(c, d)) && !charts.some((o) => o !== c && isUnder(c, o)),
    );
    for (const k of roots) this.renderRoots.set(show(k.dir), show(k.file));
    for (const c of rootCharts) this.renderRoots.set(show(c), join(show(c), 'Chart.yaml'));
    const renders: Array<Promise<void>> = [];
    for (const k of roots) renders.push(this.addKustomization(k.dir, show(k.dir), show(k.file), show));
    for (const c of rootCharts) renders.push(this.addChart(c, show(c)));
    await Promise.all(renders);
  }

  private async addKustomization(
    dirAbs: string,
    shownDir: string,
    shownFile: string,
    show: (abs: string) => string,
    /** A change to the built text before it is read (Flux's post-build variable substitution). */
    postBuild?: (text: string) => { ok: true; text: string } | { ok: false; error: string },
  ): Promise<void> {
    const out = await renderKustomization(dirAbs, {
      ...this.opts.kustomize,
      ...(this.opts.helm?.kubeVersion ? { kubeVersion: this.opts.helm.kubeVersion } : {}),
      show,
    });
    this.result.files++;
    if (!out.ok) {
      this.renderFailed(shownFile, out.error);
      return;
    }
    const built = postBuild ? postBuild(out.text) : out;
    if (!built.ok) {
      this.renderFailed(shownFile, built.error);
      return;
    }
    const r = objectsFromText(built.text, { file: shownFile, scope: shownDir });
    for (const p of r.problems) this.result.problems.push(p);
    this.result.skippedDocuments += r.skippedDocuments;
    const overlay = new OverlayIndex(await kustomizationChain(dirAbs), show);
    for (const obj of r.objects) {
      const origin = takeOrigin(obj.raw);
      const from = origin ? this.originObject(obj, origin, show, postBuild) : undefined;
      const source = from?.source
        ? withOverlay(from.source, obj, from, overlay)
        : fixedSource(shownFile, obj.source?.docIndex ?? 0);
      this.result.objects.push({ ...obj, source });
    }
  }

  /** The source object a rendered object came from, found by kind and name in its origin file. */
  private originObject(
    obj: KubeObject,
    originAbs: string,
    show: (abs: string) => string,
    postBuild?: (text: string) => { ok: true; text: string } | { ok: false; error: string },
  ): KubeObject | undefined {
    let objs = this.originCache.get(originAbs);
    if (!objs) {
      let text: string | undefined;
      try {
        text = readFileSync(originAbs, 'utf8');
      } catch {
        text = undefined;
      }
      // the file as the build's change saw it, so that a substituted value is the file's own, at its line
      const built = text !== undefined && postBuild ? postBuild(text) : undefined;
      if (built?.ok) text = built.text;
      objs = text === undefined ? [] : objectsFromText(text, { file: show(originAbs), scope: '' }).objects;
      this.originCache.set(originAbs, objs);
    }
    return matchByName(objs, obj);
  }

  private async addChart(chartAbs: string, shownChart: string): Promise<void> {
    const out = await renderChart(chartAbs, this.opts.helm ?? {});
    this.result.files++;
    const chartFile = join(shownChart, 'Chart.yaml');
    if (out.$case === 'library') {
      this.result.problems.push(
        inputProblem(
          'library-chart-skipped',
          'library chart (type: library): helm renders nothing from it alone; its templates are judged in the charts that use it',
          chartFile,
          { line: 1, column: 1 },
        ),
      );
      return;
    }
    if (out.$case === 'failed') {
      this.renderFailed(chartFile, out.error);
      return;
    }
    const templates = new Map<string, TemplateFile | null>();
    for (const doc of out.documents) {
      const rel = doc.template ? templatePathInChart(doc.template, chartAbs) : undefined;
      const shownTemplate = rel ? join(shownChart, rel) : chartFile;
      const r = objectsFromText(doc.text, { file: shownTemplate, scope: shownChart });
      for (const p of r.problems) this.result.problems.push(p);
      this.result.skippedDocuments += r.skippedDocuments;
      let template: TemplateFile | null | undefined = rel ? templates.get(rel) : null;
      if (rel && template === undefined) {
        try {
          template = new TemplateFile(readFileSync(join(chartAbs, rel), 'utf8'));
        } catch {
          template = null;
        }
        templates.set(rel, template);
      }
      for (const obj of r.objects) {
        const idx = template?.next(obj.kind);
        const source: ObjectSource = idx
          ? {
              file: shownTemplate,
              docIndex: 0,
              line: idx.start().line,
              column: idx.start().column,
              positionOf: (p) => idx.templatePositionOf(p, obj.raw),
            }
          : fixedSource(shownTemplate, 0);
        // without --namespace, helm renders {{ .Release.Namespace }} as "default": the installer's choice, not the chart's
        const filledIn = !this.opts.helm?.namespace && obj.namespace === 'default';
        this.result.objects.push({ ...obj, source: filledIn ? { ...source, namespaceFromRender: true } : source });
      }
    }
  }

  /** What the directory walk needs: where links may lead, what was read, how to report. */
  private walkContext(show: (abs: string) => string): WalkContext {
    return {
      roots: this.inputRoots,
      files: this.inputFiles,
      seen: this.seen,
      skip: (abs, why) => this.skip(show(abs), why),
      notice: (line) => this.opts.notice?.(line),
      show,
    };
  }

  private renderFailed(file: string, error: string): void {
    this.result.problems.push(inputProblem('render-failed', error, file, { line: 1, column: 1 }));
    this.opts.notice?.(`${file}: ${error}`);
  }

  /**
   * Follow the Argo CD and Flux objects loaded (src/gitops, ADR 0014): what
   * each deploys from the scanned repository is rendered here, with this
   * run's options, and takes the place of the plain files, kustomizations
   * and charts it read.
   */
  async followGitops(
    dirs: ReadonlyArray<{ abs: string; given: string }>,
    fileDirs: readonly string[],
    relativeNames: boolean,
  ): Promise<void> {
    const objects = this.result.objects;
    if (!objects.some(isGitopsObject)) return;
    const repositories = await scannedRepositories(
      dirs.map((d) => d.abs),
      this.opts.gitops?.repoURL,
      fileDirs,
    );
    const cwd = resolve(this.opts.cwd);
    const show = (abs: string): string => {
      const root = dirs.filter((d) => isUnder(abs, d.abs)).sort((a, b) => b.abs.length - a.abs.length)[0];
      if (root) return this.display(abs, root.given, root.abs);
      return relativeNames ? relative(cwd, abs) || '.' : abs;
    };
    const plainUnit = new Map<number, string>();
    for (const f of this.plain)
      for (let i = f.start; i < f.end; i++) {
        const file = objects[i]?.source?.file;
        if (file !== undefined) plainUnit.set(i, `file:${file}`);
      }
    const inDir = (file: string, dir: string) => dir === '.' || file === dir || file.startsWith(`${dir}${sep}`);
    const sub = (helm?: HelmOptions) => {
      const r: LoadResult = { objects: [], problems: [], files: 0, skippedDocuments: 0, skippedFiles: 0 };
      // a GitOps object's chart renders with its own values, not the command line's
      const kube = this.opts.helm?.kubeVersion ? { kubeVersion: this.opts.helm.kubeVersion } : {};
      const opts: LoadOptions = helm ? { ...this.opts, helm: { ...kube, ...helm } } : this.opts;
      return { loader: new Loader(opts, r), batch: (): Batch => r };
    };
    const host: RenderHost = {
      show,
      file: async (abs, shown) => {
        const s = sub();
        s.loader.addFile(abs, shown(abs));
        return s.batch();
      },
      kustomization: async (dirAbs, shown, postBuild) => {
        const s = sub();
        const file = join(dirAbs, KUSTOMIZATION_FILES.find((n) => exists(join(dirAbs, n))) ?? 'kustomization.yaml');
        await s.loader.addKustomization(dirAbs, shown(dirAbs), shown(file), shown, postBuild);
        return s.batch();
      },
      chart: async (chartAbs, helm, shown) => {
        const s = sub(helm);
        await s.loader.addChart(chartAbs, shown(chartAbs));
        return s.batch();
      },
      renderFailed: (error, file) => inputProblem('render-failed', error, file, { line: 1, column: 1 }),
    };
    const out = await followGitops(
      {
        objects,
        problems: this.result.problems,
        unitOfObject: (i) => {
          const plain = plainUnit.get(i);
          if (plain !== undefined) return plain;
          const scope = objects[i]?.scope;
          return scope !== undefined && this.renderRoots.has(scope) ? `dir:${scope}` : undefined;
        },
        unitOfProblem: (p) => {
          const file = p.source?.file;
          if (file === undefined) return undefined;
          for (const [dir, kfile] of this.renderRoots)
            if (file === kfile || (dir !== '.' && inDir(file, dir))) return `dir:${dir}`;
          return `file:${file}`;
        },
      },
      host,
      { repositories },
    );
    this.result.objects = out.objects;
    this.result.problems = out.problems;
    this.result.files += out.files;
    this.result.skippedDocuments += out.skippedDocuments;
    this.result.gitops = out.records;
    this.result.dispose = out.dispose;
  }
}

function fixedSource(file: string, docIndex: number): ObjectSource {
  return { file, docIndex, line: 1, column: 1, positionOf: () => ({ line: 1, column: 1 }) };
}

function exists(p: string): boolean {
  try {
    statSync(p);
    return true;
  } catch {
    return false;
  }
}

function isUnder(path: string, dir: string): boolean {
  return path === dir || path.startsWith(dir.endsWith(sep) ? dir : dir + sep);
}

const SKIP_DIRS = new Set(['node_modules', '.git']);

/** The real path, or the path itself when it cannot be resolved. */
function realOrSelf(p: string): string {
  try {
    return realpathSync.native(p);
  } catch {
    return p;
  }
}

/** Read a regular file through its descriptor: at most `max + 1` bytes, so a file that grows is caught. */
function readAll(fd: number, size: number, max: number): Buffer {
  const cap = Math.min(Math.max(size, 0), max) + 1;
  let buf = Buffer.allocUnsafe(Math.max(cap, 1));
  let len = 0;
  for (;;) {
    if (len === buf.length) {
      if (len > max) break;
      const bigger = Buffer.allocUnsafe(Math.min(buf.length * 2, max + 1));
      buf.copy(bigger, 0, 0, len);
      buf = bigger;
    }
    const n = readSync(fd, buf, len, buf.length - len, null);
    if (n === 0) break;
    len += n;
  }
  return buf.subarray(0, len);
}

interface WalkContext {
  /** Real paths of the input directories: a symlink is followed only when its target is inside one. */
  roots: readonly string[];
  /** Real paths of the files given on the command line. */
  files: ReadonlySet<string>;
  /** Real paths already read or walked (links to them, and loops, are not followed again). */
  seen: Set<string>;
  skip: (abs: string, why: string) => void;
  notice: (line: string) => void;
  show: (abs: string) => string;
}

interface WalkOut {
  files: string[];
  kdirs: string[];
  charts: string[];
}

/**
 * Every YAML/JSON file, kustomization and chart under `dir`, sorted. Symbolic
 * links are followed when their target lies inside an input directory (each
 * real directory is walked once, so loops end); a link to a file outside the
 * input is a `file-skipped` finding (`kubectl apply -f` would apply it), a link
 * to a directory outside only a notice (kubectl does not follow those).
 * Directories that cannot be read and YAML names that are not regular files
 * (FIFOs, sockets) are `file-skipped` findings.
 */
function walk(dir: string, out: WalkOut, ctx: WalkContext): void {
  const real = realOrSelf(dir);
  if (ctx.seen.has(real)) return;
  ctx.seen.add(real);
  let entries: import('node:fs').Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (err) {
    ctx.skip(
      dir,
      `directory cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'}); its files are not judged`,
    );
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const subdirs: string[] = [];
  for (const e of entries) {
    if (e.name.startsWith('.')) continue;
    const path = join(dir, e.name);
    let kind: 'file' | 'dir' | 'other' = e.isFile() ? 'file' : e.isDirectory() ? 'dir' : 'other';
    if (e.isSymbolicLink()) {
      const followed = followLink(path, e.name, ctx);
      if (!followed) continue;
      kind = followed;
    }
    if (kind === 'dir') {
      if (!SKIP_DIRS.has(e.name)) subdirs.push(path);
    } else if (kind === 'file') {
      if (KUSTOMIZATION_FILES.includes(e.name)) out.kdirs.push(dir);
      else if (e.name === 'Chart.yaml') out.charts.push(dir);
      else if (YAML_FILE.test(e.name)) out.files.push(path);
    } else if (YAML_FILE.test(e.name)) {
      ctx.skip(path, 'not a regular file (a FIFO, socket or device); not read');
    }
  }
  for (const d of subdirs) walk(d, out, ctx);
}

/** What a symlink in the walk leads to, when it is to be followed. */
function followLink(path: string, name: string, ctx: WalkContext): 'file' | 'dir' | 'other' | undefined {
  let st: ReturnType<typeof statSync>;
  let target: string;
  try {
    st = statSync(path);
    target = realpathSync.native(path);
  } catch (err) {
    // a dangling link (or a loop of links): kubectl would fail on a YAML name
    if (YAML_FILE.test(name))
      ctx.skip(path, `symlink cannot be followed (${(err as NodeJS.ErrnoException).code ?? 'error'}); not judged`);
    return undefined;
  }
  const kind = st.isDirectory() ? 'dir' : st.isFile() ? 'file' : 'other';
  if (ctx.roots.some((r) => isUnder(target, r)) || ctx.files.has(target)) return kind;
  if (kind === 'dir') {
    ctx.notice(`${ctx.show(path)}: symlink to a directory outside the input (${target}); not followed`);
    return undefined;
  }
  if (YAML_FILE.test(name) || KUSTOMIZATION_FILES.includes(name) || name === 'Chart.yaml')
    ctx.skip(
      path,
      `symlink to a file outside the input (${target}); not read (kubectl apply -f would apply it): scan the target too, or copy it in`,
    );
  return undefined;
}

/** The object of the same kind whose name the rendered name was built from (prefixes, suffixes). */
function matchByName(candidates: readonly KubeObject[], obj: KubeObject): KubeObject | undefined {
  const sameKind = candidates.filter((o) => o.kind === obj.kind);
  return (
    sameKind.find((o) => o.name === obj.name) ??
    sameKind.find((o) => o.name !== '' && obj.name.includes(o.name)) ??
    (sameKind.length === 1 ? sameKind[0] : undefined)
  );
}

/** The kustomization file of a directory, if it has one. */
function kustomizationFileOf(dirAbs: string): string | undefined {
  const name = KUSTOMIZATION_FILES.find((n) => exists(join(dirAbs, n)));
  return name ? join(dirAbs, name) : undefined;
}

/**
 * A root kustomization and every kustomization it includes, directly or
 * through intermediate overlays and components, nearest the root first:
 * the order in which a later layer's change wins over an earlier one's.
 */
async function kustomizationChain(rootDir: string): Promise<string[]> {
  const out: string[] = [];
  const seen = new Set<string>();
  let level = [rootDir];
  while (level.length > 0 && out.length < 200) {
    const next: string[] = [];
    for (const dir of level) {
      if (seen.has(dir)) continue;
      seen.add(dir);
      const file = kustomizationFileOf(dir);
      if (!file) continue;
      out.push(file);
      const info = await readKustomization(dir, file);
      for (const r of info.references) if (!seen.has(r)) next.push(r);
    }
    level = next;
  }
  return out;
}

/** One kustomization of the chain: its text and patch files, read when first needed. */
class KustomizationLayer {
  private patches: KubeObject[] | undefined;
  private lines: string[] | undefined;

  constructor(
    readonly fileAbs: string,
    private readonly show: (abs: string) => string,
  ) {}

  text(): string[] {
    if (!this.lines) {
      try {
        this.lines = readFileSync(this.fileAbs, 'utf8').split('\n');
      } catch {
        this.lines = [];
      }
    }
    return this.lines;
  }

  /** Objects of the kustomization's patch files (`patches[].path`, `patchesStrategicMerge`). */
  patchObjects(): KubeObject[] {
    if (this.patches) return this.patches;
    this.patches = [];
    const dir = dirname(this.fileAbs);
    for (const line of this.text()) {
      const m = /^\s*-?\s*(?:path:\s*)?([\w./-]+\.ya?ml)\s*$/.exec(line);
      if (!m) continue;
      const abs = resolve(dir, m[1] as string);
      try {
        const objs = objectsFromText(readFileSync(abs, 'utf8'), { file: this.show(abs), scope: '' }).objects;
        for (const o of objs) this.patches.push(o);
      } catch {
        // not a file of this kustomization (a resource directory, say)
      }
    }
    return this.patches;
  }

  /** The line of this kustomization that sets the field, for inline patches and transformer fields. */
  lineSetting(segs: string[]): { line: number; column: number } | undefined {
    const last = segs[segs.length - 1] ?? '';
    const lines = this.text();
    const wanted = [
      `/${segs.join('/')}`,
      `${last}:`,
      segs[0] === 'metadata' && last === 'namespace' ? 'namespace:' : '',
    ].filter(Boolean);
    for (const w of wanted) {
      const i = lines.findIndex((l) => l.includes(w) && !l.trimStart().startsWith('#'));
      if (i >= 0) return { line: i + 1, column: (lines[i]?.search(/\S/) ?? 0) + 1 };
    }
    return undefined;
  }
}

/**
 * What a root kustomization and the overlays it builds on change on top of
 * their resources: their patch files and their own text, for pointing a
 * finding on a patched value at the patch rather than at the base's old value.
 */
class OverlayIndex {
  private readonly layers: KustomizationLayer[];

  /** @param files the kustomization chain, root first (see kustomizationChain) */
  constructor(
    files: readonly string[],
    private readonly show: (abs: string) => string,
  ) {
    this.layers = files.map((f) => new KustomizationLayer(f, show));
  }

  /** Where the overlays set the value `now` at `pointer` of `base`: the layer nearest the root that sets it. */
  locate(base: KubeObject, pointer: string, now: unknown): { file: string; line: number; column: number } {
    const segs = pointer.split('/').filter(Boolean);
    for (const layer of this.layers) {
      const patch = matchByName(
        layer.patchObjects().filter((p) => getAt(p.raw, pointer) === now),
        base,
      );
      if (patch?.source) return { file: patch.source.file, ...patch.source.positionOf(pointer) };
      // an inline patch or a transformer field (namespace:, images:, replicas:) in the kustomization itself
      const at = layer.lineSetting(segs);
      if (at) return { file: this.show(layer.fileAbs), ...at };
    }
    const root = this.layers[0];
    return { file: root ? this.show(root.fileAbs) : '', line: 1, column: 1 };
  }
}

/** A source that points patched scalar values at the overlay that set them. */
function withOverlay(src: ObjectSource, rendered: KubeObject, base: KubeObject, overlay: OverlayIndex): ObjectSource {
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
      const now = getAt(rendered.raw, p);
      // containers, maps and absent fields: the base's place (or its nearest ancestor) is the right one
      if (now === undefined || (now !== null && typeof now === 'object')) return undefined;
      if (getAt(base.raw, p) === now) return undefined;
      return overlay.locate(base, p, now);
    },
  };
}
