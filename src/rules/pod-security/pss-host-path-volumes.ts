import { pssCheckRule } from './pss-check-rule.js';

export const rule = pssCheckRule({
  id: 'pss-host-path-volumes',
  check: 'hostPathVolumes',
  cel: {
    matchKinds: 'workloads',
    validations: [
      {
        expression: '!has(variables.podSpec.volumes) || variables.podSpec.volumes.all(v, !has(v.hostPath))',
        message: 'hostPath volumes: the pod must not mount hostPath volumes',
      },
    ],
  },
  title: 'Pod mounts a hostPath volume',
  description:
    'The pod mounts a directory of the node (hostPath), which can expose node credentials, the container runtime socket or let the pod write to the host.',
  remediation: 'Replace the hostPath volume with an emptyDir, a ConfigMap/Secret, or a PersistentVolumeClaim.',
});
