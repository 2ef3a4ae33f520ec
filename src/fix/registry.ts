import type { Category } from '../model/severity.js';
import type { Fixer } from './fixer.js';
import { fixer as imagePullPolicy } from './fixers/image-pull-policy-not-always.js';
import { fixer as allowPrivilegeEscalation } from './fixers/pss-allow-privilege-escalation.js';
import { fixer as capabilities } from './fixers/pss-capabilities-restricted.js';
import { fixer as runAsNonRoot } from './fixers/pss-run-as-non-root.js';
import { fixer as seccomp } from './fixers/pss-seccomp-profile-restricted.js';
import { fixer as readOnlyRoot } from './fixers/readonly-root-filesystem.js';
import { fixer as token } from './fixers/token-mounted-without-permissions.js';

/** Every fixer, in the order fixes are applied: safe ones first, then those that need review. */
export const FIXERS: readonly Fixer[] = [
  allowPrivilegeEscalation,
  capabilities,
  seccomp,
  imagePullPolicy,
  token,
  runAsNonRoot,
  readOnlyRoot,
];

const BY_RULE = new Map(FIXERS.map((f) => [f.ruleId, f]));

export function fixerFor(ruleId: string): Fixer | undefined {
  return BY_RULE.get(ruleId);
}

/** Why a rule has no fixer, where the reason is particular to it; `noFixerReason` gives the general one otherwise. */
const NO_FIXER: Record<string, string> = {
  'pss-privileged':
    'a privileged container usually needs its privileges (a CNI, a storage driver): only its owner can say which capabilities replace them',
  'pss-host-namespaces':
    'sharing the host network, PID or IPC namespace is what such a workload is for; removing it changes behaviour',
  'pss-host-path-volumes': 'the volume is what the workload reads or writes; only its owner can choose another kind',
  'image-tag-latest': 'the version to pin is a release decision, not a repair',
  'image-digest-not-pinned': 'pinning needs the digest the registry serves now (--pin-digests, not built yet)',
  'resource-requests-missing':
    'requests come from measurements, not from a default (defaults from configuration are not built yet)',
  'memory-limit-missing':
    'a limit comes from measurements, not from a default (defaults from configuration are not built yet)',
};

/** Why a rule has no fixer (for `kubeprint explain`). */
export function noFixerReason(ruleId: string, category: Category): string {
  const own = NO_FIXER[ruleId];
  if (own) return own;
  if (category === 'network' || category === 'identity')
    return 'the fix is a new object or a permission change that only the owner of the workload can shape (generated NetworkPolicies and PodDisruptionBudgets are not built yet)';
  if (category === 'control-plane') return 'the finding is about a running cluster or etcd, not a manifest in a file';
  return 'no change to one field repairs it without choices only the owner of the workload can make';
}

/** Rules with a reason of their own for having no fixer. */
export const NO_FIXER_IDS: readonly string[] = Object.keys(NO_FIXER);
