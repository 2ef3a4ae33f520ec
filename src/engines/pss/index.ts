/**
 * Pod Security Standards engine: every baseline and restricted check of the
 * Pod Security Admission controller, per policy version (v1.0 to latest).
 * Pure: no I/O.
 */
export {
  checksInForce,
  evaluateCheck,
  evaluatePod,
  evaluateWorkload,
  forbiddenDetail,
  podInput,
  podInputOfWorkload,
} from './evaluate.js';
export {
  type LabelProblem,
  type ModePolicy,
  type NamespacePolicy,
  namespacePolicy,
  PSA_MODES,
  type PsaMode,
  SYSTEM_NAMESPACES,
} from './namespace.js';
export { checkById, LATEST_MINOR, PSS_CHECKS, revisionAt } from './registry.js';
export type {
  CheckDenial,
  CheckFn,
  CheckLevel,
  PodContainer,
  PodInput,
  PssCheck,
  PssLevel,
  PssResult,
  PssViolation,
  VersionedCheck,
} from './types.js';
export { PSS_LEVELS } from './types.js';
export { isPolicyVersion, isPssLevel, resolveMinor } from './versions.js';
