import { annotationsOf } from '../../model/kube-object.js';
import { join } from '../../model/pointer.js';
import { defineRule, type RuleHit } from '../rule.js';
import { appSpecOf, describeApp, isArgo, isMap } from './argo-app.js';
import { ARGO_SYNC_OPTIONS } from './argo-refs.js';

export const SYNC_OPTIONS_ANNOTATION = 'argocd.argoproj.io/sync-options';

/** The options of the annotation, as gitops-engine reads them: comma-separated, blanks dropped, case ignored. */
function annotationOptions(value: string): Set<string> {
  return new Set(
    value
      .split(',')
      .map((o) => o.replace(/\s+/g, '').toLowerCase())
      .filter((o) => o !== ''),
  );
}

/** Kinds that run to completion: recreating them each sync is how hooks and one-off Jobs are meant to work. */
const RUN_ONCE = new Set(['Job', 'Pod']);

export const rule = defineRule({
  id: 'argocd-sync-replace-force',
  title: 'Argo CD syncs by replacing or force-recreating resources',
  category: 'gitops',
  severity: 'medium',
  appliesTo: '*',
  needs: 'object',
  description:
    "Argo CD is told to sync destructively: `Replace=true` in an Application's (or ApplicationSet template's) `spec.syncPolicy.syncOptions` makes every resource of the application go through `kubectl replace`/`create` instead of apply; the annotation `argocd.argoproj.io/sync-options` with `Replace=true` does it for one resource, and with `Force=true` deletes and recreates the resource when it cannot be patched (with both, on every sync); an Application's `operation.sync.syncStrategy` with `force: true` does the same for the sync it starts. Replacing drops fields other controllers set (replicas an autoscaler chose, injected sidecars) and recreating a resource restarts its pods, drops a Service's IP or a PVC's data binding: Argo CD's documentation warns that these options can cause an outage. `Force=true` in the Application's `syncOptions` has no effect (Argo CD reads Force from a resource's annotation or a sync operation only) and is reported at low. Jobs and Pods recreated on each sync, the documented use, are low too.",
  remediation:
    'Remove the option and let Argo CD apply (server-side apply, `ServerSideApply=true`, handles large objects); when a field is immutable, change it in a reviewed one-off sync with `argocd app sync --replace` or `--force` rather than on every sync.',
  references: [ARGO_SYNC_OPTIONS],
  check(obj) {
    const hits: RuleHit[] = [];
    const ann = annotationsOf(obj.raw)[SYNC_OPTIONS_ANNOTATION];
    if (ann !== undefined) {
      const opts = annotationOptions(ann);
      const replace = opts.has('replace=true');
      const force = opts.has('force=true');
      if (replace || force)
        hits.push({
          path: join('/metadata/annotations', SYNC_OPTIONS_ANNOTATION),
          severity: RUN_ONCE.has(obj.kind) ? 'low' : undefined,
          message: `${obj.kind} "${obj.name}" asks Argo CD to ${
            replace && force
              ? 'delete and recreate it on every sync (Force=true,Replace=true)'
              : replace
                ? 'replace it instead of applying (Replace=true), dropping fields others set'
                : 'delete and recreate it when it cannot be patched (Force=true)'
          }`,
        });
    }
    const app = appSpecOf(obj);
    if (app) {
      const sp = app.spec.syncPolicy;
      const list = isMap(sp) && Array.isArray(sp.syncOptions) ? sp.syncOptions : [];
      list.forEach((o, i) => {
        if (typeof o !== 'string') return;
        const path = join(app.at, 'syncPolicy', 'syncOptions', i);
        if (o === 'Replace=true')
          hits.push({
            path,
            message: `${describeApp(obj, app)} syncs every resource with kubectl replace/create instead of apply (Replace=true)`,
          });
        else if (o.replace(/\s+/g, '').toLowerCase() === 'force=true')
          hits.push({
            path,
            severity: 'low',
            message: `${describeApp(obj, app)} lists "${o}" in syncOptions, where Argo CD ignores it: Force is read from a resource's ${SYNC_OPTIONS_ANNOTATION} annotation or a sync operation`,
          });
      });
    }
    if (obj.kind === 'Application' && isArgo(obj)) {
      const op = obj.raw.operation;
      const strategy = isMap(op) && isMap(op.sync) && isMap(op.sync.syncStrategy) ? op.sync.syncStrategy : undefined;
      for (const k of ['apply', 'hook'])
        if (strategy && isMap(strategy[k]) && (strategy[k] as Record<string, unknown>).force === true)
          hits.push({
            path: join('/operation/sync/syncStrategy', k, 'force'),
            message: `Application "${obj.name}" starts a sync that deletes and recreates resources it cannot patch (operation.sync.syncStrategy.${k}.force)`,
          });
    }
    return hits;
  },
});
