import type { PssCheck } from '../types.js';
import { containerList, containerSCPath, securityContextOf } from '../util.js';

/** Privileged containers (baseline, v1.0+). */
export const privileged: PssCheck = {
  id: 'privileged',
  level: 'baseline',
  title: 'Privileged Containers',
  versions: [
    {
      minVersion: 0,
      check: (pod) => {
        const bad: string[] = [];
        const paths: string[] = [];
        for (const c of pod.containers) {
          if (securityContextOf(c)?.privileged === true) {
            bad.push(c.label);
            paths.push(containerSCPath(c, 'privileged'));
          }
        }
        if (bad.length === 0) return undefined;
        return {
          reason: 'privileged',
          detail: `${containerList(bad)} must not set securityContext.privileged=true`,
          paths,
        };
      },
    },
  ],
};
