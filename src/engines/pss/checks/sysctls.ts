import type { CheckFn, PssCheck } from '../types.js';
import { isRecord, list, podSCPath, podSecurityContext, str } from '../util.js';

const SAFE_1_0 = [
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_unprivileged_port_start',
];
const SAFE_1_27 = [...SAFE_1_0, 'net.ipv4.ip_local_reserved_ports'];
const SAFE_1_29 = [
  ...SAFE_1_27,
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
];
const SAFE_1_32 = [...SAFE_1_29, 'net.ipv4.tcp_rmem', 'net.ipv4.tcp_wmem'];
const SAFE_1_37 = [...SAFE_1_32, 'net.ipv4.tcp_slow_start_after_idle', 'net.ipv4.tcp_notsent_lowat'];

function sysctlsCheck(safe: ReadonlySet<string>): CheckFn {
  return (pod) => {
    const forbidden: string[] = [];
    const paths: string[] = [];
    list(podSecurityContext(pod), 'sysctls').forEach((s, i) => {
      const name = isRecord(s) ? str(s, 'name') : '';
      if (!safe.has(name)) {
        forbidden.push(name);
        paths.push(podSCPath(pod, 'sysctls', i, 'name'));
      }
    });
    if (forbidden.length === 0) return undefined;
    return { reason: 'forbidden sysctls', detail: forbidden.join(', '), paths };
  };
}

/** Sysctls outside the safe, namespaced set (baseline; the set grows at v1.27, v1.29, v1.32, v1.37). */
export const sysctls: PssCheck = {
  id: 'sysctls',
  level: 'baseline',
  title: 'Sysctls',
  versions: [
    { minVersion: 0, check: sysctlsCheck(new Set(SAFE_1_0)) },
    { minVersion: 27, check: sysctlsCheck(new Set(SAFE_1_27)) },
    { minVersion: 29, check: sysctlsCheck(new Set(SAFE_1_29)) },
    { minVersion: 32, check: sysctlsCheck(new Set(SAFE_1_32)) },
    { minVersion: 37, check: sysctlsCheck(new Set(SAFE_1_37)) },
  ],
};
