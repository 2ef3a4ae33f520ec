import { join } from '../../model/pointer.js';
import { defineRule } from '../rule.js';
import { isArgo, isMap } from './argo-app.js';
import { ARGO_PROJECT_SPEC, ARGO_PROJECTS, NSA_CISA } from './argo-refs.js';
import { clusterLists, matchesAll, SENSITIVE_CLUSTER_KINDS } from './argocd-project-cluster-resources-wildcard.js';

export const rule = defineRule({
  id: 'argocd-project-sensitive-cluster-resources',
  title: 'AppProject may create cluster-scoped kinds that control the cluster',
  category: 'gitops',
  severity: 'high',
  appliesTo: ['AppProject'],
  needs: 'object',
  description: `An entry of an AppProject's \`spec.clusterResourceWhitelist\` permits a cluster-scoped kind that controls the whole cluster, and no \`clusterResourceBlacklist\` entry takes it back: ${SENSITIVE_CLUSTER_KINDS.map((s) => `${s.kind} (${s.why})`).join(', ')}. Whoever can change the project's Applications, or push to their repositories, can then grant themselves cluster-admin, intercept every API request, or mount a node's file system. Matching follows Argo CD (glob patterns on group and kind; an entry with a \`name\` pattern covers only some objects and is not reported). The \`*/*\` entry is reported by argocd-project-cluster-resources-wildcard instead.`,
  remediation:
    "Remove these kinds from the project's allow list, or deny them in `clusterResourceBlacklist`; let a platform (administrators') project own cluster RBAC, CRDs, webhooks and PersistentVolumes. If a tenant really needs one object, allow it by name (`name: team-a-reader`).",
  references: [ARGO_PROJECTS, ARGO_PROJECT_SPEC, NSA_CISA],
  check(obj) {
    if (!isArgo(obj)) return undefined;
    const spec = obj.raw.spec;
    if (!isMap(spec)) return undefined;
    const lists = clusterLists(spec);
    if (lists.denyAll) return undefined;
    return lists.allow
      .filter(({ gk }) => !matchesAll(gk))
      .flatMap(({ index, gk }) => {
        const open = lists.sensitivePermittedBy(gk);
        if (open.length === 0) return [];
        return [
          {
            path: join('/spec/clusterResourceWhitelist', index),
            message: `AppProject "${obj.name}" may create ${open.map((s) => `${s.kind} (${s.why})`).join(', ')} through its allow entry group "${gk.group}", kind "${gk.kind}"`,
          },
        ];
      });
  },
});
