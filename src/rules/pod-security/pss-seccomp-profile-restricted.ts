import { pssCheckRule } from './pss-check-rule.js';

export const rule = pssCheckRule({
  id: 'pss-seccomp-profile-restricted',
  check: 'seccompProfile_restricted',
  title: 'Seccomp profile not set',
  description:
    'Neither the pod nor every container sets securityContext.seccompProfile.type to RuntimeDefault or Localhost (not required of Windows pods).',
  remediation: 'Set spec.securityContext.seccompProfile.type: RuntimeDefault.',
});
