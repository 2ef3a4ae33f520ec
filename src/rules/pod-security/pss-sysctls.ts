import { pssCheckRule } from './pss-check-rule.js';

export const rule = pssCheckRule({
  id: 'pss-sysctls',
  check: 'sysctls',
  title: 'Unsafe sysctl',
  description:
    'The pod sets a sysctl outside the safe, namespaced set, which can affect every pod on the node or disable security mechanisms.',
  remediation:
    'Remove the sysctl from spec.securityContext.sysctls or replace it with one from the safe set; tune node-wide sysctls on the node instead.',
});
