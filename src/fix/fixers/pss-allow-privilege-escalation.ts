import { join } from '../../model/pointer.js';
import { defineFixer, type FixEdit } from '../fixer.js';
import { isRecord, linuxWorkload, securityContextOf } from './shared.js';

export const fixer = defineFixer({
  ruleId: 'pss-allow-privilege-escalation',
  safety: 'safe',
  summary:
    'sets securityContext.allowPrivilegeEscalation: false on every container that does not, except privileged ones and those adding SYS_ADMIN (the API server refuses that pair; they need review)',
  edits(obj) {
    const w = linuxWorkload(obj);
    if (!w) return [];
    const edits: FixEdit[] = [];
    for (const c of w.containers) {
      const sc = securityContextOf(c);
      if (sc.allowPrivilegeEscalation === false) continue;
      // the API server refuses allowPrivilegeEscalation: false beside privileged or CAP_SYS_ADMIN
      if (sc.privileged === true || addsSysAdmin(sc.capabilities)) continue;
      edits.push({ op: 'set', path: join(c.path, 'securityContext', 'allowPrivilegeEscalation'), value: false });
    }
    return edits;
  },
});

function addsSysAdmin(caps: unknown): boolean {
  const add = isRecord(caps) ? caps.add : undefined;
  return Array.isArray(add) && add.some((a) => a === 'SYS_ADMIN' || a === 'CAP_SYS_ADMIN');
}
