import type { Rule } from '../rule.js';
import { rule as applicationDefaultProject } from './argocd-application-default-project.js';
import { rule as applicationDestinationConflict } from './argocd-application-destination-conflict.js';
import { rule as applicationProjectNotFound } from './argocd-application-project-not-found.js';
import { rule as applicationSourceConflict } from './argocd-application-source-conflict.js';
import { rule as applicationsetTemplatedProject } from './argocd-applicationset-templated-project.js';
import { rule as automatedPruneSystemNamespace } from './argocd-automated-prune-system-namespace.js';
import { rule as helmPassCredentials } from './argocd-helm-pass-credentials.js';
import { rule as helmValuesSecret } from './argocd-helm-values-secret.js';
import { rule as projectClusterResourcesWildcard } from './argocd-project-cluster-resources-wildcard.js';
import { rule as projectDestinationsWildcard } from './argocd-project-destinations-wildcard.js';
import { rule as projectRoleWildcardPolicy } from './argocd-project-role-wildcard-policy.js';
import { rule as projectSensitiveClusterResources } from './argocd-project-sensitive-cluster-resources.js';
import { rule as projectSourceNamespacesWildcard } from './argocd-project-source-namespaces-wildcard.js';
import { rule as projectSourceReposWildcard } from './argocd-project-source-repos-wildcard.js';
import { rule as sourceInsecureTransport } from './argocd-source-insecure-transport.js';
import { rule as syncReplaceForce } from './argocd-sync-replace-force.js';
import { rule as targetRevisionNotPinned } from './argocd-target-revision-not-pinned.js';

/** Argo CD: AppProject, Application and ApplicationSet hygiene. */
export const argocdRules: readonly Rule[] = [
  // AppProject: what a project lets its Applications do
  projectSourceReposWildcard,
  projectDestinationsWildcard,
  projectClusterResourcesWildcard,
  projectSensitiveClusterResources,
  projectRoleWildcardPolicy,
  projectSourceNamespacesWildcard,
  // Application (and ApplicationSet templates)
  applicationDefaultProject,
  applicationProjectNotFound,
  sourceInsecureTransport,
  targetRevisionNotPinned,
  helmValuesSecret,
  helmPassCredentials,
  syncReplaceForce,
  automatedPruneSystemNamespace,
  applicationSourceConflict,
  applicationDestinationConflict,
  // ApplicationSet
  applicationsetTemplatedProject,
];
