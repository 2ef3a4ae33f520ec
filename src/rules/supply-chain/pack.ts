import type { Rule } from '../rule.js';
import { rule as imageDigestNotPinned } from './image-digest-not-pinned.js';
import { rule as imagePullPolicyNotAlways } from './image-pull-policy-not-always.js';
import { rule as imageRefInvalid } from './image-ref-invalid.js';
import { rule as imageRegistryDenied } from './image-registry-denied.js';
import { rule as imageRegistryNotAllowed } from './image-registry-not-allowed.js';
import { rule as imageTagLatest } from './image-tag-latest.js';

/** Static supply-chain rules: what the manifests say about images, without asking a registry. */
export const supplyChainRules: readonly Rule[] = [
  imageRefInvalid,
  imageRegistryDenied,
  imageRegistryNotAllowed,
  imageTagLatest,
  imageDigestNotPinned,
  imagePullPolicyNotAlways,
];
