import { IS_WINDOWS } from '../cel.js';
import { pssCheckRule } from './pss-check-rule.js';

export const rule = pssCheckRule({
  id: 'pss-capabilities-restricted',
  check: 'capabilities_restricted',
  cel: {
    matchKinds: 'workloads',
    variables: [IS_WINDOWS],
    validations: [
      {
        expression:
          "variables.isWindows || variables.containers.all(c, has(c.securityContext) && has(c.securityContext.capabilities) && has(c.securityContext.capabilities.drop) && 'ALL' in c.securityContext.capabilities.drop)",
        message: 'unrestricted capabilities: containers must set securityContext.capabilities.drop=["ALL"]',
      },
      {
        expression:
          "variables.isWindows || variables.containers.all(c, !has(c.securityContext) || !has(c.securityContext.capabilities) || !has(c.securityContext.capabilities.add) || c.securityContext.capabilities.add.all(a, a == 'NET_BIND_SERVICE'))",
        message: 'unrestricted capabilities: containers may add only NET_BIND_SERVICE',
      },
    ],
  },
  title: 'Capabilities not dropped',
  description:
    'A container does not drop ALL capabilities, or adds a capability other than NET_BIND_SERVICE (not required of Windows pods).',
  remediation:
    'Set securityContext.capabilities.drop: ["ALL"] on every container and add back at most NET_BIND_SERVICE.',
});
