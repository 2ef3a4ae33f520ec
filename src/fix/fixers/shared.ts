import type { KubeObject } from '../../model/kube-object.js';
import { type ContainerView, type Workload, workloadOf } from '../../model/workload.js';

export function isRecord(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

/** The workload view, unless its pods run Windows (where the Linux-only fields do not apply). */
export function linuxWorkload(obj: KubeObject): Workload | undefined {
  const w = workloadOf(obj);
  if (!w) return undefined;
  const os = w.podSpec.os;
  if (isRecord(os) && os.name === 'windows') return undefined;
  return w;
}

/** A container's securityContext as a record (empty when absent or not a map). */
export function securityContextOf(c: ContainerView): Record<string, unknown> {
  return isRecord(c.spec.securityContext) ? c.spec.securityContext : {};
}
