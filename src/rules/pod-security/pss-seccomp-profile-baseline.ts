import { pssCheckRule } from './pss-check-rule.js';

export const rule = pssCheckRule({
  id: 'pss-seccomp-profile-baseline',
  check: 'seccompProfile_baseline',
  title: 'Seccomp explicitly disabled',
  description:
    'The pod or a container sets the seccomp profile to a type other than RuntimeDefault or Localhost (e.g. Unconfined), which lets the process make any system call.',
  remediation:
    'Set securityContext.seccompProfile.type to RuntimeDefault (or Localhost with a profile), or remove the Unconfined setting.',
});
