import { RESTRICTED_ALLOWED_VOLUMES, RESTRICTED_VOLUME_TYPES } from '../../engines/pss/checks/restricted-volumes.js';
import { celList } from '../cel.js';
import { pssCheckRule } from './pss-check-rule.js';

export const rule = pssCheckRule({
  id: 'pss-restricted-volumes',
  check: 'restrictedVolumes',
  cel: {
    matchKinds: 'workloads',
    validations: [
      {
        expression: `!has(variables.podSpec.volumes) || variables.podSpec.volumes.all(v, ${celList(RESTRICTED_ALLOWED_VOLUMES)}.exists(k, k in v) || !${celList(RESTRICTED_VOLUME_TYPES)}.exists(k, k in v))`,
        message:
          'restricted volume types: volumes must be configMap, csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, projected or secret',
      },
    ],
  },
  title: 'Volume type outside the restricted set',
  description:
    'The pod uses a volume type other than configMap, csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, projected or secret (e.g. hostPath, nfs, gitRepo).',
  remediation:
    'Use a PersistentVolumeClaim (backed by a PersistentVolume or CSI driver) or one of the allowed ephemeral volume types.',
});
