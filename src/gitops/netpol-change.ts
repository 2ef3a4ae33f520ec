/**
 * For the PR gate: whether a change touches NetworkPolicies (or admin network
 * policies), and if so what it does to who can reach whom — the same diff as
 * `kubeprint netpol diff BASE HEAD`. Pure; loaded only when a base was scanned.
 */
import { connectivity, connectivityDiff, formatDiff } from '../engines/netpol/index.js';
import type { ConnectivityChange, NetworkPolicyChange } from '../model/baseline.js';
import { type KubeObject, objectKey } from '../model/kube-object.js';

/** The policy kinds the reachability engine reads, by API group. */
const POLICY_KINDS: ReadonlyMap<string, ReadonlySet<string>> = new Map([
  ['networking.k8s.io', new Set(['NetworkPolicy'])],
  ['policy.networking.k8s.io', new Set(['AdminNetworkPolicy', 'BaselineAdminNetworkPolicy'])],
]);

function isPolicy(o: KubeObject): boolean {
  const slash = o.apiVersion.lastIndexOf('/');
  const group = slash < 0 ? '' : o.apiVersion.slice(0, slash);
  return POLICY_KINDS.get(group)?.has(o.kind) ?? false;
}

/**
 * Each policy by identity (kind, namespace, name), with its specs as
 * canonical JSON (one per copy: overlays may render one policy twice).
 * Only the spec decides what a policy allows; labels, annotations and the
 * file it sits in do not.
 */
function policies(objects: readonly KubeObject[]): Map<string, string> {
  const specs = new Map<string, string[]>();
  for (const o of objects) {
    if (!isPolicy(o)) continue;
    const key = objectKey(o).replace('/', ' ');
    let list = specs.get(key);
    if (!list) specs.set(key, (list = []));
    list.push(canonical(o.raw.spec ?? null));
  }
  return new Map([...specs].map(([k, list]) => [k, list.sort().join('\u0000')]));
}

/** JSON with object keys sorted, so that equal values give equal text. */
export function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>)
      .filter(([, x]) => x !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, x]) => `${JSON.stringify(k)}:${canonical(x)}`).join(',')}}`;
  }
  return JSON.stringify(v) ?? 'null';
}

/** `added NetworkPolicy shop/web`, … for the policies that differ; empty when none does. */
export function changedPolicies(base: readonly KubeObject[], head: readonly KubeObject[]): string[] {
  const before = policies(base);
  const after = policies(head);
  const out: string[] = [];
  for (const [k, spec] of after) {
    const was = before.get(k);
    if (was === undefined) out.push(`added ${k}`);
    else if (was !== spec) out.push(`changed ${k}`);
  }
  for (const k of before.keys()) if (!after.has(k)) out.push(`removed ${k}`);
  return out.sort();
}

/**
 * What a change does to NetworkPolicies: undefined when no policy differs;
 * else the policies that differ and the connections that differ between the
 * workloads of the base and of the head (empty when the change allows and
 * denies exactly what it did).
 */
export function networkPolicyChange(
  base: readonly KubeObject[],
  head: readonly KubeObject[],
): NetworkPolicyChange | undefined {
  const changed = changedPolicies(base, head);
  if (changed.length === 0) return undefined;
  const a = connectivity(base);
  const b = connectivity(head);
  const rows = JSON.parse(formatDiff(connectivityDiff(a.engine, b.engine), 'json')) as Array<Record<string, string>>;
  const conn: ConnectivityChange[] = rows.map((r) => ({
    type: r['diff-type'] as ConnectivityChange['type'],
    source: r.source ?? '',
    destination: r.destination ?? '',
    before: r.ref1 ?? '',
    after: r.ref2 ?? '',
    workloads: r['workloads-diff-info'] ?? '',
  }));
  const problems = [
    ...a.problems.map((p) => `base: ${p.level}: ${p.message}`),
    ...b.problems.map((p) => `head: ${p.level}: ${p.message}`),
  ];
  return { changed, connectivity: conn, problems };
}
