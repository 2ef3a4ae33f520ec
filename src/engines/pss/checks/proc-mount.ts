import type { CheckFn, PssCheck } from '../types.js';
import { containerList, containerSCPath, inUserNamespace, joinQuote, securityContextOf, sortedSet } from '../util.js';

/** Any `procMount` other than `Default` is forbidden (the restricted rule, and baseline before v1.35). */
export const procMountDefaultOnly: CheckFn = (pod) => {
  const bad: string[] = [];
  const types: string[] = [];
  const paths: string[] = [];
  for (const c of pod.containers) {
    const sc = securityContextOf(c);
    const pm = sc?.procMount;
    if (pm === undefined || pm === null) continue;
    if (pm !== 'Default') {
      bad.push(c.label);
      types.push(String(pm));
      paths.push(containerSCPath(c, 'procMount'));
    }
  }
  if (bad.length === 0) return undefined;
  return {
    reason: 'procMount',
    detail: `${containerList(bad)} must not set securityContext.procMount to ${joinQuote(sortedSet(types))}`,
    paths,
  };
};

/**
 * Unmasked /proc (baseline). From v1.35 a pod in a user namespace
 * (`hostUsers: false`) may set any procMount at baseline.
 */
export const procMount: PssCheck = {
  id: 'procMount',
  level: 'baseline',
  title: '/proc Mount Type',
  versions: [
    { minVersion: 0, check: procMountDefaultOnly },
    { minVersion: 35, check: (pod) => (inUserNamespace(pod) ? undefined : procMountDefaultOnly(pod)) },
  ],
};

/** Unmasked /proc at restricted, user namespace or not (restricted, v1.35+; replaces `procMount`). */
export const procMountRestricted: PssCheck = {
  id: 'procMount_restricted',
  level: 'restricted',
  title: '/proc Mount Type (restricted)',
  versions: [{ minVersion: 35, check: procMountDefaultOnly, overrides: ['procMount'] }],
};
