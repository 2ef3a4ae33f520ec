import type { KubeObject } from '../../model/kube-object.js';
import type { Workload } from '../../model/workload.js';
import type { RuleContext } from '../rule.js';

/** The service account a pod runs as: serviceAccountName, the deprecated serviceAccount, or `default`. */
export function serviceAccountNameOf(w: Workload): string {
  for (const key of ['serviceAccountName', 'serviceAccount']) {
    const v = w.podSpec[key];
    if (typeof v === 'string' && v !== '') return v;
  }
  return 'default';
}

/**
 * The ServiceAccount objects of the scan's scope that a workload runs as. An
 * unset namespace counts as `default` on both sides, as it does when applied
 * to the default namespace.
 */
export function serviceAccountsOf(w: Workload, ctx: RuleContext): KubeObject[] {
  const byKey = ctx.memo('service-accounts-by-key', () => {
    const index = new Map<string, KubeObject[]>();
    for (const sa of ctx.scope.ofKind('ServiceAccount')) {
      const key = `${sa.namespace ?? 'default'}/${sa.name}`;
      const list = index.get(key);
      if (list) list.push(sa);
      else index.set(key, [sa]);
    }
    return index;
  });
  return byKey.get(`${w.object.namespace ?? 'default'}/${serviceAccountNameOf(w)}`) ?? [];
}
