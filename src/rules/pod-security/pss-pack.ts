import type { Rule } from '../rule.js';
import { rule as allowPrivilegeEscalation } from './pss-allow-privilege-escalation.js';
import { rule as appArmorProfile } from './pss-apparmor-profile.js';
import { rule as auditWarnViolation } from './pss-audit-warn-violation.js';
import { rule as capabilitiesBaseline } from './pss-capabilities-baseline.js';
import { rule as capabilitiesRestricted } from './pss-capabilities-restricted.js';
import { rule as enforceViolation } from './pss-enforce-violation.js';
import { rule as hostNamespaces } from './pss-host-namespaces.js';
import { rule as hostPathVolumes } from './pss-host-path-volumes.js';
import { rule as hostPorts } from './pss-host-ports.js';
import { rule as hostProbesAndLifecycle } from './pss-host-probes-and-lifecycle.js';
import { rule as namespaceLabelInvalid } from './pss-namespace-label-invalid.js';
import { rule as namespaceNoEnforce } from './pss-namespace-no-enforce.js';
import { rule as namespacePrivileged } from './pss-namespace-privileged.js';
import { rule as privileged } from './pss-privileged.js';
import { rule as procMount } from './pss-proc-mount.js';
import { rule as procMountRestricted } from './pss-proc-mount-restricted.js';
import { rule as restrictedVolumes } from './pss-restricted-volumes.js';
import { rule as runAsNonRoot } from './pss-run-as-non-root.js';
import { rule as runAsUser } from './pss-run-as-user.js';
import { rule as seccompProfileBaseline } from './pss-seccomp-profile-baseline.js';
import { rule as seccompProfileRestricted } from './pss-seccomp-profile-restricted.js';
import { rule as selinuxOptions } from './pss-selinux-options.js';
import { rule as sysctls } from './pss-sysctls.js';
import { rule as windowsHostProcess } from './pss-windows-host-process.js';

/**
 * Pod Security Standards: namespace labels and admission outcomes first, then
 * one rule per check of the admission controller (baseline, then restricted).
 */
export const pssRules: Rule[] = [
  namespaceNoEnforce,
  namespacePrivileged,
  namespaceLabelInvalid,
  enforceViolation,
  auditWarnViolation,
  windowsHostProcess,
  hostNamespaces,
  privileged,
  capabilitiesBaseline,
  hostPathVolumes,
  hostPorts,
  hostProbesAndLifecycle,
  appArmorProfile,
  selinuxOptions,
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
