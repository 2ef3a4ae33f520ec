import type { CheckFn, PssCheck } from '../types.js';
import {
  containerList,
  containerSCPath,
  isWindowsPod,
  joinQuote,
  list,
  rec,
  securityContextOf,
  sortedSet,
} from '../util.js';

const dropAllAddNetBind: CheckFn = (pod) => {
  const missingDrop: string[] = [];
  const adding: string[] = [];
  const caps: string[] = [];
  const paths: string[] = [];
  for (const c of pod.containers) {
    const capabilities = rec(securityContextOf(c), 'capabilities');
    if (!capabilities) {
      missingDrop.push(c.label);
      paths.push(containerSCPath(c, 'capabilities', 'drop'));
      continue;
    }
    if (!list(capabilities, 'drop').some((x) => x === 'ALL')) {
      missingDrop.push(c.label);
      paths.push(containerSCPath(c, 'capabilities', 'drop'));
    }
    let forbidden = false;
    list(capabilities, 'add').forEach((cap, i) => {
      if (cap !== 'NET_BIND_SERVICE') {
        forbidden = true;
        caps.push(String(cap));
        paths.push(containerSCPath(c, 'capabilities', 'add', i));
      }
    });
    if (forbidden) adding.push(c.label);
  }
  const details: string[] = [];
  if (missingDrop.length > 0) {
    details.push(`${containerList(missingDrop)} must set securityContext.capabilities.drop=["ALL"]`);
  }
  if (adding.length > 0) {
    details.push(
      `${containerList(adding)} must not include ${joinQuote(sortedSet(caps))} in securityContext.capabilities.add`,
    );
  }
  if (details.length === 0) return undefined;
  return { reason: 'unrestricted capabilities', detail: details.join('; '), paths };
};

/**
 * Containers must drop ALL and may add only NET_BIND_SERVICE (restricted,
 * v1.22+; Windows pods exempt from v1.25; replaces `capabilities_baseline`).
 */
export const capabilitiesRestricted: PssCheck = {
  id: 'capabilities_restricted',
  level: 'restricted',
  title: 'Capabilities (restricted)',
  versions: [
    { minVersion: 22, check: dropAllAddNetBind, overrides: ['capabilities_baseline'] },
    {
      minVersion: 25,
      check: (pod) => (isWindowsPod(pod) ? undefined : dropAllAddNetBind(pod)),
      overrides: ['capabilities_baseline'],
    },
  ],
};
