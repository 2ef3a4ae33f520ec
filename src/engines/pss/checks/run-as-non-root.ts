import type { CheckFn, PssCheck } from '../types.js';
import {
  containerList,
  containerSCPath,
  inUserNamespace,
  podSCPath,
  podSecurityContext,
  securityContextOf,
} from '../util.js';

const runAsNonRootCheck: CheckFn = (pod) => {
  const setters: string[] = [];
  const paths: string[] = [];
  let podNonRoot = false;
  const podValue = podSecurityContext(pod)?.runAsNonRoot;
  if (podValue === false) {
    setters.push('pod');
    paths.push(podSCPath(pod, 'runAsNonRoot'));
  } else if (podValue === true) {
    podNonRoot = true;
  }
  const explicit: string[] = [];
  const implicit: string[] = [];
  const implicitPaths: string[] = [];
  for (const c of pod.containers) {
    const v = securityContextOf(c)?.runAsNonRoot;
    if (v === false) {
      explicit.push(c.label);
      paths.push(containerSCPath(c, 'runAsNonRoot'));
    } else if (v !== true && !podNonRoot) {
      implicit.push(c.label);
      implicitPaths.push(containerSCPath(c, 'runAsNonRoot'));
    }
  }
  if (explicit.length > 0) setters.push(containerList(explicit));
  if (setters.length > 0) {
    return {
      reason: 'runAsNonRoot != true',
      detail: `${setters.join(' and ')} must not set securityContext.runAsNonRoot=false`,
      paths,
    };
  }
  if (implicit.length === 0) return undefined;
  return {
    reason: 'runAsNonRoot != true',
    detail: `pod or ${containerList(implicit)} must set securityContext.runAsNonRoot=true`,
    paths: [podSCPath(pod, 'runAsNonRoot'), ...implicitPaths],
  };
};

/**
 * runAsNonRoot=true at pod level or on every container (restricted, v1.0+;
 * from v1.35 a pod in a user namespace, `hostUsers: false`, is exempt).
 */
export const runAsNonRoot: PssCheck = {
  id: 'runAsNonRoot',
  level: 'restricted',
  title: 'Running as Non-root',
  versions: [
    { minVersion: 0, check: runAsNonRootCheck },
    { minVersion: 35, check: (pod) => (inUserNamespace(pod) ? undefined : runAsNonRootCheck(pod)) },
  ],
};
