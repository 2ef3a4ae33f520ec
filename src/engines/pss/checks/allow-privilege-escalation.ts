import type { CheckFn, PssCheck } from '../types.js';
import { containerList, containerSCPath, isWindowsPod, securityContextOf } from '../util.js';

const mustBeFalse: CheckFn = (pod) => {
  const bad: string[] = [];
  const paths: string[] = [];
  for (const c of pod.containers) {
    if (securityContextOf(c)?.allowPrivilegeEscalation !== false) {
      bad.push(c.label);
      paths.push(containerSCPath(c, 'allowPrivilegeEscalation'));
    }
  }
  if (bad.length === 0) return undefined;
  return {
    reason: 'allowPrivilegeEscalation != false',
    detail: `${containerList(bad)} must set securityContext.allowPrivilegeEscalation=false`,
    paths,
  };
};

/** Every container must set allowPrivilegeEscalation=false (restricted, v1.8+; Windows pods exempt from v1.25). */
export const allowPrivilegeEscalation: PssCheck = {
  id: 'allowPrivilegeEscalation',
  level: 'restricted',
  title: 'Privilege Escalation',
  versions: [
    { minVersion: 8, check: mustBeFalse },
    { minVersion: 25, check: (pod) => (isWindowsPod(pod) ? undefined : mustBeFalse(pod)) },
  ],
};
