import { join } from '../../../model/pointer.js';
import type { PssCheck } from '../types.js';
import { containerList, joinQuote, pluralize, rec, sortedSet, str } from '../util.js';

const PROBES = ['livenessProbe', 'readinessProbe', 'startupProbe'] as const;
const HANDLERS = ['postStart', 'preStop'] as const;
const ACTIONS = ['httpGet', 'tcpSocket'] as const;

/** A `host` on probes and lifecycle handlers (baseline, v1.34+). */
export const hostProbesAndHostLifecycle: PssCheck = {
  id: 'hostProbesAndHostLifecycle',
  level: 'baseline',
  title: 'Host Probes / Lifecycle Hooks',
  versions: [
    {
      minVersion: 34,
      check: (pod) => {
        const bad: string[] = [];
        const hosts: string[] = [];
        const paths: string[] = [];
        for (const c of pod.containers) {
          let found = false;
          const scan = (handler: Record<string, unknown> | undefined, at: string) => {
            for (const action of ACTIONS) {
              const host = str(rec(handler, action), 'host');
              if (host !== '') {
                found = true;
                hosts.push(host);
                paths.push(join(at, action, 'host'));
              }
            }
          };
          for (const probe of PROBES) scan(rec(c.spec, probe), join(c.path, probe));
          const lifecycle = rec(c.spec, 'lifecycle');
          for (const h of HANDLERS) scan(rec(lifecycle, h), join(c.path, 'lifecycle', h));
          if (found && !bad.includes(c.label)) bad.push(c.label);
        }
        if (bad.length === 0) return undefined;
        const containers = sortedSet(bad);
        const unique = sortedSet(hosts);
        return {
          reason: 'probe or lifecycle host',
          detail: `${containerList(containers)} ${pluralize('uses', 'use', containers.length)} ${pluralize('probe or lifecycle host', 'probe or lifecycle hosts', unique.length)} ${joinQuote(unique)}`,
          paths,
        };
      },
    },
  ],
};
