import {
  type EscalationPath,
  formatChain,
  formatSubject,
  type Outcome,
  type RbacEngine,
  TECHNIQUES,
} from '../../engines/rbac/index.js';
import type { KubeObject } from '../../model/kube-object.js';
import { type Severity, severityRank } from '../../model/severity.js';
import { defineRule, type RuleContext, type RuleHit } from '../rule.js';
import { ownEscalationPaths, RBAC_GOOD_PRACTICES, rbacOf, scopeHasBindings } from './rbac-context.js';

/** How many chains a message spells out; the rest are named by technique (`rbac permissions` lists them all). */
const SHOWN = 3;

function severityOf(o: Outcome): Severity {
  switch (o.type) {
    case 'cluster-admin':
      return 'critical';
    case 'node':
    case 'namespace-admin':
      return 'high';
    default:
      return 'medium';
  }
}

function pathSeverity(p: EscalationPath): Severity {
  const last = p.steps[p.steps.length - 1];
  return last ? severityOf(last.outcome) : 'medium';
}

/** One finding per subject that can escalate, on the object it belongs to. */
interface Subject {
  id: string;
  paths: EscalationPath[];
  /** Pointer to the subject in a binding; undefined when the finding sits on the ServiceAccount. */
  path: string | undefined;
}

export const rule = defineRule({
  id: 'rbac-escalation-path',
  title: 'Subject can escalate its privileges',
  category: 'identity',
  severity: 'high',
  appliesTo: ['ServiceAccount', 'RoleBinding', 'ClusterRoleBinding'],
  needs: 'scope',
  description:
    "A subject holds a permission that leads to more privilege: creating pods or pod controllers (run as any service account of the namespace, or a privileged pod that takes the node), exec into pods, reading Secrets, minting service account tokens, bind or escalate on roles, impersonation, nodes/proxy, approving certificate signing requests, changing admission webhooks, hostPath PersistentVolumes, patching namespaces (lowering Pod Security), or `*` on `*`. Paths are transitive (shortest chain per technique) and may pass through the API server's default roles and bindings, but start with a permission the manifests grant. One finding per subject: the number of paths, their ATT&CK ids, the worst chains first, at the severity of the worst (critical when it reaches cluster-admin). Permissions a subject holds through a group are reported on the group. The finding sits on the subject's ServiceAccount when it exists in the scope, otherwise on the binding that grants the first step of its worst path.",
  remediation:
    'Remove the permission the chains start with, or narrow it (resourceNames, a namespace without privileged service accounts, a namespace that enforces restricted Pod Security). `kubeprint rbac permissions SUBJECT` shows every grant and path.',
  references: [
    RBAC_GOOD_PRACTICES,
    {
      title: 'Kubernetes: privilege escalation risks',
      url: 'https://kubernetes.io/docs/concepts/security/rbac-good-practices/#privilege-escalation-risks',
    },
    { title: 'MITRE ATT&CK for Containers (T1610, T1611, T1609, T1552.007, T1528, T1098, T1078, T1649, T1562.001)' },
  ],
  check(obj, ctx) {
    if (!scopeHasBindings(ctx)) return undefined;
    const subjects = subjectsByObject(ctx).get(obj);
    if (!subjects) return undefined;
    return subjects.map(
      (s): RuleHit => ({
        message: messageOf(s.id, s.paths),
        ...(s.path !== undefined ? { path: s.path } : {}),
        severity: pathSeverity(s.paths[0] as EscalationPath), // the worst comes first
      }),
    );
  },
});

/**
 * Every subject of the scope that can escalate, grouped by the object its
 * finding sits on: a ServiceAccount of the scope carries its own; any other
 * subject (a user, a group, an account defined elsewhere) goes on the binding
 * that names it and grants the first step of its worst path.
 */
function subjectsByObject(ctx: RuleContext): Map<KubeObject, Subject[]> {
  return ctx.memo('rbac-escalation-path:subjects', () => {
    const rbac = rbacOf(ctx);
    const out = new Map<KubeObject, Subject[]>();
    const add = (o: KubeObject, s: Subject) => {
      const list = out.get(o);
      if (list) list.push(s);
      else out.set(o, [s]);
    };
    for (const sa of rbac.policy.serviceAccounts.values()) {
      const id = `ServiceAccount:${sa.namespace ?? 'default'}:${sa.name}`;
      const paths = reportedPaths(rbac, id, 'ServiceAccount');
      if (paths.length > 0) add(sa, { id, paths, path: undefined });
    }
    const seen = new Set<string>();
    for (const b of rbac.policy.bindings) {
      if (!b.object) continue;
      for (const { subject } of b.subjects) {
        if (
          subject.kind === 'ServiceAccount' &&
          rbac.policy.serviceAccounts.has(`${subject.namespace}/${subject.name}`)
        )
          continue;
        const id = formatSubject(subject);
        if (seen.has(id)) continue;
        seen.add(id);
        const paths = reportedPaths(rbac, id, subject.kind);
        const grant = paths[0]?.steps[0]?.grant;
        const home = grant?.binding.object;
        if (!grant || !home) continue;
        const index = grant.binding.subjects.find((s) => formatSubject(s.subject) === formatSubject(grant.via))?.index;
        add(home, { id, paths, path: index === undefined ? undefined : `/subjects/${index}` });
      }
    }
    return out;
  });
}

/**
 * The paths a subject's finding lists, worst first: those that start with a
 * permission of the manifests held as the subject itself (one held through a
 * group is the group's finding, not each member's).
 */
function reportedPaths(rbac: RbacEngine, id: string, kind: string): EscalationPath[] {
  return ownEscalationPaths(rbac, id)
    .filter((p) => kind === 'Group' || p.steps[0]?.grant?.via.kind !== 'Group')
    .sort(
      (a, b) =>
        severityRank(pathSeverity(b)) - severityRank(pathSeverity(a)) ||
        a.steps.length - b.steps.length ||
        a.technique.localeCompare(b.technique),
    );
}

/**
 * `ServiceAccount:ci:deployer can escalate by 4 paths (T1098, T1611, T1610, T1609): rbac-bind
 * (T1098): -[pod-create: …]-> ServiceAccount:prod:op -[rbac-bind: …]-> cluster-admin; …; and 1
 * more (pod-exec): kubeprint rbac permissions ServiceAccount:ci:deployer lists them all`
 */
function messageOf(id: string, paths: readonly EscalationPath[]): string {
  const attack = [...new Set(paths.map((p) => TECHNIQUES[p.technique].attack).filter((a) => a !== undefined))];
  const shown = paths.slice(0, SHOWN).map((p) => {
    const t = TECHNIQUES[p.technique];
    return `${p.technique}${t.attack ? ` (${t.attack})` : ''}: ${formatChain('', p.steps).trimStart()}`;
  });
  const rest = paths.slice(SHOWN);
  const more =
    rest.length > 0
      ? `; and ${rest.length} more (${rest.map((p) => p.technique).join(', ')}): kubeprint rbac permissions ${id} lists them all`
      : '';
  const n = paths.length;
  // one path names its ATT&CK id itself; several list every id up front
  const ids = n > 1 && attack.length ? ` (${attack.join(', ')})` : '';
  return `${id} can escalate by ${n} path${n === 1 ? '' : 's'}${ids}: ${shown.join('; ')}${more}`;
}
