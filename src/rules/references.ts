import type { Reference } from './rule.js';

/** References that rules of several pillars cite. */
export const NSA_CISA: Reference = {
  title: 'NSA-CISA Kubernetes Hardening Guide v1.2',
  url: 'https://media.defense.gov/2022/Aug/29/2003066362/-1/-1/0/CTR_KUBERNETES_HARDENING_GUIDANCE_1.2_20220829.PDF',
};
export const MITRE_T1552: Reference = {
  title: 'MITRE ATT&CK T1552 Unsecured Credentials',
  url: 'https://attack.mitre.org/techniques/T1552/',
};
