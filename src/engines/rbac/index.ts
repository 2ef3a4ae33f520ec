/** RBAC engine: effective permissions, who-can, escalation paths, identity inventory, audit-based least privilege. */

export { type AuditParse, type AuditRequest, type GenerateOptions, generateFromAudit, parseAuditLog } from './audit.js';
export {
  BOOTSTRAP_CLUSTER_ROLE_BINDINGS,
  BOOTSTRAP_CLUSTER_ROLE_NAMES,
  BOOTSTRAP_CLUSTER_ROLES,
  BOOTSTRAP_NAMESPACE_ROLES,
  BOOTSTRAP_ROLE_BINDINGS,
  BOOTSTRAP_ROLE_KEYS,
} from './bootstrap.js';
export { assumedDefaults, createRbacEngine, type RbacEngine } from './engine.js';
export {
  EscalationGraph,
  type EscalationPath,
  type EscalationStep,
  formatChain,
  formatOutcome,
  NODE,
  type Outcome,
} from './escalation.js';
export { IdentityFacts, type WorkloadIdentity } from './facts.js';
export { type CloudIdentity, type IdentityEntry, identityInventory } from './identities.js';
export { formatRule, hasWildcard, isFullWildcard, ruleAllows, uncoveredRules } from './match.js';
export {
  appliesTo,
  type BootstrapMode,
  grantApplies,
  type PolicyOptions,
  RbacPolicy,
  SUPERUSER_GROUP,
  scopeApplies,
  type WhoCanRow,
} from './policy.js';
export { formatRequest, parseRequest, type RequestOptions } from './request.js';
export { groupOfResource, isClusterScoped } from './resources.js';
export { formatSubject, parseSubject, serviceAccountUsername, userInfoOf } from './subject.js';
export { TECHNIQUE_IDS, TECHNIQUES, type Technique, type TechniqueId } from './techniques.js';
export type {
  AccessRequest,
  BindingDef,
  BindingSubject,
  Grant,
  PolicyProblem,
  PolicyRule,
  RoleDef,
  Subject,
  SubjectKind,
  UserInfo,
} from './types.js';
