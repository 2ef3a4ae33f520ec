import type { Severity } from '../../model/severity.js';

/** A parsed `major.minor.patch` (pre-release and build suffixes ignored). */
export interface Version {
  major: number;
  minor: number;
  patch: number;
}

export function parseVersion(s: string | undefined): Version | undefined {
  const m = /^v?(\d+)\.(\d+)(?:\.(\d+))?/.exec((s ?? '').trim());
  if (!m) return undefined;
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3] ?? 0) };
}

export function compareVersions(a: Version, b: Version): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch;
}

export function minorOf(v: Version): string {
  return `${v.major}.${v.minor}`;
}

/**
 * A range of etcd versions known to be unsafe, for a reason a user can act on.
 * To add one, append an entry: `introduced` is the first affected version,
 * `fixed` the first good one (the range is `introduced <= v < fixed`).
 */
export interface KnownBadVersionRange {
  /** Stable id, kebab-case; shown in the finding. */
  id: string;
  introduced: string;
  fixed: string;
  /** What the problem endangers, e.g. `upgrade to 3.6` or `data consistency`. */
  affects: string;
  severity: Severity;
  reason: string;
  /** Where the maintainers say so. */
  source: string;
}

/** The table of known-bad etcd versions. Keep entries short; order does not matter. */
export const KNOWN_BAD_VERSIONS: readonly KnownBadVersionRange[] = [
  {
    id: 'v35-data-inconsistency',
    introduced: '3.5.0',
    fixed: '3.5.3',
    affects: 'data consistency',
    severity: 'critical',
    reason:
      'a member killed under load may lose applied writes and diverge from the others (data inconsistency); not recommended for production',
    source:
      'https://github.com/etcd-io/etcd/blob/main/CHANGELOG/README.md (v3.5.0-v3.5.2 not recommended for production)',
  },
  {
    id: 'v35-learner-promotion-lost',
    introduced: '3.5.1',
    fixed: '3.5.20',
    affects: 'upgrade to 3.6',
    severity: 'high',
    reason:
      'learner promotions are persisted in the v2store only; on upgrade to 3.6 voting members may revert to learners ("too many learner member in cluster")',
    source: 'https://etcd.io/blog/2025/upgrade_from_3.5_to_3.6_issue/',
  },
  {
    id: 'v35-rolling-replacement',
    introduced: '3.5.0',
    fixed: '3.5.24',
    affects: 'upgrade to 3.6',
    severity: 'high',
    reason:
      'after a rolling replacement of members the v2store and v3store membership can differ; the upgrade to 3.6 (v3store authoritative) then sees the wrong members',
    source: 'https://etcd.io/blog/2025/upgrade_from_3.5_to_3.6_issue_followup/ ; CHANGELOG-3.5.md v3.5.24',
  },
  {
    id: 'v35-zombie-members',
    introduced: '3.5.0',
    fixed: '3.5.26',
    affects: 'upgrade to 3.6',
    severity: 'high',
    reason:
      'members removed long ago may survive in the v3store and come back as "zombie members" after the upgrade to 3.6, leaving the cluster inoperable',
    source: 'https://etcd.io/blog/2025/zombie_members_upgrade/',
  },
];

/** The entries of `table` whose range contains `version`. */
export function knownBadFor(
  version: string,
  table: readonly KnownBadVersionRange[] = KNOWN_BAD_VERSIONS,
): KnownBadVersionRange[] {
  const v = parseVersion(version);
  if (!v) return [];
  return table.filter((e) => {
    const from = parseVersion(e.introduced);
    const to = parseVersion(e.fixed);
    return !!from && !!to && compareVersions(v, from) >= 0 && compareVersions(v, to) < 0;
  });
}
