import { scIs } from '../cel.js';
import { pssCheckRule } from './pss-check-rule.js';

export const rule = pssCheckRule({
  id: 'pss-run-as-non-root',
  check: 'runAsNonRoot',
  cel: {
    matchKinds: 'workloads',
    variables: [
      { name: 'userNamespace', expression: 'has(variables.podSpec.hostUsers) && variables.podSpec.hostUsers == false' },
      { name: 'podNonRoot', expression: scIs('variables.podSpec', 'runAsNonRoot', 'true') },
    ],
    validations: [
      {
        expression: `variables.userNamespace || !${scIs('variables.podSpec', 'runAsNonRoot', 'false')}`,
        message: 'runAsNonRoot != true: the pod must not set securityContext.runAsNonRoot=false',
      },
      {
        expression: `variables.userNamespace || variables.containers.all(c, !${scIs('c', 'runAsNonRoot', 'false')})`,
        message: 'runAsNonRoot != true: containers must not set securityContext.runAsNonRoot=false',
      },
      {
        expression: `variables.userNamespace || variables.podNonRoot || variables.containers.all(c, ${scIs('c', 'runAsNonRoot', 'true')})`,
        message: 'runAsNonRoot != true: the pod or every container must set securityContext.runAsNonRoot=true',
      },
    ],
  },
  title: 'Containers may run as root',
  description:
    'Neither the pod nor every container sets securityContext.runAsNonRoot=true (or one sets it to false), so the kubelet does not refuse to start a container whose user is root.',
  remediation:
    'Set spec.securityContext.runAsNonRoot: true (and do not set it to false on any container); build the image with a non-root USER.',
});
