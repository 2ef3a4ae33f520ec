import { join } from '../../model/pointer.js';
import { defineFixer, type FixEdit } from '../fixer.js';
import { isRecord, linuxWorkload, securityContextOf } from './shared.js';

export const fixer = defineFixer({
  ruleId: 'pss-capabilities-restricted',
  safety: 'safe',
  summary:
    'sets securityContext.capabilities.drop: [ALL] on every container that does not drop ALL; capabilities.add is kept (a workload that adds more than NET_BIND_SERVICE still needs review)',
  edits(obj) {
    const w = linuxWorkload(obj);
    if (!w) return [];
    const edits: FixEdit[] = [];
    for (const c of w.containers) {
      const caps = securityContextOf(c).capabilities;
      const drop = isRecord(caps) ? caps.drop : undefined;
      if (Array.isArray(drop) && drop.includes('ALL')) continue;
      // ALL covers whatever else was dropped
      edits.push({ op: 'set', path: join(c.path, 'securityContext', 'capabilities', 'drop'), value: ['ALL'] });
    }
    return edits;
  },
});
