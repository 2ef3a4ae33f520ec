import type { Reference } from '../rule.js';

/** References shared by the hardening rules. */
export const NSA_CISA: Reference = {
  title: 'NSA-CISA Kubernetes Hardening Guide v1.2',
  url: 'https://media.defense.gov/2022/Aug/29/2003066362/-1/-1/0/CTR_KUBERNETES_HARDENING_GUIDANCE_1.2_20220829.PDF',
};
export const K8S_SA_TOKEN_OPT_OUT: Reference = {
  title: 'Kubernetes: opt out of API credential automounting',
  url: 'https://kubernetes.io/docs/tasks/configure-pod-container/configure-service-account/#opt-out-of-api-credential-automounting',
};
export const MITRE_T1528: Reference = {
  title: 'MITRE ATT&CK T1528 Steal Application Access Token',
  url: 'https://attack.mitre.org/techniques/T1528/',
};
export const MITRE_T1552: Reference = {
  title: 'MITRE ATT&CK T1552 Unsecured Credentials',
  url: 'https://attack.mitre.org/techniques/T1552/',
};
