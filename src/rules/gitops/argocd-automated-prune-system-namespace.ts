import { defineRule } from '../rule.js';
import { appSpecOf, describeApp, destinationOf, isArgo, isMap, isTemplated, projectOf } from './argo-app.js';
import { ARGO_AUTO_SYNC, ARGO_PROJECTS, ARGO_SECURITY } from './argo-refs.js';

/** Namespaces whose objects keep the cluster or Argo CD itself running. */
const SYSTEM_NAMESPACES = new Set(['kube-system', 'argocd', 'openshift-gitops']);

export const rule = defineRule({
  id: 'argocd-automated-prune-system-namespace',
  title: "Automated sync with prune into kube-system or Argo CD's namespace",
  category: 'gitops',
  severity: 'high',
  appliesTo: ['Application', 'ApplicationSet'],
  needs: 'scope',
  description:
    "An Application (or an ApplicationSet's template) syncs automatically with `prune: true` into `kube-system` or Argo CD's own namespace (`argocd`, or `openshift-gitops`), from a project that was not made for it. Every commit to its source is then applied there without review, and every object that disappears from the source (a bad merge, a wrong path, an emptied directory) is deleted: DNS, the CNI, kube-proxy, or Argo CD's own configuration and RBAC, which whoever controls the source can also rewrite. A project made for it is one in the same scope that names the namespace in its destinations literally (not through `*`): an administrators' project; such Applications are not reported. When the project is not in the scope it cannot be judged and the Application is reported. `automated.enabled: false` turns automation off and is not reported.",
  remediation:
    "Give system components their own administrators' AppProject that lists `kube-system` (or Argo CD's namespace) explicitly and restrict who can change it; or drop `prune: true` (prune by hand after review) or automated sync for these Applications.",
  references: [ARGO_AUTO_SYNC, ARGO_PROJECTS, ARGO_SECURITY],
  check(obj, ctx) {
    const app = appSpecOf(obj);
    if (!app) return undefined;
    const sp = app.spec.syncPolicy;
    const auto = isMap(sp) ? sp.automated : undefined;
    if (!isMap(auto) || auto.enabled === false || auto.prune !== true) return undefined;
    const ns = destinationOf(app)?.namespace;
    if (!ns || isTemplated(ns) || !SYSTEM_NAMESPACES.has(ns)) return undefined;
    const project = projectOf(app);
    if (!project || isTemplated(project.name)) return undefined;
    const projects = ctx.scope.ofKind('AppProject').filter((p) => isArgo(p) && p.name === project.name);
    const madeForIt = projects.some((p) => {
      const spec = p.raw.spec;
      return (
        isMap(spec) && Array.isArray(spec.destinations) && spec.destinations.some((d) => isMap(d) && d.namespace === ns)
      );
    });
    if (madeForIt) return undefined;
    const whose =
      projects.length > 0
        ? `project "${project.name}", which does not name ${ns} in its destinations`
        : project.name === 'default'
          ? 'the default project'
          : `project "${project.name}" (not in this scope)`;
    return [
      {
        path: `${app.at}/syncPolicy/automated/prune`,
        message: `${describeApp(obj, app)} syncs automatically with prune into ${ns} from ${whose}: a commit to its source can delete or rewrite system objects there`,
      },
    ];
  },
});
