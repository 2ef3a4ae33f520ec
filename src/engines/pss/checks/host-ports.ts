import { join } from '../../../model/pointer.js';
import type { PssCheck } from '../types.js';
import { containerList, isRecord, list, pluralize, sortedSet } from '../util.js';

/** Host ports (baseline, v1.0+). */
export const hostPorts: PssCheck = {
  id: 'hostPorts',
  level: 'baseline',
  title: 'Host Ports',
  versions: [
    {
      minVersion: 0,
      check: (pod) => {
        const bad: string[] = [];
        const ports: string[] = [];
        const paths: string[] = [];
        for (const c of pod.containers) {
          let valid = true;
          list(c.spec, 'ports').forEach((p, i) => {
            if (!isRecord(p)) return;
            const hp = p.hostPort;
            if (hp === undefined || hp === null || hp === 0 || hp === '0' || hp === '') return;
            valid = false;
            ports.push(String(hp));
            paths.push(join(c.path, 'ports', i, 'hostPort'));
          });
          if (!valid) bad.push(c.label);
        }
        if (bad.length === 0) return undefined;
        const unique = sortedSet(ports);
        return {
          reason: 'hostPort',
          detail: `${containerList(bad)} ${pluralize('uses', 'use', bad.length)} ${pluralize('hostPort', 'hostPorts', unique.length)} ${unique.join(', ')}`,
          paths,
        };
      },
    },
  ],
};
