import { pssCheckRule } from './pss-check-rule.js';

export const rule = pssCheckRule({
  id: 'pss-windows-host-process',
  check: 'windowsHostProcess',
  title: 'Windows HostProcess container',
  description:
    "The pod or a container sets securityContext.windowsOptions.hostProcess=true: a HostProcess container runs directly on the Windows node with the node's privileges.",
  remediation:
    'Remove windowsOptions.hostProcess (or set it to false) at pod and container level; run node-level Windows work from a separately governed namespace.',
});
