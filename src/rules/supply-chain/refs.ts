import type { Reference } from '../rule.js';

export { NSA_CISA } from '../references.js';

/** References shared by the image rules. */
export const K8S_IMAGE_NAMES: Reference = {
  title: 'Kubernetes: Images, image names',
  url: 'https://kubernetes.io/docs/concepts/containers/images/#image-names',
};
export const K8S_PULL_POLICY: Reference = {
  title: 'Kubernetes: Images, image pull policy',
  url: 'https://kubernetes.io/docs/concepts/containers/images/#image-pull-policy',
};
export const MITRE_T1525: Reference = {
  title: 'MITRE ATT&CK T1525 Implant Internal Image',
  url: 'https://attack.mitre.org/techniques/T1525/',
};
export const MITRE_T1204_003: Reference = {
  title: 'MITRE ATT&CK T1204.003 User Execution: Malicious Image',
  url: 'https://attack.mitre.org/techniques/T1204/003/',
};
export const SLSA: Reference = {
  title: 'SLSA: verifying artifacts',
  url: 'https://slsa.dev/spec/v1.0/verifying-artifacts',
};
