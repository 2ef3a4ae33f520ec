import { pssCheckRule } from './pss-check-rule.js';

export const rule = pssCheckRule({
  id: 'pss-privileged',
  check: 'privileged',
  title: 'Privileged container',
  description:
    'A container sets securityContext.privileged=true: it gets every capability and every device of the node, which disables most security mechanisms.',
  remediation:
    'Remove securityContext.privileged (or set it to false) and grant only the specific capability the process needs.',
});
