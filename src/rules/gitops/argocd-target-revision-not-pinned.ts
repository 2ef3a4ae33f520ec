import { join } from '../../model/pointer.js';
import { defineRule, type RuleHit } from '../rule.js';
import {
  appSpecOf,
  describeApp,
  destinationOf,
  isTemplated,
  productionConfigured,
  productionReason,
  sourcesOf,
} from './argo-app.js';
import { ARGO_BEST_PRACTICES, ARGO_TRACKING, MITRE_T1195 } from './argo-refs.js';

/** An exact version: `1.2.3`, `v1.2.3-rc.1`, `1.2.3+build`. */
const EXACT_VERSION = /^v?\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;
/** A tag by its shape: an exact version, alone or after a prefix (`app-v1.2.3`, `release/1.2.3`, `chart@1.2.3`). */
const VERSION_TAG = /(?:^|[-_/@])v?\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;
/** A commit: 7 to 40 hex digits (SHA-1, truncated as Argo CD accepts) or a 64-digit SHA-256. */
const COMMIT = /^(?:[0-9a-f]{7,40}|[0-9a-f]{64})$/i;
/** Semantic-version constraints, which Argo CD resolves to the newest matching tag or chart. */
const CONSTRAINT = /[*^~<>=|xX]|\s-\s|^\d+(?:\.\d+)?$/;

/** Why a revision does not pin what is deployed, or undefined when it does. */
export function unpinnedReason(revision: string | undefined, kind: 'git' | 'helm' | 'oci'): string | undefined {
  const r = (revision ?? '').trim();
  if (kind === 'helm') {
    if (r === '' || r === '*') return 'no chart version, so the newest chart is deployed';
    if (EXACT_VERSION.test(r)) return undefined;
    return CONSTRAINT.test(r) ? `the chart version range "${r}" floats to the newest match` : undefined;
  }
  if (kind === 'oci') {
    if (/^sha256:[0-9a-f]{64}$/i.test(r) || r.includes('@sha256:')) return undefined;
    if (r === '' || r === 'latest') return r === '' ? 'no tag, so "latest" is deployed' : 'the tag "latest" moves';
    if (EXACT_VERSION.test(r) || VERSION_TAG.test(r)) return undefined;
    return CONSTRAINT.test(r) ? `the version range "${r}" floats to the newest match` : undefined;
  }
  if (r === '' || r === 'HEAD') return `${r === '' ? 'no revision' : '"HEAD"'} follows the repository's default branch`;
  if (COMMIT.test(r)) return undefined;
  if (/^refs\/tags\//.test(r)) return undefined;
  if (/^refs\/heads\//.test(r)) return `"${r}" is a branch`;
  if (EXACT_VERSION.test(r) || VERSION_TAG.test(r)) return undefined;
  if (/[*^~<>=|]/.test(r)) return `the tag constraint "${r}" floats to the newest matching tag`;
  return `"${r}" is a branch name, or another ref that moves`;
}

export const rule = defineRule({
  id: 'argocd-target-revision-not-pinned',
  title: 'Production Application tracks a moving revision',
  category: 'gitops',
  severity: 'medium',
  appliesTo: ['Application', 'ApplicationSet'],
  needs: 'object',
  needsConfig: true,
  description:
    "An Application (or an ApplicationSet's template) that deploys to production, as config says (`gitops.production`: destination namespaces or clusters), has a source whose `targetRevision` does not pin what is deployed: empty or `HEAD` (the default branch), a branch name (`main`, `release/2.x`), a tag constraint (`>=1.2.0`, `1.2.*`); for a Helm chart, no version, `*` or a version range; for an OCI artifact, no tag or `latest`. Every push to that branch, or every newer chart, then goes to production without a change to the Application, and a rollback is a revert race. Pinned: a commit SHA (7 to 40 hex digits, or 64), a tag shaped like a version (`v1.4.2`, `app-1.4.2`, `refs/tags/…`), an exact chart version, an OCI digest. A branch and a tag look alike; a ref that is not shaped like a version is taken for a branch, so name release tags with their version. Templated revisions are not judged. Does nothing until `gitops.production` is configured.",
  remediation:
    'Pin production to a tag or commit and promote by changing `targetRevision` in a reviewed commit (Argo CD Image Updater or Renovate can open those); keep branch tracking for development environments.',
  references: [ARGO_TRACKING, ARGO_BEST_PRACTICES, MITRE_T1195],
  check(obj, ctx) {
    if (!productionConfigured(ctx.config)) return undefined;
    const app = appSpecOf(obj);
    if (!app) return undefined;
    const why = productionReason(destinationOf(app), ctx.config);
    if (!why) return undefined;
    const hits: RuleHit[] = [];
    for (const { source, at, label } of sourcesOf(app)) {
      const repo = typeof source.repoURL === 'string' ? source.repoURL : '';
      const rev = source.targetRevision;
      if (rev !== undefined && typeof rev !== 'string') continue;
      if (isTemplated(repo) || (rev !== undefined && isTemplated(rev))) continue;
      const kind =
        typeof source.chart === 'string' && source.chart !== '' ? 'helm' : repo.startsWith('oci://') ? 'oci' : 'git';
      const reason = unpinnedReason(rev, kind);
      if (!reason) continue;
      hits.push({
        path: rev === undefined ? at : join(at, 'targetRevision'),
        message: `${describeApp(obj, app)} deploys to production (${why}) from ${label}, but ${reason}`,
      });
    }
    return hits;
  },
});
