import { scIs } from '../cel.js';
import { pssCheckRule } from './pss-check-rule.js';

export const rule = pssCheckRule({
  id: 'pss-privileged',
  check: 'privileged',
  cel: {
    matchKinds: 'workloads',
    validations: [
      {
        expression: `variables.containers.all(c, !${scIs('c', 'privileged', 'true')})`,
        message: 'privileged: containers must not set securityContext.privileged=true',
      },
    ],
  },
  title: 'Privileged container',
  description:
    'A container sets securityContext.privileged=true: it gets every capability and every device of the node, which disables most security mechanisms.',
  remediation:
    'Remove securityContext.privileged (or set it to false) and grant only the specific capability the process needs.',
});
