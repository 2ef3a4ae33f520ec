import { join } from '../../model/pointer.js';
import { workloadOf } from '../../model/workload.js';
import { defineFixer, type FixEdit } from '../fixer.js';
import { isRecord, securityContextOf } from './shared.js';

export const fixer = defineFixer({
  ruleId: 'pss-run-as-non-root',
  safety: 'review',
  summary:
    "sets the pod's securityContext.runAsNonRoot: true and turns a container's runAsNonRoot: false to true; an image whose user is root then fails to start, so check its USER first",
  edits(obj) {
    const w = workloadOf(obj);
    if (!w || w.podSpec.hostUsers === false) return [];
    const edits: FixEdit[] = [];
    const podSc = isRecord(w.podSpec.securityContext) ? w.podSpec.securityContext : {};
    if (podSc.runAsNonRoot !== true) {
      edits.push({ op: 'set', path: join(w.podSpecPath, 'securityContext', 'runAsNonRoot'), value: true });
    }
    for (const c of w.containers) {
      if (securityContextOf(c).runAsNonRoot === false) {
        edits.push({ op: 'set', path: join(c.path, 'securityContext', 'runAsNonRoot'), value: true });
      }
    }
    return edits;
  },
});
