import { pssCheckRule } from './pss-check-rule.js';

export const rule = pssCheckRule({
  id: 'pss-capabilities-restricted',
  check: 'capabilities_restricted',
  title: 'Capabilities not dropped',
  description:
    'A container does not drop ALL capabilities, or adds a capability other than NET_BIND_SERVICE (not required of Windows pods).',
  remediation:
    'Set securityContext.capabilities.drop: ["ALL"] on every container and add back at most NET_BIND_SERVICE.',
});
