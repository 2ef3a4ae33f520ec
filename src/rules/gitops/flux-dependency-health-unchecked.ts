import type { KubeObject } from '../../model/kube-object.js';
import { defineRule } from '../rule.js';
import { describeFlux, isFlux, isMap, specOf, text } from './flux.js';
import { FLUX_HR_DEPENDENCIES, FLUX_KS_DEPENDENCIES, FLUX_KS_HEALTH, FLUX_KS_WAIT } from './flux-refs.js';

/** `dependsOn` entries of a Kustomization or HelmRelease, resolved in the dependent's namespace by default. */
export function dependenciesOf(obj: KubeObject): Array<{ name: string; namespace: string | undefined; index: number }> {
  const deps = specOf(obj)?.dependsOn;
  if (!Array.isArray(deps)) return [];
  const out: Array<{ name: string; namespace: string | undefined; index: number }> = [];
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
    const dependents = [
      ...new Set(
        ctx.scope
          .ofKind(obj.kind)
          .filter((o) => isFlux(o, obj.kind) && dependenciesOf(o).some((d) => names(d, obj)))
          .map((o) => `${o.namespace ?? ''}/${o.name}`)
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
