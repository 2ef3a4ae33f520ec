import { pssCheckRule } from './pss-check-rule.js';

export const rule = pssCheckRule({
  id: 'pss-proc-mount-restricted',
  check: 'procMount_restricted',
  cel: {
    matchKinds: 'workloads',
    validations: [
      {
        expression:
          "variables.containers.all(c, !has(c.securityContext) || !has(c.securityContext.procMount) || c.securityContext.procMount == 'Default')",
        message: 'procMount: containers must not set securityContext.procMount other than Default',
      },
    ],
  },
  title: 'Unmasked /proc mount (restricted)',
  description:
    'A container sets securityContext.procMount to something other than Default; at restricted this is forbidden even for pods in a user namespace (policy v1.35 and later).',
  remediation: 'Remove securityContext.procMount or set it to Default.',
});
