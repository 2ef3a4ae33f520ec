import { join } from '../../model/pointer.js';
import { defineRule, type RuleHit } from '../rule.js';
import { isArgo, isMap } from './argo-app.js';
import { ARGO_DEFAULT_PROJECT, ARGO_PROJECT_SPEC, ARGO_PROJECTS } from './argo-refs.js';

/** A destination pattern that matches every value (`*`, `**`). */
const isAll = (v: unknown): boolean => typeof v === 'string' && /^\*+$/.test(v);

export const rule = defineRule({
  id: 'argocd-project-destinations-wildcard',
  title: 'AppProject may deploy to any namespace or any cluster',
  category: 'gitops',
  severity: 'high',
  appliesTo: ['AppProject'],
  needs: 'object',
  cel: {
    matchKinds: ['AppProject'],
    validations: [
      {
        expression:
          "!has(object.spec) || !has(object.spec.destinations) || !object.spec.destinations.exists(d, !((has(d.namespace) && d.namespace.startsWith('!')) || (has(d.server) && d.server.startsWith('!')) || (has(d.name) && d.name.startsWith('!'))) && ((has(d.namespace) && d.namespace.matches('^[*]+$')) || (has(d.server) && d.server.matches('^[*]+$')) || (has(d.name) && d.name.matches('^[*]+$'))))",
        message: 'an AppProject destination must name its namespace and cluster, not "*"',
      },
    ],
  },
  description:
    "An entry of an AppProject's `spec.destinations` allows namespace `*` (every namespace of the cluster, `kube-system` and Argo CD's own namespace included), or server/name `*` (every cluster registered in Argo CD). Whoever can create or change an Application of the project can then deploy there: with both wildcards, anywhere Argo CD can reach. Deny entries (`!kube-system`) narrow it, and are named in the message, but every namespace not denied stays open, new ones included. The `default` project is created this way.",
  remediation:
    "List the namespaces (or a prefix the team owns: `team-a-*`) and the clusters the project deploys to, one entry per pair; keep `kube-system`, Argo CD's namespace and other teams' namespaces out. Projects that must reach every namespace (a platform team's) belong to administrators only.",
  references: [ARGO_PROJECTS, ARGO_PROJECT_SPEC, ARGO_DEFAULT_PROJECT],
  check(obj) {
    if (!isArgo(obj)) return undefined;
    const spec = obj.raw.spec;
    if (!isMap(spec) || !Array.isArray(spec.destinations)) return undefined;
    const denied = spec.destinations
      .filter(isMap)
      .flatMap((d) => [d.namespace, d.server, d.name])
      .filter((v): v is string => typeof v === 'string' && v.startsWith('!'))
      .map((v) => `"${v.slice(1)}"`);
    const except = denied.length ? ` except ${denied.join(', ')}` : '';
    const hits: RuleHit[] = [];
    spec.destinations.forEach((d, i) => {
      if (!isMap(d)) return;
      // a deny entry (`!kube-system`) narrows the others; it permits nothing itself
      if ([d.namespace, d.server, d.name].some((v) => typeof v === 'string' && v.startsWith('!'))) return;
      const anyNs = isAll(d.namespace);
      const anyCluster = isAll(d.server) || isAll(d.name);
      if (!anyNs && !anyCluster) return;
      const cluster = typeof d.server === 'string' && d.server ? d.server : typeof d.name === 'string' ? d.name : '';
      const ns = typeof d.namespace === 'string' ? d.namespace : '';
      const where =
        anyNs && anyCluster
          ? 'every namespace of every cluster Argo CD knows'
          : anyNs
            ? `every namespace of cluster "${cluster}"`
            : `namespace "${ns}" of every cluster Argo CD knows`;
      hits.push({
        path: join('/spec/destinations', i),
        severity: anyNs && anyCluster ? 'high' : 'medium',
        message: `AppProject "${obj.name}" may deploy to ${where}${except}`,
      });
    });
    return hits;
  },
});
