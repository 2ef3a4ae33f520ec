import { seccompValid } from '../cel.js';
import { pssCheckRule } from './pss-check-rule.js';

export const rule = pssCheckRule({
  id: 'pss-seccomp-profile-baseline',
  check: 'seccompProfile_baseline',
  cel: {
    matchKinds: 'workloads',
    validations: [
      {
        expression: `!(has(variables.podSpec.securityContext) && has(variables.podSpec.securityContext.seccompProfile)) || ${seccompValid('variables.podSpec.securityContext.seccompProfile')}`,
        message: 'seccompProfile: the pod must not set an unconfined seccomp profile',
      },
      {
        expression: `variables.containers.all(c, !(has(c.securityContext) && has(c.securityContext.seccompProfile)) || ${seccompValid('c.securityContext.seccompProfile')})`,
        message: 'seccompProfile: containers must not set an unconfined seccomp profile',
      },
    ],
  },
  title: 'Seccomp explicitly disabled',
  description:
    'The pod or a container sets the seccomp profile to a type other than RuntimeDefault or Localhost (e.g. Unconfined), which lets the process make any system call.',
  remediation:
    'Set securityContext.seccompProfile.type to RuntimeDefault (or Localhost with a profile), or remove the Unconfined setting.',
});
