import { join } from '../../../model/pointer.js';
import type { PssCheck } from '../types.js';
import { isRecord, joinQuote, list, pluralize, present, sortedSet, str } from '../util.js';

/** Volume sources restricted pods may use (the `image` source was added to the v1.0 check in Kubernetes 1.33). */
export const RESTRICTED_ALLOWED_VOLUMES: readonly string[] = [
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'image',
  'persistentVolumeClaim',
  'projected',
  'secret',
];

/** The other core volume sources, in the order the controller names them. */
export const RESTRICTED_VOLUME_TYPES: readonly string[] = [
  'hostPath',
  'gcePersistentDisk',
  'awsElasticBlockStore',
  'gitRepo',
  'nfs',
  'iscsi',
  'glusterfs',
  'rbd',
  'flexVolume',
  'cinder',
  'cephfs',
  'flocker',
  'fc',
  'azureFile',
  'vsphereVolume',
  'quobyte',
  'azureDisk',
  'photonPersistentDisk',
  'portworxVolume',
  'scaleIO',
  'storageos',
];

/** Only core, ephemeral and PersistentVolume-backed volume types (restricted, v1.0+; replaces `hostPathVolumes`). */
export const restrictedVolumes: PssCheck = {
  id: 'restrictedVolumes',
  level: 'restricted',
  title: 'Volume Types',
  versions: [
    {
      minVersion: 0,
      overrides: ['hostPathVolumes'],
      check: (pod) => {
        const names: string[] = [];
        const types: string[] = [];
        const paths: string[] = [];
        list(pod.spec, 'volumes').forEach((v, i) => {
          if (!isRecord(v)) return;
          if (RESTRICTED_ALLOWED_VOLUMES.some((k) => present(v, k))) return;
          const type = RESTRICTED_VOLUME_TYPES.find((k) => present(v, k));
          // A volume with no source is defaulted to emptyDir by the API server before admission.
          if (type === undefined) return;
          names.push(str(v, 'name'));
          types.push(type);
          paths.push(join(pod.specPath, 'volumes', i, type));
        });
        if (names.length === 0) return undefined;
        const unique = sortedSet(types);
        return {
          reason: 'restricted volume types',
          detail: `${pluralize('volume', 'volumes', names.length)} ${joinQuote(names)} ${pluralize('uses', 'use', names.length)} ${pluralize('restricted volume type', 'restricted volume types', unique.length)} ${joinQuote(unique)}`,
          paths,
        };
      },
    },
  ],
};
