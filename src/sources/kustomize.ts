import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import jsYaml from 'js-yaml';
import { lastErrorLine, runTool, which } from './tools.js';

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

/**
 * Render a kustomization with `kustomize build` or `kubectl kustomize`,
 * asking kustomize to record each object's origin file. The kustomization is
 * wrapped in a temporary one so that the user's files are never touched.
 */
export async function renderKustomization(dir: string, timeoutMs = 120_000): Promise<RenderOutcome> {
  const kustomize = await which('kustomize');
  const kubectl = kustomize ? undefined : await which('kubectl');
  if (!kustomize && !kubectl) {
    return {
      ok: false,
      error:
        'neither kustomize nor kubectl is on PATH; install kustomize (go install sigs.k8s.io/kustomize/kustomize/v5@latest) or kubectl',
    };
  }
  const info = await readKustomization(dir, join(dir, 'kustomization.yaml'));
  const wrapper = await mkdtemp(join(tmpdir(), 'kubeprint-kustomize-'));
  try {
    await writeFile(
      join(wrapper, 'kustomization.yaml'),
      `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n- ${JSON.stringify(relative(wrapper, dir))}\nbuildMetadata: [originAnnotations]\n`,
    );
    const flags = ['--load-restrictor', 'LoadRestrictionsNone'];
    if (info.usesHelmCharts) flags.push('--enable-helm');
    const [file, args] = kustomize
      ? [kustomize, ['build', ...flags, wrapper]]
      : [kubectl as string, ['kustomize', ...flags, wrapper]];
    const res = await runTool(file, args, { timeoutMs });
    const tool = kustomize ? 'kustomize build' : 'kubectl kustomize';
    if (!res.ok) {
      // drop the layer our wrapper adds to kustomize's message
      const why = (lastErrorLine(res.stderr) || res.failure || 'failed').replace(
        /^.*?recursed accumulation of path '[^']*': /,
        '',
      );
      return { ok: false, error: `${tool} failed: ${why.replace(wrapper, dir)}` };
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

/** The origin file of a rendered object (absolute), and removes kustomize's origin annotation from it. */
export function takeOrigin(raw: Record<string, unknown>): string | undefined {
  const md = raw.metadata as Record<string, unknown> | undefined;
  const ann = md?.annotations as Record<string, unknown> | undefined;
  const origin = ann?.['config.kubernetes.io/origin'];
  if (!md || !ann || typeof origin !== 'string') return undefined;
  delete ann['config.kubernetes.io/origin'];
  if (Object.keys(ann).length === 0) delete md.annotations;
  const m = /^path:\s*(\S+)/m.exec(origin);
  return m ? (m[1] as string) : undefined;
}
