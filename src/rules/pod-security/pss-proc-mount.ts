import { USER_NAMESPACE } from '../cel.js';
import { pssCheckRule } from './pss-check-rule.js';

export const rule = pssCheckRule({
  id: 'pss-proc-mount',
  check: 'procMount',
  cel: {
    matchKinds: 'workloads',
    variables: [USER_NAMESPACE],
    validations: [
      {
        expression:
          "variables.userNamespace || variables.containers.all(c, !has(c.securityContext) || !has(c.securityContext.procMount) || c.securityContext.procMount == 'Default')",
        message: 'procMount: containers must not set securityContext.procMount other than Default',
      },
    ],
  },
  title: 'Unmasked /proc mount',
  description:
    'A container sets securityContext.procMount to something other than Default, which unmasks /proc paths of the node (allowed at baseline from v1.35 only for pods in a user namespace, hostUsers: false).',
  remediation: 'Remove securityContext.procMount or set it to Default.',
});
