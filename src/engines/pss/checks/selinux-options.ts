import type { CheckFn, PssCheck } from '../types.js';
import {
  containerList,
  containerSCPath,
  joinQuote,
  pluralize,
  podSCPath,
  podSecurityContext,
  rec,
  securityContextOf,
  sortedSet,
  str,
} from '../util.js';

const TYPES_1_0 = ['', 'container_t', 'container_init_t', 'container_kvm_t'];
const TYPES_1_31 = [...TYPES_1_0, 'container_engine_t'];

function seLinuxCheck(allowedTypes: ReadonlySet<string>): CheckFn {
  return (pod) => {
    const badTypes: string[] = [];
    let setUser = false;
    let setRole = false;
    const paths: string[] = [];
    const valid = (opts: Record<string, unknown>, at: (...s: string[]) => string): boolean => {
      let ok = true;
      const type = str(opts, 'type');
      if (!allowedTypes.has(type)) {
        ok = false;
        badTypes.push(type);
        paths.push(at('type'));
      }
      if (str(opts, 'user') !== '') {
        ok = false;
        setUser = true;
        paths.push(at('user'));
      }
      if (str(opts, 'role') !== '') {
        ok = false;
        setRole = true;
        paths.push(at('role'));
      }
      return ok;
    };
    const setters: string[] = [];
    const podOpts = rec(podSecurityContext(pod), 'seLinuxOptions');
    if (podOpts && !valid(podOpts, (...s) => podSCPath(pod, 'seLinuxOptions', ...s))) setters.push('pod');
    const bad: string[] = [];
    for (const c of pod.containers) {
      const opts = rec(securityContextOf(c), 'seLinuxOptions');
      if (opts && !valid(opts, (...s) => containerSCPath(c, 'seLinuxOptions', ...s))) bad.push(c.label);
    }
    if (bad.length > 0) setters.push(containerList(bad));
    if (setters.length === 0) return undefined;
    const data: string[] = [];
    const types = sortedSet(badTypes);
    if (types.length > 0) data.push(`${pluralize('type', 'types', types.length)} ${joinQuote(types)}`);
    if (setUser) data.push('user may not be set');
    if (setRole) data.push('role may not be set');
    return {
      reason: 'seLinuxOptions',
      detail: `${setters.join(' and ')} set forbidden securityContext.seLinuxOptions: ${data.join('; ')}`,
      paths,
    };
  };
}

/** Custom SELinux types, users and roles (baseline, v1.0+; `container_engine_t` allowed from v1.31). */
export const seLinuxOptions: PssCheck = {
  id: 'seLinuxOptions',
  level: 'baseline',
  title: 'SELinux',
  versions: [
    { minVersion: 0, check: seLinuxCheck(new Set(TYPES_1_0)) },
    { minVersion: 31, check: seLinuxCheck(new Set(TYPES_1_31)) },
  ],
};
