import { defineRule } from '../rule.js';
import { describeFlux, isFlux, sourceUrlOf, urlGlobMatches } from './flux.js';
import { FLUX_SECURITY, MITRE_T1195 } from './flux-refs.js';

const KINDS = ['GitRepository', 'OCIRepository', 'HelmRepository', 'Bucket', 'ImageRepository'];

export const rule = defineRule({
  id: 'flux-source-not-allowed',
  title: 'Flux source outside the allowed locations',
  category: 'gitops',
  severity: 'high',
  appliesTo: KINDS,
  needs: 'object',
  needsConfig: true,
  description:
    "A Flux source points somewhere `gitops.allowedSources` does not allow: a GitRepository's, OCIRepository's or HelmRepository's `spec.url`, a Bucket's `spec.endpoint`, or an image automation ImageRepository's `spec.image` matches none of its globs (`*` is any run of characters, `/` included; `?` one character). By default a Flux source can point anywhere, so a tenant (or a compromised commit) can make the cluster pull manifests, charts and images from a place nobody vetted. The globs are matched against the value as written, so list each spelling an organisation uses (`https://github.com/acme/*`, `ssh://git@github.com/acme/*`). Does nothing until `gitops.allowedSources` is set; the platform's own namespace can be exempted by namespace in `exemptions`.",
  remediation:
    'Mirror the repository, chart or artifact into an allowed location and point the source there, or, after review, add its location to `gitops.allowedSources`.',
  references: [FLUX_SECURITY, MITRE_T1195],
  check(obj, ctx) {
    const allowed = ctx.config.gitops?.allowedSources;
    if (!allowed || !KINDS.includes(obj.kind) || !isFlux(obj)) return undefined;
    const src = sourceUrlOf(obj);
    if (!src || allowed.some((g) => urlGlobMatches(g, src.url))) return undefined;
    return [
      {
        path: src.path,
        message: `${describeFlux(obj)} reads from "${src.url.trim()}", which gitops.allowedSources does not allow`,
      },
    ];
  },
});
