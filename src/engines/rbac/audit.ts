import { serviceAccountUsername } from './subject.js';
import type { PolicyRule } from './types.js';

/** The parts of an audit.k8s.io/v1 Event that RBAC generation reads. */
export interface AuditRequest {
  auditID: string;
  /** The user the request was authorized as (the impersonated user when there was one). */
  user: string;
  groups: string[];
  verb: string;
  stage: string;
  code: number | undefined;
  target:
    | { type: 'resource'; apiGroup: string; resource: string; subresource: string; namespace: string; name: string }
    | { type: 'nonResource'; path: string };
}

export interface AuditParse {
  requests: AuditRequest[];
  /** One per line that is not an audit Event (1-based line numbers). */
  problems: { line: number; message: string }[];
}

/** Parse audit.k8s.io Event JSON lines (one event per line; an EventList per line is accepted too). */
export function parseAuditLog(text: string): AuditParse {
  const requests: AuditRequest[] = [];
  const problems: { line: number; message: string }[] = [];
  const seen = new Map<string, number>();
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (!line) return;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch (err) {
      problems.push({ line: i + 1, message: `not JSON (${err instanceof Error ? err.message : String(err)})` });
      return;
    }
    const events = isRecord(v) && v.kind === 'EventList' && Array.isArray(v.items) ? v.items : [v];
    for (const e of events) {
      const r = toRequest(e);
      if (typeof r === 'string') {
        problems.push({ line: i + 1, message: r });
        continue;
      }
      // One request per auditID: the ResponseComplete stage wins over earlier stages.
      const at = r.auditID ? seen.get(r.auditID) : undefined;
      if (at === undefined) {
        if (r.auditID) seen.set(r.auditID, requests.length);
        requests.push(r);
      } else if (r.stage === 'ResponseComplete') requests[at] = r;
    }
  });
  return { requests, problems };
}

function toRequest(e: unknown): AuditRequest | string {
  if (
    !isRecord(e) ||
    e.kind !== 'Event' ||
    typeof e.apiVersion !== 'string' ||
    !e.apiVersion.startsWith('audit.k8s.io/')
  )
    return 'not an audit.k8s.io Event';
  const who = isRecord(e.impersonatedUser) ? e.impersonatedUser : isRecord(e.user) ? e.user : undefined;
  if (!who || typeof who.username !== 'string') return 'event has no user';
  if (typeof e.verb !== 'string') return 'event has no verb';
  const groups = Array.isArray(who.groups) ? who.groups.filter((g): g is string => typeof g === 'string') : [];
  const status = isRecord(e.responseStatus) ? e.responseStatus.code : undefined;
  const base = {
    auditID: typeof e.auditID === 'string' ? e.auditID : '',
    user: who.username,
    groups,
    verb: e.verb,
    stage: typeof e.stage === 'string' ? e.stage : '',
    code: typeof status === 'number' ? status : undefined,
  };
  const ref = e.objectRef;
  if (isRecord(ref) && typeof ref.resource === 'string' && ref.resource) {
    return {
      ...base,
      target: {
        type: 'resource',
        apiGroup: typeof ref.apiGroup === 'string' ? ref.apiGroup : '',
        resource: ref.resource,
        subresource: typeof ref.subresource === 'string' ? ref.subresource : '',
        namespace: typeof ref.namespace === 'string' ? ref.namespace : '',
        name: typeof ref.name === 'string' ? ref.name : '',
      },
    };
  }
  if (typeof e.requestURI !== 'string') return 'event has neither objectRef nor requestURI';
  const path = e.requestURI.split('?')[0] ?? '';
  return { ...base, target: { type: 'nonResource', path } };
}

export interface GenerateOptions {
  /** Only this user (a service account as `system:serviceaccount:NS:NAME`); default every user in the log. */
  user?: string;
  /** Restrict get/update/patch/delete to the names used. */
  resourceNames?: boolean;
  /** Leave out requests that were denied (403); by default every attempted request counts, as in audit2rbac. */
  onlyAllowed?: boolean;
  /** Name prefix of the generated objects (default `kubeprint`). */
  namePrefix?: string;
}

/** Verbs whose authorization carries the object name (create, list, watch, deletecollection do not). */
const NAMED_VERBS = new Set(['get', 'update', 'patch', 'delete']);

/**
 * The smallest Roles/ClusterRoles and bindings that allow exactly the
 * requests in the log: namespaced requests become a Role and RoleBinding in
 * their namespace unless the same permission is needed cluster-wide;
 * cluster-scoped resources, requests across all namespaces and non-resource
 * URLs become a ClusterRole and ClusterRoleBinding. Users in system:masters
 * (who need no RBAC) are left out. Returns plain objects in a stable order.
 */
export function generateFromAudit(
  requests: readonly AuditRequest[],
  opts: GenerateOptions = {},
): Record<string, unknown>[] {
  const prefix = opts.namePrefix ?? 'kubeprint';
  const byUser = new Map<string, AuditRequest[]>();
  for (const r of requests) {
    if (opts.user !== undefined && r.user !== opts.user) continue;
    if (opts.user === undefined && r.groups.includes('system:masters')) continue;
    if (opts.onlyAllowed && r.code === 403) continue;
    let list = byUser.get(r.user);
    if (!list) byUser.set(r.user, (list = []));
    list.push(r);
  }
  const out: Record<string, unknown>[] = [];
  for (const user of [...byUser.keys()].sort()) {
    const reqs = byUser.get(user) as AuditRequest[];
    // (namespace or '' for cluster) → set of permission keys
    const perms = new Map<string, Set<string>>();
    const add = (scope: string, key: string) => {
      let s = perms.get(scope);
      if (!s) perms.set(scope, (s = new Set()));
      s.add(key);
    };
    for (const r of reqs) {
      const t = r.target;
      if (t.type === 'nonResource') {
        add('', JSON.stringify(['url', r.verb, t.path]));
        continue;
      }
      const name = opts.resourceNames && t.name && NAMED_VERBS.has(r.verb) ? t.name : '';
      const res = t.subresource ? `${t.resource}/${t.subresource}` : t.resource;
      add(t.namespace, JSON.stringify(['res', r.verb, t.apiGroup, res, name]));
    }
    const cluster = perms.get('') ?? new Set<string>();
    const subject = subjectOf(user);
    const base = `${prefix}:${subject.kind === 'ServiceAccount' ? subject.name : user}`;
    const annotations = { 'kubeprint.dev/generated-from': 'audit', 'kubeprint.dev/user': user };
    if (cluster.size) {
      out.push({
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRole',
        metadata: { name: base, annotations },
        rules: compactRules([...cluster]),
      });
      out.push({
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRoleBinding',
        metadata: { name: base, annotations },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: base },
        subjects: [subject],
      });
    }
    for (const ns of [...perms.keys()].filter((k) => k !== '').sort()) {
      // A namespaced permission the cluster-wide role already holds is not repeated.
      const keys = [...(perms.get(ns) as Set<string>)].filter((k) => !cluster.has(k) && !coveredByUnnamed(k, cluster));
      if (keys.length === 0) continue;
      out.push({
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'Role',
        metadata: { name: base, namespace: ns, annotations },
        rules: compactRules(keys),
      });
      out.push({
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'RoleBinding',
        metadata: { name: base, namespace: ns, annotations },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: base },
        subjects: [subject],
      });
    }
  }
  return out;
}

function coveredByUnnamed(key: string, cluster: Set<string>): boolean {
  const k = JSON.parse(key) as string[];
  return k[0] === 'res' && k[4] !== '' && cluster.has(JSON.stringify([...k.slice(0, 4), '']));
}

function subjectOf(user: string): Record<string, string> {
  const sa = user.startsWith('system:serviceaccount:') ? user.slice('system:serviceaccount:'.length).split(':') : [];
  if (sa.length === 2 && sa[0] && sa[1] && serviceAccountUsername(sa[0], sa[1]) === user)
    return { kind: 'ServiceAccount', name: sa[1], namespace: sa[0] };
  return { apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: user };
}

/**
 * Fold permission keys into few rules: one per (API group, resource, names)
 * with its verbs, then resources with identical verbs and names merged.
 */
function compactRules(keys: string[]): PolicyRuleOut[] {
  const res = new Map<string, Set<string>>(); // group|resource|name → verbs
  const urls = new Map<string, Set<string>>(); // path → verbs
  for (const key of keys) {
    const k = JSON.parse(key) as string[];
    if (k[0] === 'url') addTo(urls, k[2] as string, k[1] as string);
    else addTo(res, JSON.stringify([k[2], k[3], k[4]]), k[1] as string);
  }
  const merged = new Map<string, { apiGroup: string; resources: Set<string>; names: Set<string>; verbs: string[] }>();
  for (const [k, verbs] of res) {
    const [group = '', resource = '', name = ''] = JSON.parse(k) as string[];
    const v = [...verbs].sort();
    // Same group and verbs: merge resources (names only together with the same resources).
    const mk = JSON.stringify([group, v, name ? resource : '']);
    let m = merged.get(mk);
    if (!m) merged.set(mk, (m = { apiGroup: group, resources: new Set(), names: new Set(), verbs: v }));
    m.resources.add(resource);
    if (name) m.names.add(name);
  }
  const rules: PolicyRuleOut[] = [...merged.values()]
    .map((m) => {
      const r: PolicyRuleOut = { apiGroups: [m.apiGroup], resources: [...m.resources].sort() };
      if (m.names.size) r.resourceNames = [...m.names].sort();
      r.verbs = m.verbs;
      return r;
    })
    .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  const byVerbs = new Map<string, string[]>();
  for (const [path, verbs] of urls) {
    const v = JSON.stringify([...verbs].sort());
    const list = byVerbs.get(v) ?? [];
    list.push(path);
    byVerbs.set(v, list);
  }
  for (const [v, paths] of [...byVerbs].sort())
    rules.push({ nonResourceURLs: paths.sort(), verbs: JSON.parse(v) as string[] });
  return rules;
}

type PolicyRuleOut = Partial<
  Pick<PolicyRule, 'apiGroups' | 'resources' | 'resourceNames' | 'verbs' | 'nonResourceURLs'>
>;

function addTo(m: Map<string, Set<string>>, k: string, v: string): void {
  let s = m.get(k);
  if (!s) m.set(k, (s = new Set()));
  s.add(v);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}
