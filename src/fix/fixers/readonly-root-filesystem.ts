import { join } from '../../model/pointer.js';
import { defineFixer, type FixEdit } from '../fixer.js';
import { isRecord, linuxWorkload, securityContextOf } from './shared.js';

/** Enough for the temporary files of most programs; the kubelet evicts the pod beyond it. */
const TMP_SIZE_LIMIT = '1Gi';

export const fixer = defineFixer({
  ruleId: 'readonly-root-filesystem',
  safety: 'review',
  summary:
    'sets securityContext.readOnlyRootFilesystem: true on every container that does not, and mounts an emptyDir (sizeLimit 1Gi) at /tmp in each one that has nothing mounted there; a program that writes elsewhere outside its volumes (caches, logs) then fails',
  edits(obj) {
    const w = linuxWorkload(obj);
    if (!w) return [];
    const edits: FixEdit[] = [];
    const volumes = Array.isArray(w.podSpec.volumes) ? w.podSpec.volumes.filter(isRecord) : [];
    const names = new Set(volumes.map((v) => v.name));
    const volume = ['tmp', 'kubeprint-tmp', 'tmp-emptydir'].find((n) => !names.has(n));
    let mounted = false;
    for (const c of w.containers) {
      if (securityContextOf(c).readOnlyRootFilesystem === true) continue;
      edits.push({ op: 'set', path: join(c.path, 'securityContext', 'readOnlyRootFilesystem'), value: true });
      // ephemeral containers may not mount volumes the pod did not have at creation
      if (c.kind === 'ephemeralContainers' || volume === undefined) continue;
      const mounts = c.spec.volumeMounts;
      if (mounts !== undefined && !Array.isArray(mounts)) continue;
      if ((mounts ?? []).some((m) => isRecord(m) && (m.mountPath === '/tmp' || m.mountPath === '/tmp/'))) continue;
      const mount = { name: volume, mountPath: '/tmp' };
      edits.push(
        Array.isArray(mounts)
          ? { op: 'set', path: join(c.path, 'volumeMounts', '-'), value: mount }
          : { op: 'set', path: join(c.path, 'volumeMounts'), value: [mount] },
      );
      mounted = true;
    }
    if (mounted) {
      // a limit, so that the new volume does not become an unbounded one (emptydir-size-limit-missing)
      const v = { name: volume, emptyDir: { sizeLimit: TMP_SIZE_LIMIT } };
      edits.push(
        Array.isArray(w.podSpec.volumes)
          ? { op: 'set', path: join(w.podSpecPath, 'volumes', '-'), value: v }
          : { op: 'set', path: join(w.podSpecPath, 'volumes'), value: [v] },
      );
    }
    return edits;
  },
});
