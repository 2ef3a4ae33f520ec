import { rule as staticCloudCredentials } from '../identity/static-cloud-credentials.js';
import type { Rule } from '../rule.js';
import { rule as automountServiceAccountToken } from './automount-service-account-token.js';
import { rule as controlPlaneToleration } from './control-plane-toleration.js';
import { rule as defaultServiceAccount } from './default-service-account.js';
import { rule as envLiteralSecret } from './env-literal-secret.js';
import { rule as hostpathPersistentVolume } from './hostpath-persistent-volume.js';
import { rule as readonlyRootFilesystem } from './readonly-root-filesystem.js';
import { rule as runAsRootGroup } from './run-as-root-group.js';
import { rule as secretEnvVar } from './secret-env-var.js';
import { rule as workloadInDefaultNamespace } from './workload-in-default-namespace.js';

/**
 * Pod hardening beyond the Pod Security Standards. The image tag, digest and
 * pull-policy rules live in the supply-chain pack; static cloud credentials
 * belong to the identity pillar but ship with this pack.
 */
export const hardeningRules: readonly Rule[] = [
  readonlyRootFilesystem,
  runAsRootGroup,
  controlPlaneToleration,
  hostpathPersistentVolume,
  automountServiceAccountToken,
  defaultServiceAccount,
  envLiteralSecret,
  secretEnvVar,
  workloadInDefaultNamespace,
  staticCloudCredentials,
];
