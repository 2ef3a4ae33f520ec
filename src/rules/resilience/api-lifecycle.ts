/**
 * Which API versions of Kubernetes' own kinds a target release still serves,
 * from the lifecycle data the API server itself uses (api-lifecycle-data.ts,
 * generated). Shared by api-version-removed and api-version-deprecated.
 */
import type { Config } from '../../config/config.js';
import type { KubeObject } from '../../model/kube-object.js';
import { parseKubernetesMinor } from '../../model/kubernetes-version.js';
import { API_LIFECYCLE, NEWEST_KUBERNETES_MINOR } from './api-lifecycle-data.js';

export { NEWEST_KUBERNETES_MINOR } from './api-lifecycle-data.js';

/** One API version of one kind that a release deprecates and later stops serving. */
export interface ApiLifecycle {
  readonly apiVersion: string;
  readonly kind: string;
  /** `1.<minor>` releases. */
  readonly introduced?: string;
  readonly deprecated?: string;
  readonly removed: string;
  readonly replacement?: { readonly apiVersion: string; readonly kind: string };
}

/** What a target release does with an object's apiVersion. */
export type ApiStatus =
  | { $case: 'not-yet-served'; entry: ApiLifecycle; replacement: ApiLifecycle['replacement'] }
  | { $case: 'removed'; entry: ApiLifecycle; replacement: ApiLifecycle['replacement'] }
  | { $case: 'deprecated'; entry: ApiLifecycle; replacement: ApiLifecycle['replacement'] };

const byKey = new Map(API_LIFECYCLE.map((e) => [`${e.apiVersion}|${e.kind}`, e]));

/** The release the manifests are judged for: the config's (or --kubernetes-version), else the newest known. */
export function targetMinor(config: Config): number {
  return config.kubernetesVersion === undefined
    ? NEWEST_KUBERNETES_MINOR
    : parseKubernetesMinor(config.kubernetesVersion);
}

const minorOf = (release: string | undefined): number =>
  release === undefined ? Number.POSITIVE_INFINITY : Number(release.split('.')[1]);

/**
 * Where to go from an API version: its replacement, followed while the
 * replacement is itself no longer served at the target (FlowSchema v1beta1 →
 * v1beta3 → v1).
 */
function servedReplacement(entry: ApiLifecycle, target: number): ApiLifecycle['replacement'] {
  let r = entry.replacement;
  for (let i = 0; r && i < 10; i++) {
    const next = byKey.get(`${r.apiVersion}|${r.kind}`);
    if (!next || minorOf(next.removed) > target || !next.replacement) return r;
    r = next.replacement;
  }
  return r;
}

/**
 * Whether the target release serves the object's apiVersion: not yet (it came
 * later), no more, or deprecated; undefined when it is served as it is (or is
 * not one of Kubernetes' own API versions).
 */
export function apiStatus(obj: KubeObject, target: number): ApiStatus | undefined {
  const entry = byKey.get(`${obj.apiVersion}|${obj.kind}`);
  if (!entry) return undefined;
  if (entry.introduced !== undefined && minorOf(entry.introduced) > target)
    return { $case: 'not-yet-served', entry, replacement: undefined };
  if (minorOf(entry.removed) <= target)
    return { $case: 'removed', entry, replacement: servedReplacement(entry, target) };
  if (minorOf(entry.deprecated) <= target)
    return { $case: 'deprecated', entry, replacement: servedReplacement(entry, target) };
  return undefined;
}

/** `use apps/v1` / `use autoscaling/v1 Scale` / `no replacement: remove it`. */
export function replacementAdvice(status: ApiStatus): string {
  const r = status.replacement;
  if (!r) return 'no replacement API is declared';
  return r.kind === status.entry.kind ? `use ${r.apiVersion}` : `use ${r.apiVersion} ${r.kind}`;
}

export const DEPRECATION_GUIDE = {
  title: 'Kubernetes: Deprecated API Migration Guide',
  url: 'https://kubernetes.io/docs/reference/using-api/deprecation-guide/',
};
export const DEPRECATION_POLICY = {
  title: 'Kubernetes Deprecation Policy',
  url: 'https://kubernetes.io/docs/reference/using-api/deprecation-policy/',
};
