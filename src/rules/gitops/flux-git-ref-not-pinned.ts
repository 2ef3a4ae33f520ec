import { defineRule } from '../rule.js';
import { describeFlux, fluxProductionConfigured, isFlux, isMap, sourceProductionReason, specOf, text } from './flux.js';
import { FLUX_GIT_REF, MITRE_T1195 } from './flux-refs.js';

/** Why a GitRepository's ref moves with every push, and where to point; undefined when it pins. */
export function movingRef(spec: Record<string, unknown>): { path: string; why: string } | undefined {
  const ref = spec.ref;
  if (ref === undefined || ref === null)
    return { path: '/spec', why: 'has no spec.ref, so it follows the branch master' };
  if (!isMap(ref)) return undefined;
  // Flux's precedence: commit, name, semver, tag, branch
  if (text(ref.commit)) return undefined;
  const name = text(ref.name);
  if (name) {
    if (/^refs\/tags\//.test(name)) return undefined;
    const branch = /^refs\/heads\/(.+)$/.exec(name)?.[1];
    return {
      path: '/spec/ref/name',
      why: branch ? `follows the branch "${branch}" (ref.name ${name})` : `follows "${name}", a ref that moves`,
    };
  }
  // a semver range is judged by flux-version-unbounded
  if (text(ref.semver) || text(ref.tag)) return undefined;
  const branch = text(ref.branch);
  return branch
    ? { path: '/spec/ref/branch', why: `follows the branch "${branch}"` }
    : { path: '/spec/ref', why: 'names no commit, tag or semver range in spec.ref, so it follows the branch master' };
}

export const rule = defineRule({
  id: 'flux-git-ref-not-pinned',
  title: 'Production GitRepository follows a branch',
  category: 'gitops',
  severity: 'medium',
  appliesTo: ['GitRepository'],
  needs: 'scope',
  needsConfig: true,
  description:
    "A GitRepository that feeds production follows a branch: `spec.ref.branch` alone, `ref.name: refs/heads/…` (or another moving ref such as a pull request's head), or no ref at all (Flux then follows `master`). Every push to that branch reaches production at the next interval, without a change to the GitRepository and without the review a promotion would get. It is production, as config says (`gitops.production`), when its own file or render root matches `paths`, or when a Kustomization, HelmRelease or HelmChart of the same scope that reads it (directly or through a HelmChart) is production: by `paths`, or by deploying into one of `namespaces` (a HelmRelease's target or own namespace, a Kustomization's `targetNamespace`). Pinned: `ref.commit`, `ref.tag`, `ref.name: refs/tags/…`; `ref.semver` is judged by flux-version-unbounded. Does nothing until `gitops.production` has `namespaces` or `paths`.",
  remediation:
    'Pin production to a tag (`ref.tag: v1.4.2`, `ref.semver` with an upper bound) or a commit, and promote by changing it in a reviewed commit; keep branch tracking for development clusters. A fleet repository that Flux itself is bootstrapped from tracks a branch by design: exempt it with a reason.',
  references: [FLUX_GIT_REF, MITRE_T1195],
  check(obj, ctx) {
    if (!fluxProductionConfigured(ctx.config) || !isFlux(obj, 'GitRepository')) return undefined;
    const spec = specOf(obj);
    if (!spec) return undefined;
    const moving = movingRef(spec);
    if (!moving) return undefined;
    const why = sourceProductionReason(obj, ctx.config, ctx.scope);
    if (!why) return undefined;
    return [{ path: moving.path, message: `${describeFlux(obj)} feeds production (${why}) but ${moving.why}` }];
  },
});
