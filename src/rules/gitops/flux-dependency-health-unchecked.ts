import type { Inventory } from '../../model/inventory.js';
import type { KubeObject } from '../../model/kube-object.js';
import { defineRule } from '../rule.js';
import { describeFlux, isFlux, isMap, specOf, text } from './flux.js';
import { FLUX_HR_DEPENDENCIES, FLUX_KS_DEPENDENCIES, FLUX_KS_HEALTH, FLUX_KS_WAIT } from './flux-refs.js';

/** `dependsOn` entries of a Kustomization or HelmRelease, resolved in the dependent's namespace by default. */
export function dependenciesOf(obj: KubeObject): Dependency[] {
  const deps = specOf(obj)?.dependsOn;
  if (!Array.isArray(deps)) return [];
  const out: Dependency[] = [];
  deps.forEach((d, index) => {
    if (!isMap(d)) return;
    const name = text(d.name);
    if (name) out.push({ name, namespace: text(d.namespace) ?? obj.namespace, index });
  });
  return out;
}

/** True when a dependency entry names `target`; a side whose namespace is not written matches any. */
export function names(dep: { name: string; namespace: string | undefined }, target: KubeObject): boolean {
  return (
    dep.name === target.name &&
    (dep.namespace === undefined || target.namespace === undefined || dep.namespace === target.namespace)
  );
}

type Dependency = { name: string; namespace: string | undefined; index: number };

/** The objects of a kind that name a dependency, by the name they name (built once per scope). */
function dependentsByName(scope: Inventory, kind: string): Map<string, Array<{ o: KubeObject; dep: Dependency }>> {
  const out = new Map<string, Array<{ o: KubeObject; dep: Dependency }>>();
  for (const o of scope.ofKind(kind)) {
    if (!isFlux(o, kind)) continue;
    for (const dep of dependenciesOf(o)) {
      const list = out.get(dep.name);
      if (list) list.push({ o, dep });
      else out.set(dep.name, [{ o, dep }]);
    }
  }
  return out;
}

/** Why Ready does not mean healthy for this object, or undefined when it does. */
function readyWithoutHealth(obj: KubeObject): { path: string; why: string } | undefined {
  const spec = specOf(obj);
  if (!spec) return undefined;
  if (obj.kind === 'Kustomization') {
    if (spec.wait === true) return undefined;
    if (Array.isArray(spec.healthChecks) && spec.healthChecks.length > 0) return undefined;
    return { path: '/spec', why: 'checks no health (no wait: true, no healthChecks)' };
  }
  // helm-controller waits for the release's resources unless told not to
  for (const action of ['install', 'upgrade'] as const) {
    const a = spec[action];
    if (isMap(a) && a.disableWait === true)
      return { path: `/spec/${action}/disableWait`, why: `does not wait for its resources on ${action} (disableWait)` };
  }
  return undefined;
}

export const rule = defineRule({
  id: 'flux-dependency-health-unchecked',
  title: 'Flux dependency is Ready before it is healthy',
  category: 'gitops',
  severity: 'low',
  appliesTo: ['Kustomization', 'HelmRelease'],
  needs: 'scope',
  description:
    "A Kustomization (or HelmRelease) that others name in `dependsOn` reports Ready before what it deploys is healthy: a Kustomization with neither `wait: true` nor `healthChecks` is Ready as soon as its manifests are applied, and a HelmRelease with `install.disableWait` or `upgrade.disableWait` as soon as Helm has sent them. `dependsOn` waits for Ready, so the dependents start while the CRDs' controllers, cert-manager issuers or databases they need are still coming up, and the order the repository declares is not the order that happens. Only dependencies named by another object of the same scope are reported; a Kustomization that nothing depends on may reasonably skip health checks.",
  remediation:
    'Set `wait: true` on the dependency (health of everything it applies; set `timeout` below the interval), or list what matters in `healthChecks`; for a HelmRelease drop `disableWait`.',
  references: [FLUX_KS_DEPENDENCIES, FLUX_KS_WAIT, FLUX_KS_HEALTH, FLUX_HR_DEPENDENCIES],
  check(obj, ctx) {
    if (!isFlux(obj, 'Kustomization') && !isFlux(obj, 'HelmRelease')) return undefined;
    const gap = readyWithoutHealth(obj);
    if (!gap) return undefined;
    const self = `${obj.namespace ?? ''}/${obj.name}`;
    const byName = ctx.memo(`flux-dependency-health-unchecked/${obj.kind}`, () =>
      dependentsByName(ctx.scope, obj.kind),
    );
    const dependents = [
      ...new Set(
        (byName.get(obj.name) ?? [])
          .filter(({ dep }) => names(dep, obj))
          .map(({ o }) => `${o.namespace ?? ''}/${o.name}`)
          .filter((k) => k !== self),
      ),
    ].sort();
    if (dependents.length === 0) return undefined;
    const who = dependents
      .slice(0, 3)
      .map((k) => `"${k.replace(/^\//, '')}"`)
      .join(', ');
    const more = dependents.length > 3 ? ` and ${dependents.length - 3} more` : '';
    return [
      {
        path: gap.path,
        message: `${describeFlux(obj)} ${gap.why}, yet ${obj.kind} ${who}${more} ${dependents.length === 1 ? 'depends on it: it starts' : 'depend on it: they start'} once it is applied, not once it is healthy`,
      },
    ];
  },
});
