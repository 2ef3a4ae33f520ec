import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import jsYaml from 'js-yaml';
import { PositionIndex } from './positions.js';
import { errorReason, findTool, notFound, runTool, shortened } from './tools.js';

export interface HelmOptions {
  releaseName?: string;
  namespace?: string;
  valuesFiles?: string[];
  set?: string[];
  /** `--set-string` (Argo CD's parameters with forceString). */
  setString?: string[];
  /** `--set-file KEY=PATH`. */
  setFile?: string[];
  /** `--include-crds`: the chart's crds/ are rendered too, as Argo CD and helm install apply them. */
  includeCrds?: boolean;
  /** `--skip-tests`. */
  skipTests?: boolean;
  /** `--api-versions` (Capabilities.APIVersions). */
  apiVersions?: string[];
  /**
   * The Kubernetes release to render for (`1.33`): helm's `--kube-version`,
   * which sets `.Capabilities.KubeVersion` and is checked against the chart's
   * `kubeVersion`. Without it helm uses its own default, which is v1.20 for a
   * helm built from source.
   */
  kubeVersion?: string;
}

export type HelmRender =
  | { $case: 'rendered'; documents: Array<{ template: string | undefined; text: string; lineOffset: number }> }
  /** `type: library` in Chart.yaml: helm renders nothing from it on its own. */
  | { $case: 'library' }
  | { $case: 'failed'; error: string };

/** Render a chart with `helm template`; each document keeps the template file named in its `# Source:` comment. */
export async function renderChart(chartDir: string, opts: HelmOptions, timeoutMs = 120_000): Promise<HelmRender> {
  if ((await chartType(chartDir)) === 'library') return { $case: 'library' };
  const helm = await findTool('helm');
  if (!helm) {
    return {
      $case: 'failed',
      error: `${notFound('helm is not')}; install helm 3 (npm run example builds it; or go install helm.sh/helm/v3/cmd/helm@v3.19.0, or your package manager)`,
    };
  }
  const args = ['template', opts.releaseName ?? 'release', chartDir];
  if (opts.namespace) args.push('--namespace', opts.namespace);
  if (opts.kubeVersion) args.push('--kube-version', fullKubeVersion(opts.kubeVersion));
  for (const v of opts.valuesFiles ?? []) args.push('--values', v);
  for (const s of opts.set ?? []) args.push('--set', s);
  for (const s of opts.setString ?? []) args.push('--set-string', s);
  for (const s of opts.setFile ?? []) args.push('--set-file', s);
  for (const v of opts.apiVersions ?? []) args.push('--api-versions', v);
  if (opts.includeCrds) args.push('--include-crds');
  if (opts.skipTests) args.push('--skip-tests');
  const res = await runTool(helm, args, { timeoutMs });
  if (!res.ok)
    return {
      $case: 'failed',
      error: `helm template failed: ${shortened(helmErrorReason(res.stderr) || res.failure || 'failed')}`,
    };
  return { $case: 'rendered', documents: splitHelmOutput(res.stdout) };
}

/** `1.33` → `v1.33.0`: a release as an API server reports it (helm keeps what it is given, `v1.33`). */
export function fullKubeVersion(v: string): string {
  const t = v.trim().replace(/^v/, '');
  return `v${/^\d+\.\d+$/.test(t) ? `${t}.0` : t}`;
}

/** Why `helm template` failed, from its error output, whole. */
export function helmErrorReason(stderr: string): string {
  return errorReason(stderr);
}

/** The chart's `type` (application or library); application when Chart.yaml does not say or cannot be read. */
async function chartType(chartDir: string): Promise<'application' | 'library'> {
  try {
    const doc = jsYaml.load(await readFile(join(chartDir, 'Chart.yaml'), 'utf8'), { schema: jsYaml.CORE_SCHEMA });
    return doc && typeof doc === 'object' && (doc as { type?: unknown }).type === 'library' ? 'library' : 'application';
  } catch {
    return 'application'; // helm reports a broken Chart.yaml in its own words
  }
}

/** Split helm's output into documents, each with its `# Source: chart/templates/x.yaml`. */
export function splitHelmOutput(text: string) {
  const out: Array<{ template: string | undefined; text: string; lineOffset: number }> = [];
  const lines = text.split('\n');
  let cur: string[] = [];
  let start = 0;
  let template: string | undefined;
  const flush = (next: number) => {
    if (cur.some((l) => l.trim() && !l.trim().startsWith('#')))
      out.push({ template, text: cur.join('\n'), lineOffset: start });
    cur = [];
    start = next;
    template = undefined;
  };
  lines.forEach((line, i) => {
    if (/^---(\s|$)/.test(line)) {
      flush(i + 1);
      return;
    }
    const m = /^# Source: (.+)$/.exec(line);
    if (m) template = (m[1] as string).trim();
    cur.push(line);
  });
  flush(lines.length);
  return out;
}

/** `mychart/templates/deploy.yaml` → path relative to the chart directory (`templates/deploy.yaml`). */
export function templatePathInChart(source: string, _chartDir: string): string {
  const parts = source.split('/');
  // the first part is the chart's name (for subcharts: chart/charts/sub/templates/x.yaml)
  if (parts.length > 1) return parts.slice(1).join('/');
  return basename(source);
}

/** One document of a template file: its text, first line, and the kind it writes when that is literal. */
export interface TemplatePart {
  text: string;
  /** 0-based line of the part's first line in the template. */
  lineOffset: number;
  kind: string | undefined;
}

/**
 * A template split at its `---` lines, as helm splits what it renders: the
 * document a rendered object came from is the part that writes its kind.
 */
export function templateParts(text: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  const lines = text.split('\n');
  let start = 0;
  const flush = (end: number) => {
    const body = lines.slice(start, end);
    const kind = body.map((l) => /^kind:\s*["']?([A-Za-z0-9]+)["']?\s*(#.*)?$/.exec(l)?.[1]).find((k) => k);
    parts.push({ text: body.join('\n'), lineOffset: start, kind });
  };
  lines.forEach((line, i) => {
    if (/^---(\s|$)/.test(line)) {
      flush(i);
      start = i + 1;
    }
  });
  flush(lines.length);
  return parts.filter((p) => p.text.trim() !== '');
}

/**
 * A chart's template file, for finding where the fields of the objects it
 * rendered were written. Objects are asked for in render order: the k-th
 * object of a kind comes from the k-th part writing that kind (helm keeps
 * a template's documents of one kind in order); a part that loops may
 * render more of them than it holds, and they all point at it.
 */
export class TemplateFile {
  private readonly parts: Array<TemplatePart & { index?: PositionIndex }>;
  private readonly seen = new Map<string, number>();

  constructor(text: string) {
    this.parts = templateParts(text);
  }

  /** The positions of the part the next rendered object of `kind` came from. */
  next(kind: string): PositionIndex | undefined {
    const literal = this.parts.filter((p) => p.kind === kind);
    const templated = this.parts.filter((p) => p.kind === undefined);
    const candidates = literal.length > 0 ? literal : templated.length > 0 ? templated : this.parts;
    const k = this.seen.get(kind) ?? 0;
    this.seen.set(kind, k + 1);
    const part = candidates[Math.min(k, candidates.length - 1)];
    if (!part) return undefined;
    part.index ??= new PositionIndex(part.text, part.lineOffset, true);
    return part.index;
  }
}
