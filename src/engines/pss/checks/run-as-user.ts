import type { CheckFn, PssCheck } from '../types.js';
import {
  containerList,
  containerSCPath,
  inUserNamespace,
  podSCPath,
  podSecurityContext,
  securityContextOf,
} from '../util.js';

/** `runAsUser: 0` as written (a number, or an integer-valued string that YAML kept as text). */
function isRoot(v: unknown): boolean {
  return v === 0 || v === '0';
}

const runAsUserCheck: CheckFn = (pod) => {
  const setters: string[] = [];
  const paths: string[] = [];
  if (isRoot(podSecurityContext(pod)?.runAsUser)) {
    setters.push('pod');
    paths.push(podSCPath(pod, 'runAsUser'));
  }
  const bad: string[] = [];
  for (const c of pod.containers) {
    if (isRoot(securityContextOf(c)?.runAsUser)) {
      bad.push(c.label);
      paths.push(containerSCPath(c, 'runAsUser'));
    }
  }
  if (bad.length > 0) setters.push(containerList(bad));
  if (setters.length === 0) return undefined;
  return { reason: 'runAsUser=0', detail: `${setters.join(' and ')} must not set runAsUser=0`, paths };
};

/** runAsUser must not be 0 (restricted, v1.23+; from v1.35 a pod with `hostUsers: false` is exempt). */
export const runAsUser: PssCheck = {
  id: 'runAsUser',
  level: 'restricted',
  title: 'Running as Non-root user',
  versions: [
    { minVersion: 23, check: runAsUserCheck },
    { minVersion: 35, check: (pod) => (inUserNamespace(pod) ? undefined : runAsUserCheck(pod)) },
  ],
};
