import { join } from '../../model/pointer.js';
import { workloadOf } from '../../model/workload.js';
import { defineFixer } from '../fixer.js';

export const fixer = defineFixer({
  ruleId: 'token-mounted-without-permissions',
  safety: 'safe',
  summary:
    "sets automountServiceAccountToken: false in the pod spec (the account has no permissions beyond every account's defaults, so nothing the pod could do with the token is lost)",
  edits(obj) {
    const w = workloadOf(obj);
    if (!w) return [];
    return [{ op: 'set', path: join(w.podSpecPath, 'automountServiceAccountToken'), value: false }];
  },
});
