import type { Rule } from '../rule.js';
import { rule as clusterAdminBinding } from './cluster-admin-binding.js';
import { rule as defaultServiceAccountPermissions } from './default-service-account-permissions.js';
import { rule as ghostServiceAccount } from './ghost-service-account.js';
import { rule as legacyServiceAccountToken } from './legacy-service-account-token.js';
import { rule as rbacEscalationPath } from './rbac-escalation-path.js';
import { rule as rbacMissingReference } from './rbac-missing-reference.js';
import { rule as rbacRiskySubjectBinding } from './rbac-risky-subject-binding.js';
import { rule as rbacWildcardPermissions } from './rbac-wildcard-permissions.js';
import { rule as tokenMountedWithoutPermissions } from './token-mounted-without-permissions.js';

/** Identity pillar: RBAC, service accounts and their tokens. */
export const identityRules: Rule[] = [
  clusterAdminBinding,
  rbacRiskySubjectBinding,
  rbacWildcardPermissions,
  rbacEscalationPath,
  ghostServiceAccount,
  tokenMountedWithoutPermissions,
  legacyServiceAccountToken,
  rbacMissingReference,
  defaultServiceAccountPermissions,
];
