import { pssCheckRule } from './pss-check-rule.js';

export const rule = pssCheckRule({
  id: 'pss-windows-host-process',
  check: 'windowsHostProcess',
  cel: {
    matchKinds: 'workloads',
    validations: [
      {
        expression:
          '!(has(variables.podSpec.securityContext) && has(variables.podSpec.securityContext.windowsOptions) && has(variables.podSpec.securityContext.windowsOptions.hostProcess) && variables.podSpec.securityContext.windowsOptions.hostProcess == true) && variables.containers.all(c, !(has(c.securityContext) && has(c.securityContext.windowsOptions) && has(c.securityContext.windowsOptions.hostProcess) && c.securityContext.windowsOptions.hostProcess == true))',
        message: 'hostProcess: the pod and its containers must not set securityContext.windowsOptions.hostProcess=true',
      },
    ],
  },
  title: 'Windows HostProcess container',
  description:
    "The pod or a container sets securityContext.windowsOptions.hostProcess=true: a HostProcess container runs directly on the Windows node with the node's privileges.",
  remediation:
    'Remove windowsOptions.hostProcess (or set it to false) at pod and container level; run node-level Windows work from a separately governed namespace.',
});
