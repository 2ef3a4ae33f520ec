import { KubeprintError } from '../errors.js';

const VERSION_RE = /^v?1\.(\d+)(?:\.\d+)?$/;

/**
 * The minor of a Kubernetes version as users write it (`1.33`, `v1.33`, `1.33.2`).
 *
 * @throws KubeprintError USAGE for anything else.
 */
export function parseKubernetesMinor(version: string): number {
  const m = VERSION_RE.exec(version.trim());
  if (!m) throw new KubeprintError('USAGE', `invalid Kubernetes version "${version}" (want 1.<minor>, e.g. 1.33)`);
  return Number(m[1]);
}
