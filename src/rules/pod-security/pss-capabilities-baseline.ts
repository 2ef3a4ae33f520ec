import { BASELINE_CAPABILITIES } from '../../engines/pss/checks/capabilities-baseline.js';
import { celList } from '../cel.js';
import { pssCheckRule } from './pss-check-rule.js';

export const rule = pssCheckRule({
  id: 'pss-capabilities-baseline',
  check: 'capabilities_baseline',
  cel: {
    matchKinds: 'workloads',
    validations: [
      {
        expression: `variables.containers.all(c, !has(c.securityContext) || !has(c.securityContext.capabilities) || !has(c.securityContext.capabilities.add) || c.securityContext.capabilities.add.all(a, a in ${celList(BASELINE_CAPABILITIES)}))`,
        message: 'non-default capabilities: containers may add only the baseline capabilities',
      },
    ],
  },
  title: 'Container adds capabilities beyond the default set',
  description:
    "A container adds Linux capabilities outside the container runtime's default set (AUDIT_WRITE, CHOWN, DAC_OVERRIDE, FOWNER, FSETID, KILL, MKNOD, NET_BIND_SERVICE, SETFCAP, SETGID, SETPCAP, SETUID, SYS_CHROOT).",
  remediation:
    'Remove the extra entries from securityContext.capabilities.add; if the workload truly needs one, run it in a namespace with a documented exemption.',
});
