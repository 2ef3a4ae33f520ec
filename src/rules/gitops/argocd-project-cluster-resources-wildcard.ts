import { join } from '../../model/pointer.js';
import { defineRule } from '../rule.js';
import { entryMatches, type GroupKind, groupKindsOf, isArgo, isMap } from './argo-app.js';
import { ARGO_PROJECT_SPEC, ARGO_PROJECTS, kyverno, NSA_CISA } from './argo-refs.js';

/**
 * Cluster-scoped kinds that hand out control of the whole cluster: RBAC
 * that can bind cluster-admin, CRDs, admission control, API aggregation, and
 * PersistentVolumes (a hostPath volume mounts any node directory).
 */
export const SENSITIVE_CLUSTER_KINDS: ReadonlyArray<{ group: string; kind: string; why: string }> = [
  { group: 'rbac.authorization.k8s.io', kind: 'ClusterRole', why: 'cluster-wide permissions' },
  { group: 'rbac.authorization.k8s.io', kind: 'ClusterRoleBinding', why: 'can bind cluster-admin' },
  { group: 'apiextensions.k8s.io', kind: 'CustomResourceDefinition', why: "other teams' APIs" },
  { group: 'admissionregistration.k8s.io', kind: 'MutatingWebhookConfiguration', why: 'sees and changes every object' },
  { group: 'admissionregistration.k8s.io', kind: 'ValidatingWebhookConfiguration', why: 'sees every object' },
  { group: 'admissionregistration.k8s.io', kind: 'ValidatingAdmissionPolicy', why: 'admission control' },
  { group: 'admissionregistration.k8s.io', kind: 'ValidatingAdmissionPolicyBinding', why: 'admission control' },
  { group: 'admissionregistration.k8s.io', kind: 'MutatingAdmissionPolicy', why: 'admission control' },
  { group: 'admissionregistration.k8s.io', kind: 'MutatingAdmissionPolicyBinding', why: 'admission control' },
  { group: 'apiregistration.k8s.io', kind: 'APIService', why: 'serves API groups' },
  { group: '', kind: 'PersistentVolume', why: 'hostPath volumes reach node files' },
];

/** An entry that restricts nothing: every group, every kind, every name. */
export const matchesAll = (gk: GroupKind): boolean =>
  entryMatches(gk, 'any.group.example', 'AnyKind') &&
  entryMatches(gk, '', 'Other') &&
  (gk.name === undefined || gk.name === '*');

/**
 * The AppProject's cluster resource lists, as Argo CD reads them: a
 * cluster-scoped kind is permitted when an allow entry matches it and no deny
 * entry does (an entry with a `name` pattern covers only some objects, so it
 * neither grants nor denies a kind as a whole); an empty allow list permits none.
 */
export function clusterLists(spec: Record<string, unknown>) {
  const allow = groupKindsOf(spec.clusterResourceWhitelist);
  const deny = groupKindsOf(spec.clusterResourceBlacklist);
  const deniedWhole = (group: string, kind: string) =>
    deny.some(({ gk }) => (gk.name === undefined || gk.name === '*') && entryMatches(gk, group, kind));
  return {
    allow,
    denyAll: deny.some(({ gk }) => matchesAll(gk)),
    /** The sensitive kinds an entry permits that no deny entry takes back. */
    sensitivePermittedBy(gk: GroupKind) {
      if (gk.name !== undefined && gk.name !== '*') return [];
      return SENSITIVE_CLUSTER_KINDS.filter((s) => entryMatches(gk, s.group, s.kind) && !deniedWhole(s.group, s.kind));
    },
  };
}

export const rule = defineRule({
  id: 'argocd-project-cluster-resources-wildcard',
  title: 'AppProject may create every kind of cluster-scoped resource',
  category: 'gitops',
  severity: 'high',
  appliesTo: ['AppProject'],
  needs: 'object',
  description:
    "An AppProject's `spec.clusterResourceWhitelist` has an entry for group `*` and kind `*` (and no name pattern), so its Applications may create and change any cluster-scoped object: ClusterRoles and ClusterRoleBindings (cluster-admin for anyone), CustomResourceDefinitions, admission webhooks, APIServices, PersistentVolumes, Namespaces. Argo CD permits a cluster-scoped kind when an allow entry matches it and no `clusterResourceBlacklist` entry does; a deny list of `group: '*', kind: '*'` takes everything back and is not reported. When the deny list takes back all of the sensitive kinds listed above, the finding is medium; otherwise high. An AppProject with no allow list may create no cluster-scoped object at all, which is Argo CD's default and not reported.",
  remediation:
    "Allow only the cluster-scoped kinds the project's Applications need (often none, or `group: '', kind: Namespace`), or deny everything with `clusterResourceBlacklist: [{group: '*', kind: '*'}]` for tenant projects. Keep `*/*` for administrators' projects.",
  references: [ARGO_PROJECTS, ARGO_PROJECT_SPEC, kyverno('appproject-clusterresourceblacklist'), NSA_CISA],
  check(obj) {
    if (!isArgo(obj)) return undefined;
    const spec = obj.raw.spec;
    if (!isMap(spec)) return undefined;
    const lists = clusterLists(spec);
    if (lists.denyAll) return undefined;
    return lists.allow
      .filter(({ gk }) => matchesAll(gk))
      .map(({ index, gk }) => {
        const open = lists.sensitivePermittedBy(gk);
        return {
          path: join('/spec/clusterResourceWhitelist', index),
          severity: open.length ? ('high' as const) : ('medium' as const),
          message: open.length
            ? `AppProject "${obj.name}" may create every kind of cluster-scoped resource (group "${gk.group}", kind "${gk.kind}"), ${open
                .slice(0, 3)
                .map((s) => s.kind)
                .join(', ')}${open.length > 3 ? ` and ${open.length - 3} more sensitive kinds` : ''} included`
            : `AppProject "${obj.name}" may create every kind of cluster-scoped resource (group "${gk.group}", kind "${gk.kind}") but the sensitive ones its clusterResourceBlacklist denies`,
        };
      });
  },
});
