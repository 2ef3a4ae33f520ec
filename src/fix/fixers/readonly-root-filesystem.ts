import { join } from '../../model/pointer.js';
import { defineFixer, type FixEdit } from '../fixer.js';
import { linuxWorkload, securityContextOf } from './shared.js';

export const fixer = defineFixer({
  ruleId: 'readonly-root-filesystem',
  safety: 'review',
  summary:
    'sets securityContext.readOnlyRootFilesystem: true on every container that does not; a program that writes outside its volumes (/tmp, caches) then fails, so mount an emptyDir where it writes',
  edits(obj) {
    const w = linuxWorkload(obj);
    if (!w) return [];
    const edits: FixEdit[] = [];
    for (const c of w.containers) {
      if (securityContextOf(c).readOnlyRootFilesystem === true) continue;
      edits.push({ op: 'set', path: join(c.path, 'securityContext', 'readOnlyRootFilesystem'), value: true });
    }
    return edits;
  },
});
