/**
 * Supply-chain verification: Sigstore bundles, cosign signatures and
 * attestations on images in OCI registries, and the images policy. The
 * verification logic is pure; `registry.ts`, `trusted-root.ts` and
 * `policy-load.ts` are the adapters that do I/O.
 */
export type { ImageBundleResult } from './bundle-referrers.js';
export { verifyImageBundle } from './bundle-referrers.js';
export type {
  Artifact,
  BundleVerifyCode,
  BundleVerifyInput,
  BundleVerifyResult,
  ExpectedSigner,
} from './bundle-verify.js';
export { publicKeyFromPEM, verifyBundle } from './bundle-verify.js';
export type { CosignLayer, InTotoStatement } from './cosign.js';
export { verifyAttestationLayer, verifySignatureLayer } from './cosign.js';
export type { IdentityMatcher } from './identity.js';
export { matchesIdentity } from './identity.js';
export type { AttestationRequirement, ImagePolicy, ImagesPolicy, NamedSigner, UnmatchedAction } from './policy.js';
export { predicateTypeURI, versionInRange } from './policy.js';
export { imagesPolicyFromConfig } from './policy-load.js';
export type { Credentials, RegistryClientOptions } from './registry.js';
export { loadDockerCredentials, RegistryClient } from './registry.js';
export { loadTrustedRoot, productionTrustedRoot } from './trusted-root.js';
export type { Check, ImageVerdict, RegistryReader, VerdictStatus } from './verify-image.js';
export { ImageVerifier } from './verify-image.js';
