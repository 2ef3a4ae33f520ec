import type { PssLevel } from './types.js';
import { isPolicyVersion, isPssLevel } from './versions.js';

export const PSA_MODES = ['enforce', 'audit', 'warn'] as const;
export type PsaMode = (typeof PSA_MODES)[number];

export const SYSTEM_NAMESPACES: ReadonlySet<string> = new Set(['kube-system', 'kube-public', 'kube-node-lease']);

export interface ModePolicy {
  readonly level: PssLevel;
  readonly version: string;
  /** True when the level label is present (an absent label means the cluster default, privileged). */
  readonly labelled: boolean;
  /** Label key of the level, for pointing at it. */
  readonly levelLabel: string;
}

export interface LabelProblem {
  readonly label: string;
  readonly value: string;
  readonly message: string;
}

/** What a namespace's `pod-security.kubernetes.io/*` labels ask for, per mode. */
export interface NamespacePolicy {
  readonly enforce: ModePolicy;
  readonly audit: ModePolicy;
  readonly warn: ModePolicy;
  readonly problems: readonly LabelProblem[];
}

/**
 * Resolve a namespace's labels the way the admission controller does: an
 * unset level is the default (privileged) and an unset version is `latest`;
 * a level or version that cannot be parsed becomes `restricted` / `latest`.
 */
export function namespacePolicy(labels: Record<string, string>): NamespacePolicy {
  const problems: LabelProblem[] = [];
  const mode = (m: PsaMode): ModePolicy => {
    const levelLabel = `pod-security.kubernetes.io/${m}`;
    const versionLabel = `${levelLabel}-version`;
    const rawLevel = labels[levelLabel];
    const rawVersion = labels[versionLabel];
    let level: PssLevel = 'privileged';
    if (rawLevel !== undefined) {
      if (isPssLevel(rawLevel)) level = rawLevel;
      else {
        level = 'restricted';
        problems.push({
          label: levelLabel,
          value: rawLevel,
          message: `must be one of privileged, baseline, restricted (the controller treats it as restricted)`,
        });
      }
    }
    let version = 'latest';
    if (rawVersion !== undefined) {
      if (isPolicyVersion(rawVersion)) version = rawVersion;
      else {
        problems.push({
          label: versionLabel,
          value: rawVersion,
          message: `must be latest or v1.<minor> (the controller treats it as latest)`,
        });
      }
    }
    return { level, version, labelled: rawLevel !== undefined, levelLabel };
  };
  return { enforce: mode('enforce'), audit: mode('audit'), warn: mode('warn'), problems };
}
