import { join } from '../../../model/pointer.js';
import type { PssCheck } from '../types.js';
import { isRecord, joinQuote, list, pluralize, present, str } from '../util.js';

/** hostPath volumes (baseline, v1.0+). */
export const hostPathVolumes: PssCheck = {
  id: 'hostPathVolumes',
  level: 'baseline',
  title: 'HostPath Volumes',
  versions: [
    {
      minVersion: 0,
      check: (pod) => {
        const names: string[] = [];
        const paths: string[] = [];
        list(pod.spec, 'volumes').forEach((v, i) => {
          if (isRecord(v) && present(v, 'hostPath')) {
            names.push(str(v, 'name'));
            paths.push(join(pod.specPath, 'volumes', i, 'hostPath'));
          }
        });
        if (names.length === 0) return undefined;
        return {
          reason: 'hostPath volumes',
          detail: `${pluralize('volume', 'volumes', names.length)} ${joinQuote(names)}`,
          paths,
        };
      },
    },
  ],
};
