import { allowPrivilegeEscalation } from './checks/allow-privilege-escalation.js';
import { appArmorProfile } from './checks/apparmor-profile.js';
import { capabilitiesBaseline } from './checks/capabilities-baseline.js';
import { capabilitiesRestricted } from './checks/capabilities-restricted.js';
import { hostNamespaces } from './checks/host-namespaces.js';
import { hostPathVolumes } from './checks/host-path-volumes.js';
import { hostPorts } from './checks/host-ports.js';
import { hostProbesAndHostLifecycle } from './checks/host-probes-and-lifecycle.js';
import { privileged } from './checks/privileged.js';
import { procMount, procMountRestricted } from './checks/proc-mount.js';
import { restrictedVolumes } from './checks/restricted-volumes.js';
import { runAsNonRoot } from './checks/run-as-non-root.js';
import { runAsUser } from './checks/run-as-user.js';
import { seccompProfileBaseline, seccompProfileRestricted } from './checks/seccomp-profile.js';
import { seLinuxOptions } from './checks/selinux-options.js';
import { sysctls } from './checks/sysctls.js';
import { windowsHostProcess } from './checks/windows-host-process.js';
import type { PssCheck, VersionedCheck } from './types.js';

/** Every check, baseline first, each level in the order of the Pod Security Standards page. */
export const PSS_CHECKS: readonly PssCheck[] = [
  windowsHostProcess,
  hostNamespaces,
  privileged,
  capabilitiesBaseline,
  hostPathVolumes,
  hostPorts,
  hostProbesAndHostLifecycle,
  appArmorProfile,
  seLinuxOptions,
  procMount,
  seccompProfileBaseline,
  sysctls,
  restrictedVolumes,
  allowPrivilegeEscalation,
  runAsNonRoot,
  runAsUser,
  seccompProfileRestricted,
  capabilitiesRestricted,
  procMountRestricted,
];

const byId = new Map(PSS_CHECKS.map((c) => [c.id, c]));

export function checkById(id: string): PssCheck | undefined {
  return byId.get(id);
}

/**
 * The newest policy minor any check defines. `latest` and any newer version
 * resolve to it, as in the controller's registry.
 */
export const LATEST_MINOR: number = Math.max(...PSS_CHECKS.flatMap((c) => c.versions.map((v) => v.minVersion)));

/** The revision of a check in force at a policy minor, or undefined before its first version. */
export function revisionAt(check: PssCheck, minor: number): VersionedCheck | undefined {
  let found: VersionedCheck | undefined;
  for (const v of check.versions) {
    if (v.minVersion <= minor) found = v;
    else break;
  }
  return found;
}
