import { join } from '../../model/pointer.js';
import { defineFixer, type FixEdit } from '../fixer.js';
import { isRecord, linuxWorkload, securityContextOf } from './shared.js';

function valid(profile: unknown): boolean {
  return isRecord(profile) && (profile.type === 'RuntimeDefault' || profile.type === 'Localhost');
}

export const fixer = defineFixer({
  ruleId: 'pss-seccomp-profile-restricted',
  safety: 'safe',
  summary:
    "sets the pod's securityContext.seccompProfile.type: RuntimeDefault, and a container's own profile when it names an unconfined one",
  edits(obj) {
    const w = linuxWorkload(obj);
    if (!w) return [];
    const edits: FixEdit[] = [];
    const podSc = isRecord(w.podSpec.securityContext) ? w.podSpec.securityContext : {};
    if (!valid(podSc.seccompProfile)) {
      edits.push({
        op: 'set',
        path: join(w.podSpecPath, 'securityContext', 'seccompProfile', 'type'),
        value: 'RuntimeDefault',
      });
    }
    for (const c of w.containers) {
      const own = securityContextOf(c).seccompProfile;
      if (own === undefined || own === null || valid(own)) continue;
      edits.push({
        op: 'set',
        path: join(c.path, 'securityContext', 'seccompProfile', 'type'),
        value: 'RuntimeDefault',
      });
    }
    return edits;
  },
});
