import type { IdentityFacts } from './facts.js';
import { apiGroupMatches, isFullWildcard, resourceMatches, verbMatches } from './match.js';
import type { RbacPolicy } from './policy.js';
import { formatSubject, parseSubject, userInfoOf } from './subject.js';
import type { TechniqueId } from './techniques.js';
import type { AccessRequest, Grant, Subject } from './types.js';

/** Where a step leads: another identity (a pivot), or a terminal power. */
export type Outcome =
  | { type: 'subject'; subject: Subject }
  | { type: 'cluster-admin' }
  /** Every permission in one namespace (`*`: in every namespace, not cluster-scoped resources). */
  | { type: 'namespace-admin'; namespace: string }
  /** Control of a node: its kubelet credentials and every token mounted there. */
  | { type: 'node' }
  | { type: 'capability'; text: string }
  /**
   * Any of a set of identities (the service accounts of a namespace, the pods
   * one can exec into): an internal hop that keeps the graph small; paths
   * fold it into the member they go on to.
   */
  | { type: 'group'; id: string; label: string };

export interface EscalationStep {
  /** `node-credentials`: from a taken-over node to the tokens mounted there; `member`: from a group to one member. */
  technique: TechniqueId | 'node-credentials' | 'member';
  /** Graph node the step starts from: a formatted subject or `node`. */
  from: string;
  /** Namespace the permission holds in, or `*` (cluster-wide). */
  scope: string;
  /** The grant that gives the permission; undefined for node-credentials. */
  grant: Grant | undefined;
  outcome: Outcome;
  /** What the permission is, e.g. `create pods in namespace prod`. */
  detail: string;
}

export interface EscalationPath {
  technique: TechniqueId;
  /** First step starts at the subject; each following step starts where the previous one led. */
  steps: EscalationStep[];
}

export const NODE = 'node';

interface Best {
  len: number;
  /** First step of the chain. */
  step: EscalationStep;
  /** The step itself is the technique (the end of the chain). */
  direct: boolean;
}

type Scoped = Map<string, { grant: Grant; names: Set<string> | 'all' }>;

/**
 * The escalation graph: for every identity, the steps its permissions allow,
 * each a named technique leading to another identity or a terminal power.
 * Paths are transitive and shortest-first.
 */
export class EscalationGraph {
  private readonly stepCache = new Map<string, EscalationStep[]>();
  private best: Map<string, Map<TechniqueId, Best>> | undefined;
  private nodeList: string[] | undefined;
  private fullNodeList: string[] | undefined;

  constructor(
    readonly policy: RbacPolicy,
    readonly facts: IdentityFacts,
  ) {}

  /** Every identity of the graph: binding subjects, service accounts (objects, used, or with tokens), and `node`. */
  nodes(): string[] {
    if (!this.nodeList) {
      const set = new Set<string>();
      for (const s of this.policy.subjects()) set.add(formatSubject(s));
      for (const ns of this.facts.namespaces())
        for (const sa of this.facts.serviceAccountsIn(ns))
          set.add(formatSubject({ kind: 'ServiceAccount', namespace: sa.namespace, name: sa.name }));
      set.add(NODE);
      this.nodeList = [...set];
    }
    return this.nodeList;
  }

  /** The steps an identity can take directly. */
  stepsFrom(id: string): EscalationStep[] {
    let steps = this.stepCache.get(id);
    if (!steps) {
      steps =
        id === NODE ? this.nodeSteps() : isGroupId(id) ? this.groupSteps(id) : this.subjectSteps(id, parseSubject(id));
      this.stepCache.set(id, steps);
    }
    return steps;
  }

  private nodeSteps(): EscalationStep[] {
    const out: EscalationStep[] = [];
    const seen = new Set<string>();
    for (const w of this.facts.workloads) {
      if (!w.automount) continue;
      const subject: Subject = { kind: 'ServiceAccount', namespace: w.namespace, name: w.serviceAccount };
      const key = formatSubject(subject);
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({
        technique: 'node-credentials',
        from: NODE,
        scope: w.namespace,
        grant: undefined,
        outcome: { type: 'subject', subject },
        detail: `read the token mounted into ${w.workload.kind} ${w.namespace}/${w.workload.object.name}`,
      });
    }
    return out;
  }

  /** Members of a group pseudo-node: `sa-in:NS`, `sa-in:*`, `exec-in:NS`, `exec-in:*`, `users:*`. */
  private groupSteps(id: string): EscalationStep[] {
    const [kind, scope = '*'] = splitGroupId(id);
    const member = (outcome: Outcome, detail: string): EscalationStep => ({
      technique: 'member',
      from: id,
      scope,
      grant: undefined,
      outcome,
      detail,
    });
    const sa = (namespace: string, name: string): Outcome => ({
      type: 'subject',
      subject: { kind: 'ServiceAccount', namespace, name },
    });
    if (kind === 'users') {
      return this.nodes()
        .filter((n) => n !== NODE && !n.startsWith('Group:'))
        .map((n) => member({ type: 'subject', subject: parseSubject(n) }, n));
    }
    if (scope === '*') return this.facts.namespaces().map((ns) => member(groupOutcome(`${kind}:${ns}`), ns));
    if (kind === 'sa-in')
      return this.facts.serviceAccountsIn(scope).map((x) => member(sa(x.namespace, x.name), x.name));
    // exec-in: the accounts whose tokens are mounted in running pods
    const seen = new Set<string>();
    const out: EscalationStep[] = [];
    for (const w of this.facts.workloads) {
      if (!w.automount || w.namespace !== scope || seen.has(w.serviceAccount)) continue;
      seen.add(w.serviceAccount);
      out.push(member(sa(w.namespace, w.serviceAccount), `${w.workload.kind} ${w.workload.object.name}`));
    }
    return out;
  }

  private subjectSteps(id: string, subject: Subject): EscalationStep[] {
    const grants = this.policy.grantsFor(userInfoOf(subject));
    if (grants.length === 0) return [];
    const out: EscalationStep[] = [];
    const step = (technique: TechniqueId, scope: string, grant: Grant, outcome: Outcome, detail: string) => {
      if (outcome.type === 'subject' && formatSubject(outcome.subject) === id) return;
      out.push({ technique, from: id, scope, grant, outcome, detail });
    };
    const where = (scope: string) => (scope === '*' ? 'in every namespace' : `in namespace ${scope}`);
    const saTargets = (scope: string, names: Set<string> | 'all') =>
      this.facts
        .serviceAccountsIn(scope)
        .filter((sa) => names === 'all' || names.has(sa.name))
        .map((sa): Subject => ({ kind: 'ServiceAccount', namespace: sa.namespace, name: sa.name }));

    // `*` on `*` cluster-wide is cluster-admin: every other technique is already in it.
    const superGrant = grants.find((g) => g.scope === '*' && isFullWildcard(g.rule));
    if (superGrant) {
      step('wildcard-all', '*', superGrant, { type: 'cluster-admin' }, '* on * cluster-wide');
      return out;
    }
    for (const g of grants) {
      if (isFullWildcard(g.rule))
        step(
          'wildcard-all',
          g.scope,
          g,
          g.scope === '*' ? { type: 'cluster-admin' } : { type: 'namespace-admin', namespace: g.scope },
          `* on * ${g.scope === '*' ? 'cluster-wide' : where(g.scope)}`,
        );
    }

    const podWrites = merge(
      scoped(grants, ['create', 'update', 'patch'], '', ['pods']),
      scoped(grants, ['create', 'update', 'patch'], 'apps', [
        'deployments',
        'daemonsets',
        'statefulsets',
        'replicasets',
      ]),
      scoped(grants, ['create', 'update', 'patch'], 'extensions', ['deployments', 'daemonsets', 'replicasets']),
      scoped(grants, ['create', 'update', 'patch'], 'batch', ['jobs', 'cronjobs']),
      scoped(grants, ['create', 'update', 'patch'], '', ['replicationcontrollers']),
    );
    for (const [scope, { grant, names }] of podWrites) {
      if (names !== 'all') continue; // create cannot be limited by name; a named patch is left out
      const detail = `create pods or pod controllers ${where(scope)}`;
      step('pod-create', scope, grant, groupOutcome(`sa-in:${scope}`), detail);
      if (scope === '*' || !this.facts.blocksPrivilegedPods(scope))
        step(
          'privileged-pod',
          scope,
          grant,
          { type: 'node' },
          `${detail} (no baseline/restricted Pod Security enforced)`,
        );
    }

    const exec = merge(
      scoped(grants, ['create', 'get'], '', ['pods/exec', 'pods/attach']),
      scoped(grants, ['update', 'patch'], '', ['pods/ephemeralcontainers']),
    );
    for (const [scope, { grant }] of exec)
      step('pod-exec', scope, grant, groupOutcome(`exec-in:${scope}`), `exec into pods ${where(scope)}`);

    for (const [scope, { grant, names }] of scoped(grants, ['get', 'list', 'watch'], '', ['secrets'])) {
      const named = names === 'all' ? '' : ` named ${[...names].join(', ')}`;
      const detail = `read secrets${named} ${where(scope)}`;
      step('secret-read', scope, grant, { type: 'capability', text: `Secrets${named} ${where(scope)}` }, detail);
      for (const [key, secrets] of this.facts.tokenSecrets) {
        const [ns = '', sa = ''] = key.split('/');
        if (scope !== '*' && ns !== scope) continue;
        if (names !== 'all' && !secrets.some((s) => names.has(s.name))) continue;
        step(
          'secret-read',
          scope,
          grant,
          { type: 'subject', subject: { kind: 'ServiceAccount', namespace: ns, name: sa } },
          `${detail} (legacy token Secret)`,
        );
      }
    }

    for (const [scope, { grant, names }] of scoped(grants, ['create'], '', ['serviceaccounts/token']))
      if (names === 'all')
        step(
          'token-create',
          scope,
          grant,
          groupOutcome(`sa-in:${scope}`),
          `create serviceaccounts/token ${where(scope)}`,
        );
      else
        for (const t of saTargets(scope, names))
          step(
            'token-create',
            scope,
            grant,
            { type: 'subject', subject: t },
            `create serviceaccounts/token ${where(scope)}`,
          );

    const rbacOutcome = (scope: string, clusterWide: boolean): Outcome =>
      clusterWide ? { type: 'cluster-admin' } : { type: 'namespace-admin', namespace: scope };
    const bind = scoped(grants, ['bind'], 'rbac.authorization.k8s.io', ['clusterroles', 'roles']);
    const writeRB = scoped(grants, ['create', 'update', 'patch'], 'rbac.authorization.k8s.io', ['rolebindings']);
    const writeCRB = clusterOnly(
      scoped(grants, ['create', 'update', 'patch'], 'rbac.authorization.k8s.io', ['clusterrolebindings']),
    );
    for (const [scope, { grant, names }] of bind) {
      const powerful = names === 'all' || names.has('cluster-admin') || names.has('admin');
      const named = names === 'all' ? 'any role' : [...names].join(', ');
      if (scope === '*' && writeCRB.size) {
        step(
          'rbac-bind',
          scope,
          grant,
          powerful ? { type: 'cluster-admin' } : { type: 'capability', text: `bind ${named} cluster-wide` },
          `bind ${named} with ClusterRoleBindings`,
        );
      } else {
        const rbScope = scope === '*' ? [...writeRB.keys()] : writeRB.has(scope) || writeRB.has('*') ? [scope] : [];
        for (const s of rbScope)
          step(
            'rbac-bind',
            s,
            grant,
            powerful ? rbacOutcome(s, false) : { type: 'capability', text: `bind ${named} ${where(s)}` },
            `bind ${named} with RoleBindings ${where(s)}`,
          );
      }
    }
    const escalate = scoped(grants, ['escalate'], 'rbac.authorization.k8s.io', ['clusterroles', 'roles']);
    const writeRoles = scoped(grants, ['create', 'update', 'patch'], 'rbac.authorization.k8s.io', [
      'clusterroles',
      'roles',
    ]);
    for (const [scope, { grant }] of escalate) {
      if (!writeRoles.has(scope) && !writeRoles.has('*')) continue;
      const clusterWide = scope === '*' && this.canWrite(grants, 'clusterroles');
      step(
        'rbac-escalate',
        scope,
        grant,
        rbacOutcome(scope, clusterWide),
        `escalate and write roles ${scope === '*' ? 'cluster-wide' : where(scope)}`,
      );
    }

    for (const [, { grant, names }] of clusterOnly(scoped(grants, ['impersonate'], '', ['groups']))) {
      if (names === 'all' || names.has('system:masters'))
        step(
          'impersonate',
          '*',
          grant,
          { type: 'cluster-admin' },
          `impersonate ${names === 'all' ? 'any group' : 'group system:masters'}`,
        );
      else
        for (const n of names)
          step(
            'impersonate',
            '*',
            grant,
            { type: 'subject', subject: { kind: 'Group', name: n } },
            `impersonate group ${n}`,
          );
    }
    for (const [, { grant, names }] of clusterOnly(scoped(grants, ['impersonate'], '', ['users']))) {
      if (names === 'all') step('impersonate', '*', grant, groupOutcome('users:*'), 'impersonate any user');
      else
        for (const n of names) {
          const t = parseSubject(n.startsWith('system:serviceaccount:') ? n : `User:${n}`);
          step('impersonate', '*', grant, { type: 'subject', subject: t }, `impersonate user ${n}`);
        }
    }
    for (const [scope, { grant, names }] of scoped(grants, ['impersonate'], '', ['serviceaccounts'])) {
      const detail = `impersonate service accounts ${where(scope)}`;
      if (names === 'all') step('impersonate', scope, grant, groupOutcome(`sa-in:${scope}`), detail);
      else
        for (const t of saTargets(scope, names))
          step('impersonate', scope, grant, { type: 'subject', subject: t }, detail);
    }

    for (const [, { grant }] of clusterOnly(scoped(grants, ['get', 'create'], '', ['nodes/proxy'])))
      step('node-proxy', '*', grant, { type: 'node' }, 'get/create nodes/proxy (kubelet API)');

    const approval = clusterOnly(
      scoped(grants, ['update', 'patch'], 'certificates.k8s.io', ['certificatesigningrequests/approval']),
    );
    const approve = clusterOnly(scoped(grants, ['approve'], 'certificates.k8s.io', ['signers']));
    const signer = approve.get('*');
    if (approval.size && signer) {
      const n = signer.names;
      const client =
        n === 'all' || [...n].some((x) => x === 'kubernetes.io/kube-apiserver-client' || x === 'kubernetes.io/*');
      const kubelet = n !== 'all' && [...n].some((x) => x.startsWith('kubernetes.io/kube-apiserver-client-kubelet'));
      if (client)
        step(
          'csr-approve',
          '*',
          signer.grant,
          { type: 'cluster-admin' },
          'approve CSRs for kubernetes.io/kube-apiserver-client (a system:masters client certificate)',
        );
      else if (kubelet)
        step('csr-approve', '*', signer.grant, { type: 'node' }, 'approve kubelet client CSRs (a node identity)');
    }

    for (const [, { grant }] of clusterOnly(
      scoped(grants, ['create', 'update', 'patch'], 'admissionregistration.k8s.io', [
        'mutatingwebhookconfigurations',
        'validatingwebhookconfigurations',
      ]),
    ))
      step(
        'webhook-config',
        '*',
        grant,
        { type: 'capability', text: 'every object sent to admission, Secrets included' },
        'write admission webhook configurations',
      );

    for (const [, { grant }] of clusterOnly(scoped(grants, ['create'], '', ['persistentvolumes'])))
      step('hostpath-pv', '*', grant, { type: 'node' }, 'create PersistentVolumes (hostPath)');

    for (const [, { grant }] of clusterOnly(scoped(grants, ['update', 'patch'], '', ['namespaces'])))
      step(
        'namespace-psa',
        '*',
        grant,
        { type: 'capability', text: 'Pod Security enforcement of every namespace' },
        'patch namespaces (pod-security.kubernetes.io labels)',
      );

    return dedupe(out);
  }

  private canWrite(grants: Grant[], resource: string): boolean {
    return clusterOnly(scoped(grants, ['create', 'update', 'patch'], 'rbac.authorization.k8s.io', [resource])).size > 0;
  }

  /**
   * For each technique, the shortest path from the identity to it (direct
   * steps first, then through the identities it can become).
   */
  pathsFrom(id: string): EscalationPath[] {
    const best = this.solve();
    const mine = best.get(id);
    if (!mine) return [];
    const paths: EscalationPath[] = [];
    for (const t of mine.keys()) {
      const steps: EscalationStep[] = [];
      let cur = id;
      for (let guard = 0; guard < 256; guard++) {
        const entry = best.get(cur)?.get(t);
        if (!entry) break;
        steps.push(entry.step);
        if (entry.direct) break;
        cur = targetId(entry.step.outcome) as string;
      }
      paths.push({ technique: t, steps: foldGroups(steps) });
    }
    return paths.sort((a, b) => a.steps.length - b.steps.length || a.technique.localeCompare(b.technique));
  }

  /** Every graph node, pseudo-nodes (groups) included, with their steps. */
  private allNodes(): string[] {
    if (!this.fullNodeList) {
      const list = [...this.nodes()];
      const known = new Set(list);
      for (let i = 0; i < list.length; i++)
        for (const s of this.stepsFrom(list[i] as string)) {
          const to = targetId(s.outcome);
          if (to && !known.has(to)) {
            known.add(to);
            list.push(to);
          }
        }
      this.fullNodeList = list;
    }
    return this.fullNodeList;
  }

  /**
   * Per identity and technique, the shortest chain and its first step: one
   * 0-1 BFS per technique over the reversed pivot edges, from the identities
   * that hold the technique directly. Group hops weigh nothing.
   */
  private solve(): Map<string, Map<TechniqueId, Best>> {
    if (this.best) return this.best;
    const nodes = this.allNodes();
    const index = new Map(nodes.map((n, i) => [n, i]));
    const best = new Map<string, Map<TechniqueId, Best>>();
    // reverse[to] = edges (from, step, weight)
    const reverse: { from: number; step: EscalationStep; weight: number }[][] = nodes.map(() => []);
    const direct = new Map<TechniqueId, { node: number; step: EscalationStep }[]>();
    nodes.forEach((n, i) => {
      const m = new Map<TechniqueId, Best>();
      best.set(n, m);
      for (const s of this.stepsFrom(n)) {
        if (s.technique !== 'node-credentials' && s.technique !== 'member' && !m.has(s.technique)) {
          m.set(s.technique, { len: 1, step: s, direct: true });
          let list = direct.get(s.technique);
          if (!list) direct.set(s.technique, (list = []));
          list.push({ node: i, step: s });
        }
        const to = targetId(s.outcome);
        const j = to === undefined ? undefined : index.get(to);
        if (j !== undefined && j !== i)
          reverse[j]?.push({ from: i, step: s, weight: s.technique === 'member' ? 0 : 1 });
      }
    });
    const dist = new Int32Array(nodes.length);
    for (const [t, sources] of direct) {
      dist.fill(-1);
      // 0-1 BFS by levels: a level grows while 0-weight (group) edges lead on.
      let level: number[] = [];
      for (const { node } of sources) {
        if (dist[node] === -1) {
          dist[node] = 1;
          level.push(node);
        }
      }
      while (level.length) {
        const next: number[] = [];
        for (let k = 0; k < level.length; k++) {
          const to = level[k] as number;
          const d = dist[to] as number;
          for (const { from, step, weight } of reverse[to] ?? []) {
            const nd = d + weight;
            const cur = dist[from] as number;
            if (cur !== -1 && cur <= nd) continue;
            dist[from] = nd;
            (best.get(nodes[from] as string) as Map<TechniqueId, Best>).set(t, { len: nd, step, direct: false });
            if (weight === 0) level.push(from);
            else next.push(from);
          }
        }
        level = next;
      }
    }
    this.best = best;
    return best;
  }

  /**
   * Identities that are not allowed the request directly but reach an
   * identity (or a terminal power) that is, each with the shortest chain.
   */
  reachersOf(req: AccessRequest): { id: string; steps: EscalationStep[] }[] {
    const nodes = this.allNodes();
    const holds = new Set<string>();
    for (const n of nodes) {
      if (n === NODE || isGroupId(n)) continue;
      if (this.policy.authorize(userInfoOf(parseSubject(n)), req).allowed) holds.add(n);
    }
    // Reverse BFS from the holders and from the terminal powers that hold the request.
    const reverse = new Map<string, { from: string; step: EscalationStep }[]>();
    const terminal: { from: string; step: EscalationStep }[] = [];
    for (const n of nodes)
      for (const s of this.stepsFrom(n)) {
        const to = targetId(s.outcome);
        if (to) {
          let list = reverse.get(to);
          if (!list) reverse.set(to, (list = []));
          list.push({ from: n, step: s });
        } else if (outcomeHolds(s.outcome, req)) terminal.push({ from: n, step: s });
      }
    const next = new Map<string, EscalationStep[]>();
    const queue: string[] = [];
    for (const h of holds) {
      next.set(h, []);
      queue.push(h);
    }
    for (const { from, step } of terminal)
      if (!next.has(from)) {
        next.set(from, [step]);
        queue.push(from);
      }
    for (let i = 0; i < queue.length; i++) {
      const to = queue[i] as string;
      for (const { from, step } of reverse.get(to) ?? []) {
        if (next.has(from)) continue;
        next.set(from, [step, ...(next.get(to) ?? [])]);
        queue.push(from);
      }
    }
    const out: { id: string; steps: EscalationStep[] }[] = [];
    for (const [id, steps] of next)
      if (!holds.has(id) && id !== NODE && !isGroupId(id) && steps.length) out.push({ id, steps: foldGroups(steps) });
    return out.sort((a, b) => a.steps.length - b.steps.length || a.id.localeCompare(b.id));
  }
}

function targetId(o: Outcome): string | undefined {
  if (o.type === 'subject') return formatSubject(o.subject);
  if (o.type === 'node') return NODE;
  if (o.type === 'group') return o.id;
  return undefined;
}

const GROUP_KINDS = ['sa-in', 'exec-in', 'users'];

function isGroupId(id: string): boolean {
  const i = id.indexOf(':');
  return i > 0 && GROUP_KINDS.includes(id.slice(0, i)) && !id.startsWith('User:');
}

function splitGroupId(id: string): [string, string] {
  const i = id.indexOf(':');
  return [id.slice(0, i), id.slice(i + 1)];
}

function groupOutcome(id: string): Outcome {
  const [kind, scope] = splitGroupId(id);
  const where = scope === '*' ? 'every namespace' : `namespace ${scope}`;
  const label =
    kind === 'users'
      ? 'any user'
      : kind === 'sa-in'
        ? `any service account of ${where}`
        : `the service accounts of running pods in ${where}`;
  return { type: 'group', id, label };
}

/**
 * Fold group hops into the member they lead to, so a chain reads
 * `-[pod-create: …]-> ServiceAccount:prod:operator`. A chain that ends at a
 * group keeps it (`-> any service account of namespace prod`).
 */
export function foldGroups(steps: readonly EscalationStep[]): EscalationStep[] {
  const out: EscalationStep[] = [];
  for (const st of steps) {
    const prev = out[out.length - 1];
    if (st.technique === 'member' && prev && prev.outcome.type === 'group')
      out[out.length - 1] = { ...prev, outcome: st.outcome };
    else out.push(st);
  }
  return out;
}

function outcomeHolds(o: Outcome, req: AccessRequest): boolean {
  if (o.type === 'cluster-admin') return true;
  if (o.type === 'namespace-admin')
    return req.type === 'resource' && req.namespace !== '' && (o.namespace === '*' || o.namespace === req.namespace);
  return false;
}

/** Scopes where some grant allows one of the verbs on one of the resources (names collected, not matched). */
function scoped(grants: readonly Grant[], verbs: string[], group: string, resources: string[]): Scoped {
  const out: Scoped = new Map();
  for (const g of grants) {
    const r = g.rule;
    if (!apiGroupMatches(r, group) || !verbs.some((v) => verbMatches(r, v))) continue;
    if (
      !resources.some((res) => {
        const [base = '', sub = ''] = res.split('/');
        return resourceMatches(r, base, sub);
      })
    )
      continue;
    const cur = out.get(g.scope);
    const names: Set<string> | 'all' = r.resourceNames.length ? new Set(r.resourceNames) : 'all';
    if (!cur) out.set(g.scope, { grant: g, names });
    else if (cur.names !== 'all') {
      if (names === 'all') out.set(g.scope, { grant: g, names });
      else for (const n of names) cur.names.add(n);
    }
  }
  return out;
}

function merge(...maps: Scoped[]): Scoped {
  const out: Scoped = new Map();
  for (const m of maps)
    for (const [k, v] of m) {
      const cur = out.get(k);
      if (!cur || (cur.names !== 'all' && v.names === 'all')) out.set(k, v);
    }
  return out;
}

/** Cluster-scoped resources are granted only by ClusterRoleBindings. */
function clusterOnly(m: Scoped): Scoped {
  const v = m.get('*');
  return v ? new Map([['*', v]]) : new Map();
}

function dedupe(steps: EscalationStep[]): EscalationStep[] {
  const seen = new Set<string>();
  return steps.filter((s) => {
    const k = `${s.technique}|${s.scope}|${targetId(s.outcome) ?? formatOutcome(s.outcome)}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** `ServiceAccount:ci:deployer --create pods in namespace prod--> ServiceAccount:prod:admin --bind any role--> cluster-admin` */
export function formatChain(start: string, steps: readonly EscalationStep[]): string {
  let s = start;
  for (const st of steps) s += ` -[${st.technique}: ${st.detail}]-> ${formatOutcome(st.outcome)}`;
  return s;
}

export function formatOutcome(o: Outcome): string {
  switch (o.type) {
    case 'subject':
      return formatSubject(o.subject);
    case 'cluster-admin':
      return 'cluster-admin';
    case 'namespace-admin':
      return o.namespace === '*' ? 'admin of every namespace' : `admin of namespace ${o.namespace}`;
    case 'node':
      return 'node';
    case 'capability':
      return o.text;
    case 'group':
      return o.label;
  }
}
