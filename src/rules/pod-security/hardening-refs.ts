import type { Reference } from '../rule.js';

export { MITRE_T1552, NSA_CISA } from '../references.js';

/** References shared by the hardening rules. */
export const K8S_SA_TOKEN_OPT_OUT: Reference = {
  title: 'Kubernetes: opt out of API credential automounting',
  url: 'https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/#opt-out-of-api-credential-automounting',
};
export const MITRE_T1528: Reference = {
  title: 'MITRE ATT&CK T1528 Steal Application Access Token',
  url: 'https://attack.mitre.org/techniques/T1528/',
};
export const K8S_SECURITY_CONTEXT: Reference = {
  title: 'Kubernetes: configure a security context for a pod or container',
  url: 'https://kubernetes.io/docs/tasks/configure-pod-container/security-context/',
};
export const MITRE_T1611: Reference = {
  title: 'MITRE ATT&CK T1611 Escape to Host',
  url: 'https://attack.mitre.org/techniques/T1611/',
};
