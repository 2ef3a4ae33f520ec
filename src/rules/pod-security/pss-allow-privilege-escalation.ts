import { pssCheckRule } from './pss-check-rule.js';

export const rule = pssCheckRule({
  id: 'pss-allow-privilege-escalation',
  check: 'allowPrivilegeEscalation',
  title: 'Privilege escalation not disabled',
  description:
    'A container does not set securityContext.allowPrivilegeEscalation=false, so set-user-ID binaries and file capabilities can raise its privileges.',
  remediation:
    'Set securityContext.allowPrivilegeEscalation: false on every container, init container and ephemeral container.',
});
