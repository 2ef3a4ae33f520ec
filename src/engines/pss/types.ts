/** The Pod Security Standards levels; `privileged` allows everything. */
export const PSS_LEVELS = ['privileged', 'baseline', 'restricted'] as const;
export type PssLevel = (typeof PSS_LEVELS)[number];

/** The level a check belongs to (privileged has no checks). */
export type CheckLevel = 'baseline' | 'restricted';

/** One container as the checks see it, in the controller's visiting order. */
export interface PodContainer {
  /** `metadata.name` of the container as written (`''` when absent, as the controller sees it). */
  readonly name: string;
  /**
   * How details name it: `"app"` (quoted, as the controller's joinQuote), or
   * `#1 (unnamed)` / `#0 (unnamed init container)` when the name is empty or
   * not a string, since `""` tells a reader nothing.
   */
  readonly label: string;
  readonly spec: Record<string, unknown>;
  /** JSON pointer to the container. */
  readonly path: string;
}

/**
 * The pod a check looks at: its metadata (annotations matter for AppArmor and
 * the old seccomp annotations) and its spec, with the JSON pointers of both in
 * the object they came from, so each violation can name its field.
 */
export interface PodInput {
  readonly metadata: Record<string, unknown>;
  readonly spec: Record<string, unknown>;
  readonly metadataPath: string;
  readonly specPath: string;
  /** initContainers, then containers, then ephemeralContainers. */
  readonly containers: readonly PodContainer[];
}

/** What a check returns when it forbids the pod. */
export interface CheckDenial {
  /** The controller's forbidden reason, e.g. `host namespaces`. */
  readonly reason: string;
  /** The controller's forbidden detail, e.g. `hostNetwork=true`. */
  readonly detail: string;
  /** JSON pointers of the offending fields (or of the fields that must be set), first the most useful. */
  readonly paths: readonly string[];
}

export type CheckFn = (pod: PodInput) => CheckDenial | undefined;

export interface VersionedCheck {
  /** First policy minor version (1.x) this revision applies to. */
  readonly minVersion: number;
  readonly check: CheckFn;
  /** Baseline check ids this restricted revision replaces when evaluating at restricted. */
  readonly overrides?: readonly string[];
}

export interface PssCheck {
  /** The controller's check id, e.g. `hostNamespaces`, `capabilities_restricted`. */
  readonly id: string;
  readonly level: CheckLevel;
  /** Short title in the words of the Pod Security Standards page. */
  readonly title: string;
  /** Revisions in strictly increasing `minVersion` order. */
  readonly versions: readonly VersionedCheck[];
}

/** One failed check for one pod. */
export interface PssViolation {
  readonly check: string;
  readonly checkLevel: CheckLevel;
  readonly reason: string;
  readonly detail: string;
  /** JSON pointer of the first offending field. */
  readonly path: string;
  /** JSON pointers of every offending field. */
  readonly paths: readonly string[];
}

export interface PssResult {
  readonly allowed: boolean;
  readonly level: PssLevel;
  /** The policy version asked for, as written (`latest` or `v1.X`). */
  readonly version: string;
  /** The policy minor the checks were resolved at (versions above the newest check collapse to it). */
  readonly resolvedMinor: number;
  readonly violations: readonly PssViolation[];
}
