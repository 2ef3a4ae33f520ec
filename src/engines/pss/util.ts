import { join } from '../../model/pointer.js';
import type { PodContainer, PodInput } from './types.js';

export function isRecord(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

/** A sub-object, or undefined when absent, null or not an object (a nil pointer to the controller). */
export function rec(v: unknown, key: string): Record<string, unknown> | undefined {
  if (!isRecord(v)) return undefined;
  const x = v[key];
  return isRecord(x) ? x : undefined;
}

/** True when the field is present and not null (a non-nil pointer). */
export function present(v: Record<string, unknown> | undefined, key: string): boolean {
  return !!v && v[key] !== undefined && v[key] !== null;
}

/** A string field, `''` when absent (Go's zero value). */
export function str(v: Record<string, unknown> | undefined, key: string): string {
  const x = v?.[key];
  return typeof x === 'string' ? x : '';
}

/** A list field, `[]` when absent or not a list. */
export function list(v: Record<string, unknown> | undefined, key: string): unknown[] {
  const x = v?.[key];
  return Array.isArray(x) ? x : [];
}

/** `"a", "b"` — the controller's joinQuote. */
export function joinQuote(items: readonly string[]): string {
  return items.length === 0 ? '' : `"${items.join('", "')}"`;
}

export function pluralize(singular: string, plural: string, count: number): string {
  return count === 1 ? singular : plural;
}

/** Sorted, de-duplicated (Go's sets.NewString(...).List()). */
export function sortedSet(items: Iterable<string>): string[] {
  return [...new Set(items)].sort(byteOrder);
}

/** Go's string order (byte-wise; the same as UTF-16 order for the ASCII the checks compare). */
export function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

const UNNAMED_KIND: Record<string, string> = {
  initContainers: 'unnamed init container',
  ephemeralContainers: 'unnamed ephemeral container',
};

/** A container's label in details: `"a"`, or `#1 (unnamed)` by its index in its list when it has no name. */
export function containerLabel(name: string, list: string, index: number): string {
  return name === '' ? `#${index} (${UNNAMED_KIND[list] ?? 'unnamed'})` : `"${name}"`;
}

/** `container "a"` / `containers "a", "b"` (from labels, see `containerLabel`) */
export function containerList(labels: readonly string[]): string {
  return `${pluralize('container', 'containers', labels.length)} ${labels.join(', ')}`;
}

/** Go's `%q` for the strings the checks quote (escapes quotes and backslashes). */
export function goQuote(s: string): string {
  return JSON.stringify(s);
}

export function securityContextOf(c: PodContainer): Record<string, unknown> | undefined {
  return rec(c.spec, 'securityContext');
}

export function podSecurityContext(pod: PodInput): Record<string, unknown> | undefined {
  return rec(pod.spec, 'securityContext');
}

export function podSCPath(pod: PodInput, ...segments: Array<string | number>): string {
  return join(pod.specPath, 'securityContext', ...segments);
}

export function containerSCPath(c: PodContainer, ...segments: Array<string | number>): string {
  return join(c.path, 'securityContext', ...segments);
}

export function annotationsOf(pod: PodInput): Record<string, unknown> {
  return rec(pod.metadata, 'annotations') ?? {};
}

/** The annotation value as the controller reads it (`map[string]string`). */
export function annotationValue(v: unknown): string {
  return typeof v === 'string' ? v : v === null || v === undefined ? '' : String(v);
}

/** True for `spec.os.name: windows` (the v1.25 relaxations). */
export function isWindowsPod(pod: PodInput): boolean {
  return str(rec(pod.spec, 'os'), 'name') === 'windows';
}

/** True for `spec.hostUsers: false` (a user-namespaced pod, v1.35 relaxations). */
export function inUserNamespace(pod: PodInput): boolean {
  return pod.spec.hostUsers === false;
}
