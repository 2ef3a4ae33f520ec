/** The admission API (`kubeprint/admission`): webhook decisions, the server, manifests, ValidatingAdmissionPolicies. */
export { generateWebhookTls } from './certs.js';
export { startClusterCache } from './cluster-cache.js';
export { admissionPolicy, decide, modeOf } from './decide.js';
export { admissionManifests, manifestsYaml, webhookRules } from './manifests.js';
export { AdmissionMetrics } from './metrics.js';
export { parseAdmissionReview, reviewResponse } from './review.js';
export { startWebhookServer } from './server.js';
export { validatingAdmissionPolicies } from './vap.js';
