import type { KyvernoMap } from './kyverno-map.js';

/** Kyverno's flux/ policies → kubeprint Flux rules (filled in with the Flux rule pack). */
export const kyvernoFluxMap: KyvernoMap = {
  equivalents: {},
  noEquivalent: {},
};
