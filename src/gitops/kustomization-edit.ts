/**
 * The changes Argo CD and Flux make to a kustomization before they build it,
 * made here on the text of a copy with eemeli/yaml's Document API (comments
 * and key order kept, so that lines above a change stay where they were).
 *
 * Argo CD runs `kustomize edit` in its checkout, in this order: `set
 * nameprefix`, `set namesuffix`, `set image`, `set replicas`, `add label`,
 * `add annotation`, `set namespace`; then appends `patches` to the file and
 * runs `edit add component`. kustomize-controller rewrites the file: `namespace`
 * from targetNamespace, `namePrefix`, `nameSuffix`, `patches` appended,
 * `components` appended, `images` replaced by name or appended.
 */
import { type Document, isMap, isSeq, parseDocument } from 'yaml';

export interface ImageOverride {
  name: string;
  newName?: string;
  newTag?: string;
  digest?: string;
}

export interface KustomizationEdits {
  namePrefix?: string;
  nameSuffix?: string;
  namespace?: string;
  /**
   * `argocd`: `kustomize edit set image` (an entry replaces the one of the
   * same name, `*` keeps its old value, the list is sorted by name);
   * `flux`: replace by name or append.
   */
  images?: { mode: 'argocd' | 'flux'; list: ImageOverride[] };
  replicas?: Array<{ name: string; count: number }>;
  labels?: {
    pairs: Record<string, string>;
    force: boolean;
    /** `--without-selector`: a `labels` entry that leaves selectors alone. */
    withoutSelector: boolean;
    includeTemplates: boolean;
  };
  annotations?: { pairs: Record<string, string>; force: boolean };
  patches?: unknown[];
  patchesStrategicMerge?: unknown[];
  patchesJson6902?: unknown[];
  components?: string[];
  buildMetadata?: string[];
}

export type EditOutcome = { ok: true; text: string } | { ok: false; error: string };

/** `a=b:1`, `b:1`, `b@sha256:…`, `a=b` as `kustomize edit set image` reads them. */
export function parseImageArg(arg: string): ImageOverride | undefined {
  const eq = arg.split('=');
  if (eq.length === 2) {
    const o = parseOverwrite(eq[1] as string, true);
    return o ? { name: eq[0] as string, ...o } : undefined;
  }
  const o = parseOverwrite(arg, false);
  return o?.newName !== undefined ? { name: o.newName, ...withoutName(o) } : undefined;
}

function withoutName(o: Omit<ImageOverride, 'name'>): Omit<ImageOverride, 'name'> {
  const { newName: _n, ...rest } = o;
  return rest;
}

const TAG = /^(.*):([a-zA-Z0-9._-]*)$/;

function parseOverwrite(arg: string, overwriteImage: boolean): Omit<ImageOverride, 'name'> | undefined {
  const at = arg.split('@');
  if (at.length > 1) {
    const t = TAG.exec(at[0] as string);
    return t
      ? { newName: t[1] as string, newTag: t[2] as string, digest: at[1] as string }
      : { newName: at[0] as string, digest: at[1] as string };
  }
  const t = TAG.exec(arg);
  if (t) return { newName: t[1] as string, newTag: t[2] as string };
  if (arg.length > 0 && overwriteImage) return { newName: arg };
  return undefined;
}

/** The kustomization text with the edits made, or why the controller would fail. */
export function editKustomization(text: string, edits: KustomizationEdits): EditOutcome {
  const parsed = parseDocument(text);
  if (parsed.errors.length > 0)
    return { ok: false, error: `kustomization is not valid YAML: ${parsed.errors[0]?.message}` };
  // an empty file is an empty kustomization
  const doc: Document = parsed.contents === null ? parseDocument('{}') : parsed;
  if (!isMap(doc.contents)) return { ok: false, error: 'kustomization is not a YAML mapping' };
  const get = (key: string): unknown => doc.toJS()?.[key];
  if (edits.namePrefix !== undefined) doc.set('namePrefix', edits.namePrefix);
  if (edits.nameSuffix !== undefined) doc.set('nameSuffix', edits.nameSuffix);
  if (edits.images && edits.images.list.length > 0) {
    const existing = asList(get('images')).filter(isRecord) as unknown as ImageOverride[];
    doc.set('images', doc.createNode(mergeImages(existing, edits.images)));
  }
  if (edits.replicas && edits.replicas.length > 0) {
    const list = asList(get('replicas')).filter(isRecord);
    for (const r of edits.replicas) {
      const at = list.findIndex((e) => e.name === r.name);
      if (at >= 0) list[at] = { ...list[at], name: r.name, count: r.count };
      else list.push({ name: r.name, count: r.count });
    }
    doc.set('replicas', doc.createNode(list));
  }
  if (edits.labels && Object.keys(edits.labels.pairs).length > 0) {
    const r = addLabels(doc, get, edits.labels);
    if (r) return r;
  }
  if (edits.annotations && Object.keys(edits.annotations.pairs).length > 0) {
    const current = asRecord(get('commonAnnotations'));
    for (const [k, v] of Object.entries(edits.annotations.pairs)) {
      if (k in current && !edits.annotations.force)
        return { ok: false, error: `annotation ${k} already in kustomization file` };
      current[k] = v;
    }
    doc.set('commonAnnotations', doc.createNode(current));
  }
  if (edits.namespace !== undefined) doc.set('namespace', edits.namespace);
  for (const field of ['patches', 'patchesStrategicMerge', 'patchesJson6902'] as const) {
    const add = edits[field];
    if (!add || add.length === 0) continue;
    appendTo(doc, field, add);
  }
  if (edits.components && edits.components.length > 0) {
    const have = new Set(asList(get('components')).filter((c) => typeof c === 'string'));
    appendTo(
      doc,
      'components',
      edits.components.filter((c) => !have.has(c)),
    );
  }
  if (edits.buildMetadata && edits.buildMetadata.length > 0) doc.set('buildMetadata', [...edits.buildMetadata]);
  return { ok: true, text: doc.toString({ lineWidth: 0 }) };
}

function addLabels(
  doc: Document,
  get: (key: string) => unknown,
  labels: NonNullable<KustomizationEdits['labels']>,
): EditOutcome | undefined {
  if (!labels.withoutSelector && !labels.includeTemplates) {
    const current = asRecord(get('commonLabels'));
    for (const [k, v] of Object.entries(labels.pairs)) {
      if (k in current && !labels.force) return { ok: false, error: `label ${k} already in kustomization file` };
      current[k] = v;
    }
    doc.set('commonLabels', doc.createNode(current));
    return undefined;
  }
  // `labels:` entries: the pairs join the entry with the same selector settings, or a new one
  const list = asList(get('labels')).filter(isRecord);
  const includeSelectors = !labels.withoutSelector;
  let entry = list.find(
    (e) =>
      (e.includeSelectors === true) === includeSelectors && (e.includeTemplates === true) === labels.includeTemplates,
  );
  if (!entry) {
    entry = { pairs: {} };
    if (includeSelectors) entry.includeSelectors = true;
    if (labels.includeTemplates) entry.includeTemplates = true;
    list.push(entry);
  }
  const pairs = asRecord(entry.pairs);
  for (const [k, v] of Object.entries(labels.pairs)) {
    if (k in pairs && !labels.force) return { ok: false, error: `label ${k} already in kustomization file` };
    pairs[k] = v;
  }
  entry.pairs = pairs;
  doc.set('labels', doc.createNode(list));
  return undefined;
}

function mergeImages(
  existing: ImageOverride[],
  edits: NonNullable<KustomizationEdits['images']>,
): Array<Record<string, string>> {
  const clean = (i: ImageOverride): Record<string, string> => {
    const o: Record<string, string> = { name: i.name };
    if (i.newName) o.newName = i.newName;
    if (i.newTag) o.newTag = i.newTag;
    if (i.digest) o.digest = i.digest;
    return o;
  };
  if (edits.mode === 'flux') {
    const out = existing.map((e) => ({ ...e }));
    for (const i of edits.list) {
      const at = out.findIndex((e) => e.name === i.name);
      if (at >= 0) out[at] = i;
      else out.push(i);
    }
    return out.map(clean);
  }
  const byName = new Map<string, ImageOverride>();
  for (const i of edits.list) byName.set(i.name, i);
  for (const e of existing) {
    const arg = byName.get(e.name);
    if (!arg) {
      byName.set(e.name, e);
      continue;
    }
    // `*` keeps what the kustomization already had
    const merged = { ...arg };
    if (arg.newName === '*') merged.newName = e.newName;
    if (arg.newTag === '*') merged.newTag = e.newTag;
    if (arg.digest === '*') merged.digest = e.digest;
    byName.set(e.name, merged);
  }
  return [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)).map(clean);
}

function appendTo(doc: Document, field: string, items: readonly unknown[]): void {
  if (items.length === 0) return;
  const node = doc.get(field, true);
  if (isSeq(node)) {
    for (const item of items) node.add(doc.createNode(item));
    return;
  }
  doc.set(field, doc.createNode([...items]));
}

function asList(v: unknown): unknown[] {
  return Array.isArray(v) ? [...v] : [];
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

function asRecord(v: unknown): Record<string, unknown> {
  return isRecord(v) ? { ...v } : {};
}

/**
 * The kustomization kustomize-controller writes for a path without one:
 * every `.yaml`/`.yml` file below it, and every sub-directory holding a
 * kustomization as one resource (not descended into); `namespace:
 * _placeholder` when there is nothing, so that kustomize accepts it.
 */
export function generatedKustomization(resources: readonly string[]): string {
  const lines = ['apiVersion: kustomize.config.k8s.io/v1beta1', 'kind: Kustomization'];
  if (resources.length === 0) lines.push('namespace: _placeholder');
  else lines.push('resources:', ...resources.map((r) => `- ${JSON.stringify(r)}`));
  return `${lines.join('\n')}\n`;
}
