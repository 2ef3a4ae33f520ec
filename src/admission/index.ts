/** The admission API (`kubeprint/admission`): webhook decisions, the server, manifests, ValidatingAdmissionPolicies. */
export { generateWebhookTls } from './certs.js';
export { startClusterCache } from './cluster-cache.js';
export { admissionPolicy, DEFAULT_BUDGET, decide, judge, modeOf } from './decide.js';
export { admissionManifests, manifestsYaml, webhookRules } from './manifests.js';
export { AdmissionMetrics } from './metrics.js';
export { parseAdmissionReview, reviewResponse } from './review.js';
export { DEFAULT_MAX_BODY_BYTES, startWebhookServer } from './server.js';
export { validatingAdmissionPolicies } from './vap.js';
