import type { Reference } from '../rule.js';

export { MITRE_T1552, NSA_CISA } from '../references.js';

/** Argo CD documentation that the Argo CD rules cite. */
const doc = (title: string, path: string): Reference => ({
  title: `Argo CD: ${title}`,
  url: `https://argo-cd.readthedocs.io/en/stable/${path}`,
});

export const ARGO_PROJECTS = doc('Projects', 'user-guide/projects/');
export const ARGO_DEFAULT_PROJECT = doc('Projects, the default project', 'user-guide/projects/#the-default-project');
export const ARGO_PROJECT_ROLES = doc('Projects, project roles', 'user-guide/projects/#project-roles');
export const ARGO_PROJECT_SPEC = doc('Project specification', 'operator-manual/project-specification/');
export const ARGO_RBAC = doc('RBAC configuration', 'operator-manual/rbac/');
export const ARGO_SECURITY = doc('Security', 'operator-manual/security/');
export const ARGO_APP_SPEC = doc('Application specification', 'user-guide/application-specification/');
export const ARGO_SYNC_OPTIONS = doc('Sync options', 'user-guide/sync-options/');
export const ARGO_AUTO_SYNC = doc('Automated sync policy', 'user-guide/auto_sync/');
export const ARGO_TRACKING = doc('Tracking and deployment strategies', 'user-guide/tracking_strategies/');
export const ARGO_BEST_PRACTICES = doc('Best practices', 'user-guide/best_practices/');
export const ARGO_HELM = doc('Helm', 'user-guide/helm/');
export const ARGO_SECRETS = doc('Secret management', 'operator-manual/secret-management/');
export const ARGO_PRIVATE_REPOS = doc('Private repositories', 'user-guide/private-repositories/');
export const ARGO_MULTIPLE_SOURCES = doc('Multiple sources for an application', 'user-guide/multiple_sources/');
export const ARGO_APPSET_SECURITY = doc('ApplicationSet security', 'operator-manual/applicationset/Security/');
export const ARGO_APPS_ANY_NAMESPACE = doc('Applications in any namespace', 'operator-manual/app-any-namespace/');

export const MITRE_T1195: Reference = {
  title: 'MITRE ATT&CK T1195 Supply Chain Compromise',
  url: 'https://attack.mitre.org/techniques/T1195/',
};
export const MITRE_T1557: Reference = {
  title: 'MITRE ATT&CK T1557 Adversary-in-the-Middle',
  url: 'https://attack.mitre.org/techniques/T1557/',
};
export const MITRE_T1078: Reference = {
  title: 'MITRE ATT&CK T1078 Valid Accounts',
  url: 'https://attack.mitre.org/techniques/T1078/',
};

/** Kyverno's Argo CD policies (kyverno/policies, argo/). */
export const kyverno = (policy: string): Reference => ({
  title: `Kyverno policy ${policy}`,
  url: `https://kyverno.io/policies/argo/${policy}/${policy}/`,
});
