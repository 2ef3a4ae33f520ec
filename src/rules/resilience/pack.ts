import type { Rule } from '../rule.js';
import { rule as apiVersionDeprecated } from './api-version-deprecated.js';
import { rule as apiVersionRemoved } from './api-version-removed.js';
import { rule as barePod } from './bare-pod.js';
import { rule as emptydirSizeLimitMissing } from './emptydir-size-limit-missing.js';
import { rule as hpaMinReplicasLow } from './hpa-min-replicas-low.js';
import { rule as hpaTargetMissing } from './hpa-target-missing.js';
import { rule as livenessEqualsReadiness } from './liveness-equals-readiness.js';
import { rule as livenessProbeMissing } from './liveness-probe-missing.js';
import { rule as memoryLimitMissing } from './memory-limit-missing.js';
import { rule as pdbBlocksEviction } from './pdb-blocks-eviction.js';
import { rule as pdbInvalid } from './pdb-invalid.js';
import { rule as pdbMissing } from './pdb-missing.js';
import { rule as pdbSelectsNothing } from './pdb-selects-nothing.js';
import { rule as readinessProbeMissing } from './readiness-probe-missing.js';
import { rule as resourceRequestsMissing } from './resource-requests-missing.js';
import { rule as rollingUpdateUnsafe } from './rolling-update-unsafe.js';
import { rule as serviceSelectsNothing } from './service-selects-nothing.js';
import { rule as singleReplica } from './single-replica.js';
import { rule as spreadMissing } from './spread-missing.js';
import { rule as statefulsetHeadlessServiceMissing } from './statefulset-headless-service-missing.js';
import { rule as terminationGraceZero } from './termination-grace-zero.js';

/**
 * Replicas, disruption budgets, probes, resources, spread and rollout safety.
 * Ordered from "how many copies run" to "how each copy behaves" to "what
 * points at them", then whether the target release still serves the API.
 */
export const resilienceRules: readonly Rule[] = [
  // replicas and disruption
  barePod,
  singleReplica,
  hpaMinReplicasLow,
  hpaTargetMissing,
  pdbMissing,
  pdbInvalid,
  pdbBlocksEviction,
  pdbSelectsNothing,
  spreadMissing,
  rollingUpdateUnsafe,
  // each pod
  readinessProbeMissing,
  livenessProbeMissing,
  livenessEqualsReadiness,
  resourceRequestsMissing,
  memoryLimitMissing,
  emptydirSizeLimitMissing,
  terminationGraceZero,
  // what points at the pods
  serviceSelectsNothing,
  statefulsetHeadlessServiceMissing,
  // will it apply on the target release
  apiVersionRemoved,
  apiVersionDeprecated,
];
