import type { DeployedBy } from './finding.js';

/** Where an object came from, and how to find the line of any of its fields. */
export interface ObjectSource {
  /** Path as the user gave it (relative or absolute), or `-` for stdin. */
  readonly file: string;
  /** Index of the YAML document within the file (0-based). */
  readonly docIndex: number;
  /** 1-based line and column of the document's first content. */
  readonly line: number;
  readonly column: number;
  /** Line/column of the node at a JSON pointer; falls back to the nearest ancestor that exists. */
  positionOf(pointer: string): Position;
  /**
   * Where a field comes from when that is not this file: a value a kustomize
   * overlay set or changed points at the patch or kustomization that did it.
   * Undefined means `file` and `positionOf` tell.
   */
  locate?(pointer: string): { file: string; line: number; column: number } | undefined;
  /**
   * True when a render tool filled in `metadata.namespace`, not the input:
   * `helm template` without `--namespace` renders `{{ .Release.Namespace }}`
   * as `default`, while whoever installs the chart chooses the namespace.
   */
  readonly namespaceFromRender?: boolean;
  /** The GitOps object that deploys this object, when the scan followed one to it (src/gitops). */
  readonly deployedBy?: DeployedBy;
}

export interface Position {
  readonly line: number;
  readonly column: number;
}

/** A Kubernetes object as read from any source. `raw` is the plain JSON value. */
export interface KubeObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly name: string;
  /** Namespace as written; undefined for cluster-scoped objects or when not set. */
  readonly namespace: string | undefined;
  readonly raw: Record<string, unknown>;
  readonly source: ObjectSource | undefined;
  /**
   * The scope that cross-object rules look within: one render root (a rendered
   * kustomization or chart), a set of plain directories merged upward until two
   * define the same object (docs/adr/0004), a cluster context, or stdin.
   */
  readonly scope: string;
}

export interface ObjectRef {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
}

export function objectRef(o: KubeObject): ObjectRef {
  const ref: ObjectRef = { apiVersion: o.apiVersion, kind: o.kind, name: o.name };
  if (o.namespace !== undefined) ref.namespace = o.namespace;
  return ref;
}

/** `kind/namespace/name`, or `kind/name` for objects with no namespace. */
export function objectKey(o: { kind: string; namespace?: string | undefined; name: string }): string {
  return o.namespace ? `${o.kind}/${o.namespace}/${o.name}` : `${o.kind}/${o.name}`;
}

export function metadataOf(raw: Record<string, unknown>): Record<string, unknown> {
  const m = raw.metadata;
  return m && typeof m === 'object' && !Array.isArray(m) ? (m as Record<string, unknown>) : {};
}

export function labelsOf(raw: Record<string, unknown>): Record<string, string> {
  return stringMap(metadataOf(raw).labels);
}

export function annotationsOf(raw: Record<string, unknown>): Record<string, string> {
  return stringMap(metadataOf(raw).annotations);
}

/** A map of strings from an untrusted value; non-string values are stringified, garbage is dropped. */
export function stringMap(v: unknown): Record<string, string> {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return {};
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(v as Record<string, unknown>)) {
    if (val === null || val === undefined) continue;
    out[k] = typeof val === 'string' ? val : String(val);
  }
  return out;
}

/** Build a KubeObject from a plain value; returns undefined when it has no apiVersion/kind. */
export function toKubeObject(raw: unknown, source: ObjectSource | undefined, scope: string): KubeObject | undefined {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return undefined;
  const r = raw as Record<string, unknown>;
  if (typeof r.apiVersion !== 'string' || typeof r.kind !== 'string' || !r.apiVersion || !r.kind) return undefined;
  const md = metadataOf(r);
  const name = typeof md.name === 'string' ? md.name : typeof md.generateName === 'string' ? `${md.generateName}*` : '';
  const namespace = typeof md.namespace === 'string' && md.namespace !== '' ? md.namespace : undefined;
  return { apiVersion: r.apiVersion, kind: r.kind, name, namespace, raw: r, source, scope };
}
