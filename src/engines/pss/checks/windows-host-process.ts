import type { PssCheck } from '../types.js';
import { containerList, containerSCPath, podSCPath, podSecurityContext, rec, securityContextOf } from '../util.js';

/** Windows HostProcess containers (baseline, v1.0+). */
export const windowsHostProcess: PssCheck = {
  id: 'windowsHostProcess',
  level: 'baseline',
  title: 'HostProcess',
  versions: [
    {
      minVersion: 0,
      check: (pod) => {
        const setters: string[] = [];
        const paths: string[] = [];
        if (rec(podSecurityContext(pod), 'windowsOptions')?.hostProcess === true) {
          setters.push('pod');
          paths.push(podSCPath(pod, 'windowsOptions', 'hostProcess'));
        }
        const bad: string[] = [];
        for (const c of pod.containers) {
          if (rec(securityContextOf(c), 'windowsOptions')?.hostProcess === true) {
            bad.push(c.label);
            paths.push(containerSCPath(c, 'windowsOptions', 'hostProcess'));
          }
        }
        if (bad.length > 0) setters.push(containerList(bad));
        if (setters.length === 0) return undefined;
        return {
          reason: 'hostProcess',
          detail: `${setters.join(' and ')} must not set securityContext.windowsOptions.hostProcess=true`,
          paths,
        };
      },
    },
  ],
};
