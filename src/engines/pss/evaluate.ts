import type { Workload } from '../../model/workload.js';
import { PSS_CHECKS, revisionAt } from './registry.js';
import type {
  CheckDenial,
  PodContainer,
  PodInput,
  PssCheck,
  PssLevel,
  PssResult,
  PssViolation,
  VersionedCheck,
} from './types.js';
import { containerLabel, isRecord, str } from './util.js';
import { resolveMinor } from './versions.js';

const CONTAINER_LISTS = ['initContainers', 'containers', 'ephemeralContainers'] as const;

/** Build the checks' view of a pod from its metadata and spec and where they sit in their object. */
export function podInput(
  metadata: Record<string, unknown>,
  spec: Record<string, unknown>,
  paths: { metadataPath: string; specPath: string },
): PodInput {
  const containers: PodContainer[] = [];
  for (const kind of CONTAINER_LISTS) {
    const items = spec[kind];
    if (!Array.isArray(items)) continue;
    items.forEach((c, i) => {
      if (!isRecord(c)) return;
      const name = str(c, 'name');
      containers.push({ name, label: containerLabel(name, kind, i), spec: c, path: `${paths.specPath}/${kind}/${i}` });
    });
  }
  return { metadata, spec, metadataPath: paths.metadataPath, specPath: paths.specPath, containers };
}

const workloadInputs = new WeakMap<Workload, PodInput>();

/** The pod template of any workload kind, as the checks see it (built once per Workload view). */
export function podInputOfWorkload(w: Workload): PodInput {
  let p = workloadInputs.get(w);
  if (!p) {
    p = podInput(w.podMetadata, w.podSpec, { metadataPath: `${w.templatePath}/metadata`, specPath: w.podSpecPath });
    workloadInputs.set(w, p);
  }
  return p;
}

type ActiveCheck = { check: PssCheck; revision: VersionedCheck };
const inForce = new Map<string, readonly ActiveCheck[]>();

/** The check revisions that run at a level and policy minor, overridden baseline checks left out (computed once). */
export function checksInForce(level: PssLevel, minor: number): readonly ActiveCheck[] {
  const key = `${level}:${minor}`;
  let active = inForce.get(key);
  if (!active) {
    active = computeChecksInForce(level, minor);
    inForce.set(key, active);
  }
  return active;
}

function computeChecksInForce(level: PssLevel, minor: number): ActiveCheck[] {
  if (level === 'privileged') return [];
  const active: ActiveCheck[] = [];
  for (const check of PSS_CHECKS) {
    if (check.level === 'restricted' && level !== 'restricted') continue;
    const revision = revisionAt(check, minor);
    if (revision) active.push({ check, revision });
  }
  if (level !== 'restricted') return active;
  const overridden = new Set(active.flatMap((a) => a.revision.overrides ?? []));
  return active.filter((a) => !overridden.has(a.check.id));
}

function toViolation(check: PssCheck, denial: CheckDenial): PssViolation {
  return {
    check: check.id,
    checkLevel: check.level,
    reason: denial.reason,
    detail: denial.detail,
    path: denial.paths[0] ?? '',
    paths: denial.paths,
  };
}

/**
 * Evaluate a pod against a Pod Security Standards level at a policy version,
 * with the semantics of the Pod Security Admission controller.
 *
 * @example evaluatePod(podInputOfWorkload(w), 'restricted', 'v1.25')
 * @throws KubeprintError USAGE for a malformed version.
 */
export function evaluatePod(pod: PodInput, level: PssLevel, version = 'latest'): PssResult {
  const minor = resolveMinor(version);
  const violations: PssViolation[] = [];
  for (const { check, revision } of checksInForce(level, minor)) {
    const denial = revision.check(pod);
    if (denial) violations.push(toViolation(check, denial));
  }
  return { allowed: violations.length === 0, level, version, resolvedMinor: minor, violations };
}

/** Evaluate the pod template of a workload (Pod, Deployment, CronJob, ...). */
export function evaluateWorkload(w: Workload, level: PssLevel, version = 'latest'): PssResult {
  return evaluatePod(podInputOfWorkload(w), level, version);
}

/** Run one check alone at a policy version; undefined when it allows the pod or does not exist yet at that version. */
export function evaluateCheck(check: PssCheck, pod: PodInput, version = 'latest'): PssViolation | undefined {
  const revision = revisionAt(check, resolveMinor(version));
  const denial = revision?.check(pod);
  return denial ? toViolation(check, denial) : undefined;
}

/** `reason (detail), reason, ...` — the controller's aggregate message. */
export function forbiddenDetail(violations: readonly PssViolation[]): string {
  return violations.map((v) => (v.detail ? `${v.reason} (${v.detail})` : v.reason)).join(', ');
}
