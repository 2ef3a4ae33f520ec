import type { Inventory } from '../../model/inventory.js';
import { defineRule, type RuleHit } from '../rule.js';
import { describeFlux, isFlux, refNamespace, resolveRef, SOURCE_KINDS, sourceRefsOf } from './flux.js';
import { FLUX_HR_CHART_TEMPLATE, FLUX_KUSTOMIZATIONS } from './flux-refs.js';

/** True when the scope declares sources of this kind itself (ExternalArtifacts come from ArtifactGenerators). */
function scopeDeclares(scope: Inventory, kind: string): boolean {
  const kinds = kind === 'ExternalArtifact' ? ['ExternalArtifact', 'ArtifactGenerator'] : [kind];
  return kinds.some((k) => scope.ofKind(k).some((o) => isFlux(o, k)));
}

export const rule = defineRule({
  id: 'flux-source-not-found',
  title: 'Flux source reference not found',
  category: 'gitops',
  severity: 'medium',
  appliesTo: ['Kustomization', 'HelmRelease', 'HelmChart', 'GitRepository'],
  needs: 'scope',
  description:
    "A Kustomization's `spec.sourceRef`, a HelmRelease's `spec.chart.spec.sourceRef` or `spec.chartRef`, a HelmChart's `spec.sourceRef` or a GitRepository's `spec.include[].repository` names a source (kind, name, and namespace: the reference's own, else the referrer's) that none of the scanned objects is, while the scope declares sources of that kind itself, so the repository is where they are defined. Flux then never reconciles the object (\"source not found\"), often after a rename or a typo. An ExternalArtifact counts as defined when an ArtifactGenerator lists it. References into other kinds, or from scopes that declare no source of that kind (the sources come from elsewhere: bootstrap, another repository), are not judged; a side whose namespace is not written matches any namespace.",
  remediation: 'Correct the name, kind or namespace of the reference, or add the missing source.',
  references: [FLUX_KUSTOMIZATIONS, FLUX_HR_CHART_TEMPLATE],
  check(obj, ctx) {
    if (!isFlux(obj)) return undefined;
    const hits: RuleHit[] = [];
    for (const ref of sourceRefsOf(obj)) {
      if (![...SOURCE_KINDS, 'ExternalArtifact'].includes(ref.kind)) continue;
      if (!scopeDeclares(ctx.scope, ref.kind)) continue;
      if (resolveRef(ref, obj, ctx.all).length > 0) continue;
      const ns = refNamespace(ref, obj);
      hits.push({
        path: `${ref.at}/name`,
        message: `${describeFlux(obj)} reads ${ref.kind} "${ref.name}"${ns ? ` in namespace "${ns}"` : ''} (${ref.label}), which is not among the scanned objects`,
      });
    }
    return hits;
  },
});
