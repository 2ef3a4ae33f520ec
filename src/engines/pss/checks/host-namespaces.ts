import { join } from '../../../model/pointer.js';
import type { PssCheck } from '../types.js';

/** Sharing the host's network, PID or IPC namespace (baseline, v1.0+). */
export const hostNamespaces: PssCheck = {
  id: 'hostNamespaces',
  level: 'baseline',
  title: 'Host Namespaces',
  versions: [
    {
      minVersion: 0,
      check: (pod) => {
        const set: string[] = [];
        const paths: string[] = [];
        for (const field of ['hostNetwork', 'hostPID', 'hostIPC'] as const) {
          if (pod.spec[field] === true) {
            set.push(`${field}=true`);
            paths.push(join(pod.specPath, field));
          }
        }
        if (set.length === 0) return undefined;
        return { reason: 'host namespaces', detail: set.sort().join(', '), paths };
      },
    },
  ],
};
