import { IS_WINDOWS, seccompValid } from '../cel.js';
import { pssCheckRule } from './pss-check-rule.js';

export const rule = pssCheckRule({
  id: 'pss-seccomp-profile-restricted',
  check: 'seccompProfile_restricted',
  cel: {
    matchKinds: 'workloads',
    variables: [
      IS_WINDOWS,
      {
        name: 'podSeccomp',
        expression: `has(variables.podSpec.securityContext) && has(variables.podSpec.securityContext.seccompProfile) && ${seccompValid('variables.podSpec.securityContext.seccompProfile')}`,
      },
    ],
    validations: [
      {
        expression: `variables.isWindows || !(has(variables.podSpec.securityContext) && has(variables.podSpec.securityContext.seccompProfile)) || variables.podSeccomp`,
        message: 'seccompProfile: the pod must set seccompProfile.type to RuntimeDefault or Localhost',
      },
      {
        expression: `variables.isWindows || variables.containers.all(c, (has(c.securityContext) && has(c.securityContext.seccompProfile)) ? ${seccompValid('c.securityContext.seccompProfile')} : variables.podSeccomp)`,
        message:
          'seccompProfile: the pod or every container must set securityContext.seccompProfile.type to RuntimeDefault or Localhost',
      },
    ],
  },
  title: 'Seccomp profile not set',
  description:
    'Neither the pod nor every container sets securityContext.seccompProfile.type to RuntimeDefault or Localhost (not required of Windows pods).',
  remediation: 'Set spec.securityContext.seccompProfile.type: RuntimeDefault.',
});
