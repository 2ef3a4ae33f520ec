import { annotationsOf, type KubeObject, labelsOf } from '../../model/kube-object.js';
import { type LabelSelector, matchesSelector, parseLabelSelector } from '../../model/selector.js';
import {
  BOOTSTRAP_CLUSTER_ROLE_BINDINGS,
  BOOTSTRAP_CLUSTER_ROLE_NAMES,
  BOOTSTRAP_CLUSTER_ROLES,
  BOOTSTRAP_NAMESPACE_ROLES,
  BOOTSTRAP_ROLE_BINDINGS,
  BOOTSTRAP_ROLE_KEYS,
} from './bootstrap.js';
import { ruleAllows, toPolicyRule, uncoveredRules } from './match.js';
import { formatSubject, serviceAccountUsername, userInfoOf } from './subject.js';
import type {
  AccessRequest,
  BindingDef,
  BindingSubject,
  Grant,
  PolicyProblem,
  PolicyRule,
  RoleDef,
  Subject,
  UserInfo,
} from './types.js';

/**
 * Which part of Kubernetes' default policy joins a manifest-only analysis:
 * `none`; `roles` (the default ClusterRoles, so that a RoleBinding to `edit`
 * resolves, but none of the default bindings); `all` (roles and bindings).
 */
export type BootstrapMode = 'none' | 'roles' | 'all';

export interface PolicyOptions {
  bootstrap?: BootstrapMode;
  /**
   * Keep a manifest binding that has a default binding's name and another
   * roleRef beside the default one. The API server replaces it at its next
   * start, but it is in effect from `kubectl apply` until then: a scan judges
   * it (rbacOf); `can-i` answers for the restarted server (the default).
   */
  keepReplacedBindings?: boolean;
}

const RBAC_API = 'rbac.authorization.k8s.io/';

/** With "false", the API server leaves a bootstrap role or binding as it is instead of reconciling it at start-up. */
const AUTOUPDATE = 'rbac.authorization.kubernetes.io/autoupdate';

/** A bootstrap object the file redefines is left alone by the API server only when it says so. */
function reconcileProtected(o: KubeObject): boolean {
  return annotationsOf(o.raw)[AUTOUPDATE] === 'false';
}

/** The group that bypasses authorization in every API server (authorizerfactory privileged groups). */
export const SUPERUSER_GROUP = 'system:masters';

/**
 * The RBAC policy of a set of objects: roles (with aggregation resolved),
 * bindings, and what cannot be resolved. Pure; build once, query many times.
 */
export class RbacPolicy {
  readonly roles: RoleDef[] = [];
  readonly bindings: BindingDef[] = [];
  readonly problems: PolicyProblem[] = [];
  /** ServiceAccounts present as objects, by `ns/name`. */
  readonly serviceAccounts = new Map<string, KubeObject>();
  private readonly clusterRoles = new Map<string, RoleDef>();
  private readonly nsRoles = new Map<string, RoleDef>();
  /** Bindings by `u:<username>` and `g:<group>`. */
  private readonly bySubject = new Map<string, BindingDef[]>();
  private readonly grantCache = new Map<string, Grant[]>();
  /** Roles of the default policy: the bootstrap ones, and objects that grant no more (a cluster's own, a dump of one). */
  private readonly defaultRoles = new Set<RoleDef>();
  /** Bindings of the default policy (bootstrap ones, and objects with a default binding's name and roleRef), with the subjects the default gives. */
  private readonly defaultBindings = new Map<BindingDef, ReadonlySet<string>>();

  private readonly keepReplaced: boolean;

  constructor(objects: readonly KubeObject[], opts: PolicyOptions = {}) {
    this.keepReplaced = opts.keepReplacedBindings === true;
    const mode = opts.bootstrap ?? 'none';
    const aggregation: { role: RoleDef; selectors: LabelSelector[] }[] = [];
    if (mode !== 'none') this.addBootstrapRoles(aggregation);
    for (const o of objects) {
      if (o.kind === 'ServiceAccount' && o.apiVersion === 'v1')
        this.serviceAccounts.set(`${o.namespace ?? 'default'}/${o.name}`, o);
      if (!o.apiVersion.startsWith(RBAC_API)) continue;
      if (o.kind === 'Role' || o.kind === 'ClusterRole') this.addRoleObject(o, aggregation);
    }
    for (const o of objects) {
      if (!o.apiVersion.startsWith(RBAC_API)) continue;
      if (o.kind === 'RoleBinding' || o.kind === 'ClusterRoleBinding') this.addBindingObject(o);
    }
    if (mode === 'all') this.addBootstrapBindings();
    this.resolveAggregation(aggregation);
    this.markDefaults();
    for (const b of this.bindings) this.checkBinding(b);
  }

  /**
   * Which roles and bindings are the API server's default policy: the
   * bootstrap ones kubeprint adds; objects that are the same (a cluster's own,
   * or a dump of one in files): a default binding's name and roleRef, a
   * default role's name with no rule beyond the default's. The label
   * `kubernetes.io/bootstrapping: rbac-defaults` is not trusted: anyone who
   * writes a binding (a pull request, an admission request) can set it.
   */
  private markDefaults(): void {
    const roleKey = (kind: string, ns: string | undefined, name: string) => `${kind}/${ns ?? ''}/${name}`;
    const bootRoles = new Map<string, readonly PolicyRule[]>();
    for (const r of BOOTSTRAP_CLUSTER_ROLES) bootRoles.set(roleKey('ClusterRole', undefined, r.name), r.rules);
    for (const r of BOOTSTRAP_NAMESPACE_ROLES) bootRoles.set(roleKey('Role', r.namespace, r.name), r.rules);
    for (const role of this.roles) {
      const boot = bootRoles.get(roleKey(role.kind, role.namespace, role.name));
      if (role.bootstrap || (boot && uncoveredRules(boot, role.rules).length === 0)) this.defaultRoles.add(role);
    }
    const bootBindings = new Map<string, { role: string; subjects: ReadonlySet<string> }>();
    const subjectsOf = (list: readonly Subject[]) => new Set(list.map(formatSubject));
    for (const b of BOOTSTRAP_CLUSTER_ROLE_BINDINGS)
      bootBindings.set(roleKey('ClusterRoleBinding', undefined, b.name), {
        role: b.role,
        subjects: subjectsOf(b.subjects),
      });
    for (const b of BOOTSTRAP_ROLE_BINDINGS)
      bootBindings.set(roleKey('RoleBinding', b.namespace, b.name), { role: b.role, subjects: subjectsOf(b.subjects) });
    for (const b of this.bindings) {
      if (b.bootstrap) {
        this.defaultBindings.set(b, subjectsOf(b.subjects.map((s) => s.subject)));
        continue;
      }
      const boot = bootBindings.get(roleKey(b.kind, b.namespace, b.name));
      if (boot && boot.role === b.roleRef.name) this.defaultBindings.set(b, boot.subjects);
    }
  }

  /**
   * A grant of the API server's default policy alone: a default binding gives
   * a default role to one of the default subjects. Answers count it; rules
   * never report it (it is not the user's to fix).
   */
  isDefaultGrant(g: Grant): boolean {
    return this.defaultRoles.has(g.role) && this.defaultBindings.get(g.binding)?.has(formatSubject(g.via)) === true;
  }

  /**
   * A default grant the identity holds through a group (system:authenticated,
   * system:serviceaccounts, …): every identity of its kind has it, so it says
   * nothing about this one (discovery, self-reviews, issuer discovery).
   */
  isBaselineGrant(g: Grant): boolean {
    return g.via.kind === 'Group' && this.isDefaultGrant(g);
  }

  private addRole(role: RoleDef): void {
    this.roles.push(role);
    if (role.kind === 'ClusterRole') this.clusterRoles.set(role.name, role);
    else this.nsRoles.set(`${role.namespace}/${role.name}`, role);
  }

  private addBootstrapRoles(aggregation: { role: RoleDef; selectors: LabelSelector[] }[]): void {
    for (const r of BOOTSTRAP_CLUSTER_ROLES) {
      const role: RoleDef = {
        kind: 'ClusterRole',
        name: r.name,
        namespace: undefined,
        rules: r.rules,
        aggregatedFrom: [],
        labels: r.labels ?? {},
        object: undefined,
        bootstrap: true,
      };
      this.addRole(role);
      if (r.aggregateFrom) aggregation.push({ role, selectors: r.aggregateFrom.map((m) => ({ matchLabels: m })) });
    }
    for (const r of BOOTSTRAP_NAMESPACE_ROLES)
      this.addRole({
        kind: 'Role',
        name: r.name,
        namespace: r.namespace,
        rules: r.rules,
        aggregatedFrom: [],
        labels: {},
        object: undefined,
        bootstrap: true,
      });
  }

  private addBootstrapBindings(): void {
    const subjects = (list: readonly Subject[]): BindingSubject[] => list.map((subject, index) => ({ subject, index }));
    for (const b of BOOTSTRAP_CLUSTER_ROLE_BINDINGS)
      this.reconcileBinding({
        kind: 'ClusterRoleBinding',
        name: b.name,
        namespace: undefined,
        roleRef: { kind: 'ClusterRole', name: b.role },
        subjects: subjects(b.subjects),
        object: undefined,
        bootstrap: true,
      });
    for (const b of BOOTSTRAP_ROLE_BINDINGS)
      this.reconcileBinding({
        kind: 'RoleBinding',
        name: b.name,
        namespace: b.namespace,
        roleRef: { kind: 'Role', name: b.role },
        subjects: subjects(b.subjects),
        object: undefined,
        bootstrap: true,
      });
  }

  /**
   * Add a bootstrap binding as the API server reconciles it with a manifest
   * binding of the same name (computeReconciledRoleBinding): a protected one
   * (autoupdate "false") stays as written; one with another roleRef is
   * deleted and the default created; otherwise the default subjects it lacks
   * are added (here: a bootstrap binding holding just those).
   */
  private reconcileBinding(boot: BindingDef): void {
    const mine = this.bindings.find(
      (x) => !x.bootstrap && x.kind === boot.kind && x.name === boot.name && x.namespace === boot.namespace,
    );
    if (!mine?.object) {
      this.addBinding(boot);
      return;
    }
    if (reconcileProtected(mine.object)) return;
    if (mine.roleRef.kind !== boot.roleRef.kind || mine.roleRef.name !== boot.roleRef.name) {
      if (!this.keepReplaced) this.removeBinding(mine);
      this.addBinding(boot);
      return;
    }
    const have = new Set(mine.subjects.map((s) => formatSubject(s.subject)));
    const missing = boot.subjects.filter((s) => !have.has(formatSubject(s.subject)));
    if (missing.length > 0) this.addBinding({ ...boot, subjects: missing });
  }

  private removeBinding(b: BindingDef): void {
    this.bindings.splice(this.bindings.indexOf(b), 1);
    for (const list of this.bySubject.values()) {
      const i = list.indexOf(b);
      if (i >= 0) list.splice(i, 1);
    }
  }

  private addRoleObject(o: KubeObject, aggregation: { role: RoleDef; selectors: LabelSelector[] }[]): void {
    const rules: PolicyRule[] = [];
    const rawRules = o.raw.rules;
    if (rawRules !== undefined && rawRules !== null && !Array.isArray(rawRules))
      this.problems.push({ type: 'invalid', object: o, path: '/rules', message: 'rules is not a list' });
    if (Array.isArray(rawRules))
      rawRules.forEach((r, i) => {
        const pr = toPolicyRule(r);
        if (pr) rules.push(pr);
        else this.problems.push({ type: 'invalid', object: o, path: `/rules/${i}`, message: 'rule is not an object' });
      });
    const role: RoleDef = {
      kind: o.kind === 'Role' ? 'Role' : 'ClusterRole',
      name: o.name,
      namespace: o.kind === 'Role' ? (o.namespace ?? 'default') : undefined,
      rules,
      aggregatedFrom: [],
      labels: labelsOf(o.raw),
      object: o,
      bootstrap: false,
    };
    // A manifest role takes the place of the bootstrap role of the same name. Unless it is
    // protected (autoupdate "false"), the API server reconciles it at every start: the
    // default rules it lacks are added, default labels it lacks too, and its aggregation
    // selectors become the union with the default ones (or none, when the default role
    // is not aggregated) — component-helpers auth/rbac/reconciliation computeReconciledRole.
    const boot =
      role.kind === 'ClusterRole'
        ? this.clusterRoles.get(role.name)
        : this.nsRoles.get(`${role.namespace}/${role.name}`);
    let bootSelectors: LabelSelector[] | undefined;
    const reconciled = boot?.bootstrap === true && !reconcileProtected(o);
    if (boot?.bootstrap) {
      this.roles.splice(this.roles.indexOf(boot), 1);
      const j = aggregation.findIndex((a) => a.role === boot);
      if (j >= 0) bootSelectors = aggregation.splice(j, 1)[0]?.selectors;
      if (reconciled) {
        role.rules = [...role.rules, ...uncoveredRules(role.rules, boot.rules)];
        role.labels = { ...boot.labels, ...role.labels };
      }
    }
    this.addRole(role);
    if (reconciled && bootSelectors) {
      aggregation.push({ role, selectors: [...this.selectorsOf(o), ...bootSelectors] });
      return;
    }
    if (reconciled) return; // the default role is not aggregated: the API server removes the aggregationRule
    const agg = o.raw.aggregationRule;
    if (role.kind === 'ClusterRole' && agg && typeof agg === 'object' && !Array.isArray(agg))
      aggregation.push({ role, selectors: this.selectorsOf(o) });
  }

  /** The valid clusterRoleSelectors of an aggregated ClusterRole object (invalid ones are problems). */
  private selectorsOf(o: KubeObject): LabelSelector[] {
    const selectors: LabelSelector[] = [];
    const agg = o.raw.aggregationRule;
    if (o.kind === 'ClusterRole' && agg && typeof agg === 'object' && !Array.isArray(agg)) {
      const sels = (agg as Record<string, unknown>).clusterRoleSelectors;
      if (Array.isArray(sels))
        sels.forEach((s, i) => {
          const p = parseLabelSelector(s);
          if (p.ok) selectors.push(p.selector);
          else
            this.problems.push({
              type: 'invalid',
              object: o,
              path: `/aggregationRule/clusterRoleSelectors/${i}`,
              message: p.error,
            });
        });
    }
    return selectors;
  }

  /**
   * The aggregation controller overwrites an aggregated ClusterRole's rules
   * with the union of the rules of every ClusterRole its selectors match
   * (when that union is not empty).
   * Aggregated roles can feed each other (view → edit → admin), so resolve
   * depth-first with a guard against cycles.
   */
  private resolveAggregation(aggregation: { role: RoleDef; selectors: LabelSelector[] }[]): void {
    const byRole = new Map(aggregation.map((a) => [a.role, a.selectors]));
    const done = new Set<RoleDef>();
    const visiting = new Set<RoleDef>();
    const clusterRoles = [...this.clusterRoles.values()];
    const resolve = (role: RoleDef): void => {
      const selectors = byRole.get(role);
      if (!selectors || done.has(role) || visiting.has(role)) return;
      visiting.add(role);
      const rules: PolicyRule[] = [];
      const from: string[] = [];
      for (const other of clusterRoles) {
        if (other === role || !selectors.some((s) => matchesSelector(s, other.labels))) continue;
        resolve(other);
        from.push(other.name);
        for (const r of other.rules) rules.push(r);
      }
      // The controller writes the union by server-side apply; an empty union
      // applies no `rules` field, so the rules the role was written with stay
      // (seen on kube-apiserver + kube-controller-manager v1.36, test/integration/rbac-sar.test.ts).
      if (rules.length > 0) role.rules = rules;
      role.aggregatedFrom = from;
      visiting.delete(role);
      done.add(role);
    };
    for (const a of aggregation) resolve(a.role);
  }

  private addBindingObject(o: KubeObject): void {
    const kind = o.kind === 'RoleBinding' ? 'RoleBinding' : 'ClusterRoleBinding';
    const namespace = kind === 'RoleBinding' ? (o.namespace ?? 'default') : undefined;
    const ref = o.raw.roleRef as Record<string, unknown> | undefined;
    const refKind = ref && typeof ref === 'object' ? ref.kind : undefined;
    const refName = ref && typeof ref === 'object' ? ref.name : undefined;
    if ((refKind !== 'Role' && refKind !== 'ClusterRole') || typeof refName !== 'string' || !refName) {
      this.problems.push({
        type: 'invalid',
        object: o,
        path: '/roleRef',
        message: 'roleRef needs kind Role or ClusterRole and a name',
      });
      return;
    }
    if (kind === 'ClusterRoleBinding' && refKind === 'Role') {
      this.problems.push({
        type: 'invalid',
        object: o,
        path: '/roleRef/kind',
        message: 'a ClusterRoleBinding can only reference a ClusterRole',
      });
      return;
    }
    const subjects: BindingSubject[] = [];
    const raw = o.raw.subjects;
    if (Array.isArray(raw))
      raw.forEach((s, index) => {
        const subject = toSubject(s, namespace);
        if (subject) subjects.push({ subject, index });
        else
          this.problems.push({
            type: 'invalid',
            object: o,
            path: `/subjects/${index}`,
            message:
              kind === 'ClusterRoleBinding' && isRecord(s) && s.kind === 'ServiceAccount'
                ? 'a ServiceAccount subject of a ClusterRoleBinding needs a namespace'
                : 'subject needs kind User, Group or ServiceAccount and a name',
          });
      });
    this.addBinding({
      kind,
      name: o.name,
      namespace,
      roleRef: { kind: refKind, name: refName },
      subjects,
      object: o,
      bootstrap: false,
    });
  }

  private addBinding(b: BindingDef): void {
    this.bindings.push(b);
    for (const { subject } of b.subjects) {
      const key = indexKey(subject);
      let list = this.bySubject.get(key);
      if (!list) this.bySubject.set(key, (list = []));
      if (!list.includes(b)) list.push(b);
    }
  }

  private checkBinding(b: BindingDef): void {
    if (!this.roleOf(b)) {
      const known = isDefaultRole(b);
      if (!known)
        this.problems.push({
          type: 'missing-role',
          binding: b,
          message: `${b.kind} ${b.namespace ? `${b.namespace}/` : ''}${b.name} references ${b.roleRef.kind} ${b.roleRef.kind === 'Role' ? `${b.namespace}/` : ''}${b.roleRef.name}, which does not exist`,
        });
    }
    if (b.bootstrap) return;
    const defaults = this.defaultBindings.get(b);
    for (const bs of b.subjects) {
      const s = bs.subject;
      // the controllers' accounts of a default binding exist where their controllers run
      if (defaults?.has(formatSubject(s))) continue;
      // Every namespace has a `default` service account, created by the cluster.
      if (s.kind === 'ServiceAccount' && s.name !== 'default' && !this.serviceAccounts.has(`${s.namespace}/${s.name}`))
        this.problems.push({
          type: 'missing-subject',
          binding: b,
          subject: bs,
          message: `${b.kind} ${b.namespace ? `${b.namespace}/` : ''}${b.name} binds ServiceAccount ${s.namespace}/${s.name}, which does not exist`,
        });
    }
  }

  /** The role a binding references, or undefined when it does not exist. */
  roleOf(b: BindingDef): RoleDef | undefined {
    if (b.roleRef.kind === 'ClusterRole') return this.clusterRoles.get(b.roleRef.name);
    return this.nsRoles.get(`${b.namespace}/${b.roleRef.name}`);
  }

  clusterRole(name: string): RoleDef | undefined {
    return this.clusterRoles.get(name);
  }

  role(namespace: string, name: string): RoleDef | undefined {
    return this.nsRoles.get(`${namespace}/${name}`);
  }

  /** Bindings whose role reference does not resolve (and is not a default role left out of the input). */
  unresolvedDefaultRoles(): BindingDef[] {
    return this.bindings.filter((b) => !this.roleOf(b) && isDefaultRole(b));
  }

  /** Every binding that applies to the user (by user name, or by one of its groups). */
  bindingsFor(user: UserInfo): BindingDef[] {
    const seen = new Set<BindingDef>();
    const add = (list: BindingDef[] | undefined) => {
      for (const b of list ?? []) seen.add(b);
    };
    if (user.name) add(this.bySubject.get(`u:${user.name}`));
    for (const g of user.groups) add(this.bySubject.get(`g:${g}`));
    return [...seen];
  }

  /** Every rule that applies to the user, with the binding and role it comes from. */
  grantsFor(user: UserInfo): Grant[] {
    const key = `${user.name}\u0000${[...user.groups].sort().join('\u0000')}`;
    const hit = this.grantCache.get(key);
    if (hit) return hit;
    const grants: Grant[] = [];
    for (const b of this.bindingsFor(user)) {
      const role = this.roleOf(b);
      if (!role) continue;
      const via = b.subjects.find((s) => appliesTo(s.subject, user))?.subject;
      if (!via) continue;
      const scope = b.kind === 'ClusterRoleBinding' ? '*' : (b.namespace as string);
      for (const rule of role.rules) grants.push({ rule, scope, binding: b, role, via });
    }
    this.grantCache.set(key, grants);
    return grants;
  }

  grantsForSubject(s: Subject): Grant[] {
    return this.grantsFor(userInfoOf(s));
  }

  /**
   * Whether the API server's RBAC authorizer allows the request, and the
   * grants that allow it. Members of `system:masters` are allowed before RBAC
   * is asked, as in every API server.
   */
  authorize(user: UserInfo, req: AccessRequest): { allowed: boolean; superuser: boolean; grants: Grant[] } {
    const superuser = user.groups.includes(SUPERUSER_GROUP);
    const grants = this.grantsFor(user).filter((g) => grantApplies(g, req));
    return { allowed: superuser || grants.length > 0, superuser, grants };
  }

  /**
   * Every binding subject that is allowed the request, with the grant that
   * allows it (one row per subject and binding), plus `system:masters`.
   */
  whoCan(req: AccessRequest): WhoCanRow[] {
    const rows: WhoCanRow[] = [];
    for (const b of this.bindings) {
      const scope = b.kind === 'ClusterRoleBinding' ? '*' : (b.namespace as string);
      if (!scopeApplies(scope, req)) continue;
      const role = this.roleOf(b);
      if (!role) continue;
      const rule = role.rules.find((r) => ruleAllows(r, req));
      if (!rule) continue;
      for (const { subject } of b.subjects) rows.push({ subject, binding: b, role, rule });
    }
    if (!rows.some((r) => r.subject.kind === 'Group' && r.subject.name === SUPERUSER_GROUP))
      rows.push({
        subject: { kind: 'Group', name: SUPERUSER_GROUP },
        binding: undefined,
        role: undefined,
        rule: undefined,
      });
    return rows;
  }

  /** Every subject the policy names (binding subjects) plus every ServiceAccount object. */
  subjects(): Subject[] {
    const out = new Map<string, Subject>();
    for (const b of this.bindings) for (const { subject } of b.subjects) out.set(formatSubject(subject), subject);
    for (const sa of this.serviceAccounts.values()) {
      const s: Subject = { kind: 'ServiceAccount', namespace: sa.namespace ?? 'default', name: sa.name };
      out.set(formatSubject(s), s);
    }
    return [...out.values()];
  }
}

export interface WhoCanRow {
  subject: Subject;
  /** Undefined for `system:masters`, which needs no binding. */
  binding: BindingDef | undefined;
  role: RoleDef | undefined;
  rule: PolicyRule | undefined;
}

/**
 * A ClusterRoleBinding's rules apply everywhere; a RoleBinding's only to
 * namespaced requests in its namespace — never to cluster-scoped resources,
 * requests across all namespaces, or non-resource URLs.
 */
export function scopeApplies(scope: string, req: AccessRequest): boolean {
  if (scope === '*') return true;
  return req.type === 'resource' && req.namespace === scope;
}

export function grantApplies(g: Grant, req: AccessRequest): boolean {
  return scopeApplies(g.scope, req) && ruleAllows(g.rule, req);
}

/** Whether a binding subject names the user (rbac.appliesToUser). */
export function appliesTo(s: Subject, user: UserInfo): boolean {
  switch (s.kind) {
    case 'User':
      return user.name !== '' && s.name === user.name;
    case 'Group':
      return user.groups.includes(s.name);
    case 'ServiceAccount':
      return user.name === serviceAccountUsername(s.namespace, s.name);
  }
}

/** A binding to one of Kubernetes' default roles (which a manifest-only input usually lacks). */
function isDefaultRole(b: BindingDef): boolean {
  return b.roleRef.kind === 'ClusterRole'
    ? BOOTSTRAP_CLUSTER_ROLE_NAMES.has(b.roleRef.name)
    : BOOTSTRAP_ROLE_KEYS.has(`${b.namespace}/${b.roleRef.name}`);
}

function indexKey(s: Subject): string {
  switch (s.kind) {
    case 'User':
      return `u:${s.name}`;
    case 'Group':
      return `g:${s.name}`;
    case 'ServiceAccount':
      return `u:${serviceAccountUsername(s.namespace, s.name)}`;
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

/** A binding subject; a ServiceAccount without a namespace takes the RoleBinding's (none for a ClusterRoleBinding). */
function toSubject(v: unknown, bindingNamespace: string | undefined): Subject | undefined {
  if (!isRecord(v) || typeof v.name !== 'string' || !v.name) return undefined;
  if (v.kind === 'User' || v.kind === 'Group') return { kind: v.kind, name: v.name };
  if (v.kind === 'ServiceAccount') {
    const ns = typeof v.namespace === 'string' && v.namespace ? v.namespace : bindingNamespace;
    return ns ? { kind: 'ServiceAccount', namespace: ns, name: v.name } : undefined;
  }
  return undefined;
}
