import { pssCheckRule } from './pss-check-rule.js';

export const rule = pssCheckRule({
  id: 'pss-restricted-volumes',
  check: 'restrictedVolumes',
  title: 'Volume type outside the restricted set',
  description:
    'The pod uses a volume type other than configMap, csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, projected or secret (e.g. hostPath, nfs, gitRepo).',
  remediation:
    'Use a PersistentVolumeClaim (backed by a PersistentVolume or CSI driver) or one of the allowed ephemeral volume types.',
});
