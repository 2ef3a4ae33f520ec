import { KubeprintError } from '../../errors.js';
import { LATEST_MINOR } from './registry.js';
import { PSS_LEVELS, type PssLevel } from './types.js';

const VERSION_RE = /^v1\.(0|[1-9][0-9]*)$/;

export function isPssLevel(s: unknown): s is PssLevel {
  return typeof s === 'string' && (PSS_LEVELS as readonly string[]).includes(s);
}

/** True for a version the namespace labels accept: `latest` or `v1.<minor>`. */
export function isPolicyVersion(s: string): boolean {
  return s === 'latest' || VERSION_RE.test(s);
}

/**
 * The policy minor a version resolves to. `latest` and versions newer than
 * the newest check resolve to the newest check's version.
 *
 * @throws KubeprintError USAGE for anything but `latest` or `v1.<minor>`.
 */
export function resolveMinor(version: string): number {
  if (version === 'latest') return LATEST_MINOR;
  const m = VERSION_RE.exec(version);
  if (!m?.[1])
    throw new KubeprintError('USAGE', `invalid Pod Security version "${version}" (want latest or v1.<minor>)`);
  return Math.min(Number(m[1]), LATEST_MINOR);
}
