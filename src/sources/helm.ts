import { basename } from 'node:path';
import { lastErrorLine, runTool, which } from './tools.js';

export interface HelmOptions {
  releaseName?: string;
  namespace?: string;
  valuesFiles?: string[];
  set?: string[];
}

export type HelmRender =
  | { ok: true; documents: Array<{ template: string | undefined; text: string; lineOffset: number }> }
  | { ok: false; error: string };

/** Render a chart with `helm template`; each document keeps the template file named in its `# Source:` comment. */
export async function renderChart(chartDir: string, opts: HelmOptions, timeoutMs = 120_000): Promise<HelmRender> {
  const helm = await which('helm');
  if (!helm) {
    return {
      ok: false,
      error:
        'helm is not on PATH; install helm 3 (go install helm.sh/helm/v3/cmd/helm@v3.19.0, or your package manager)',
    };
  }
  const args = ['template', opts.releaseName ?? 'release', chartDir];
  if (opts.namespace) args.push('--namespace', opts.namespace);
  for (const v of opts.valuesFiles ?? []) args.push('--values', v);
  for (const s of opts.set ?? []) args.push('--set', s);
  const res = await runTool(helm, args, { timeoutMs });
  if (!res.ok) return { ok: false, error: `helm template failed: ${lastErrorLine(res.stderr) || res.failure}` };
  return { ok: true, documents: splitHelmOutput(res.stdout) };
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
