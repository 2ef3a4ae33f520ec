import { pssCheckRule } from './pss-check-rule.js';

export const rule = pssCheckRule({
  id: 'pss-proc-mount',
  check: 'procMount',
  title: 'Unmasked /proc mount',
  description:
    'A container sets securityContext.procMount to something other than Default, which unmasks /proc paths of the node (allowed at baseline from v1.35 only for pods in a user namespace, hostUsers: false).',
  remediation: 'Remove securityContext.procMount or set it to Default.',
});
