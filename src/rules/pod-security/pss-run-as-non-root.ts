import { pssCheckRule } from './pss-check-rule.js';

export const rule = pssCheckRule({
  id: 'pss-run-as-non-root',
  check: 'runAsNonRoot',
  title: 'Containers may run as root',
  description:
    'Neither the pod nor every container sets securityContext.runAsNonRoot=true (or one sets it to false), so the kubelet does not refuse to start a container whose user is root.',
  remediation:
    'Set spec.securityContext.runAsNonRoot: true (and do not set it to false on any container); build the image with a non-root USER.',
});
