import { IS_WINDOWS, scIs } from '../cel.js';
import { pssCheckRule } from './pss-check-rule.js';

export const rule = pssCheckRule({
  id: 'pss-allow-privilege-escalation',
  check: 'allowPrivilegeEscalation',
  cel: {
    matchKinds: 'workloads',
    variables: [IS_WINDOWS],
    validations: [
      {
        expression: `variables.isWindows || variables.containers.all(c, ${scIs('c', 'allowPrivilegeEscalation', 'false')})`,
        message:
          'allowPrivilegeEscalation != false: containers must set securityContext.allowPrivilegeEscalation=false',
      },
    ],
  },
  title: 'Privilege escalation not disabled',
  description:
    'A container does not set securityContext.allowPrivilegeEscalation=false, so set-user-ID binaries and file capabilities can raise its privileges.',
  remediation:
    'Set securityContext.allowPrivilegeEscalation: false on every container, init container and ephemeral container.',
});
