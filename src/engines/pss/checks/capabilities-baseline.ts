import type { PssCheck } from '../types.js';
import { containerList, containerSCPath, joinQuote, list, rec, securityContextOf, sortedSet } from '../util.js';

/** Capabilities a container may add at baseline: Docker's default set. */
export const BASELINE_CAPABILITIES: ReadonlySet<string> = new Set([
  'AUDIT_WRITE',
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'KILL',
  'MKNOD',
  'NET_BIND_SERVICE',
  'SETFCAP',
  'SETGID',
  'SETPCAP',
  'SETUID',
  'SYS_CHROOT',
]);

/** Adding capabilities beyond the default set (baseline, v1.0+). */
export const capabilitiesBaseline: PssCheck = {
  id: 'capabilities_baseline',
  level: 'baseline',
  title: 'Capabilities',
  versions: [
    {
      minVersion: 0,
      check: (pod) => {
        const bad: string[] = [];
        const caps: string[] = [];
        const paths: string[] = [];
        for (const c of pod.containers) {
          const add = list(rec(securityContextOf(c), 'capabilities'), 'add');
          let valid = true;
          add.forEach((cap, i) => {
            const name = String(cap);
            if (!BASELINE_CAPABILITIES.has(name)) {
              valid = false;
              caps.push(name);
              paths.push(containerSCPath(c, 'capabilities', 'add', i));
            }
          });
          if (!valid) bad.push(c.label);
        }
        if (bad.length === 0) return undefined;
        return {
          reason: 'non-default capabilities',
          detail: `${containerList(bad)} must not include ${joinQuote(sortedSet(caps))} in securityContext.capabilities.add`,
          paths,
        };
      },
    },
  ],
};
