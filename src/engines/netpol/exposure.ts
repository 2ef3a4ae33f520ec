/**
 * Exposure analysis, after np-guard's `--exposure`: what each workload may be
 * reached from, or may reach, beyond the workloads in the input. A NetworkPolicy
 * rule whose peer selector can match pods that are not in the input stands for a
 * "representative" peer (`[namespace with {env=prod}]/[all pods]`); a rule that
 * selects all namespaces exposes the workload to `entire-cluster`; a workload no
 * policy isolates is exposed to everything in that direction.
 */
import type { LabelSelector, LabelSelectorRequirement } from '../../model/selector.js';
import { isEmptySelector, matchesSelector } from '../../model/selector.js';
import { type Connection, type Endpoint, endpointName, type Reachability } from './analyze.js';
import { ConnSet, PROTOCOLS, type Protocol } from './conn.js';
import { type DotExposureEdge, formatDot } from './dot.js';
import { connLines, csvField, formatConnlist, formatFocusedOnConnection } from './format.js';
import * as iv from './intervals.js';
import {
  type AdminPolicy,
  type AnpPeer,
  type AnpRule,
  type NetworkPolicy,
  type NpPeer,
  type NpRule,
  NS_NAME_LABEL,
  type WorkloadPod,
} from './model.js';

/** A protocol, or '' for an AdminNetworkPolicy named port (which names no protocol). */
type NamedKey = Protocol | '';
const NAMED_KEYS: readonly NamedKey[] = ['', ...PROTOCOLS];

/** Connections towards a peer outside the input: numbered ports, plus named ports that no pod resolves. */
export interface ExposureConn {
  ports: ConnSet;
  named: Readonly<Partial<Record<NamedKey, readonly string[]>>>;
}

/** A peer beyond the input: every namespace, or the pods a rule's selectors describe. */
export type ExposurePeer =
  | { type: 'entire-cluster' }
  | { type: 'selector'; nsSel: LabelSelector; podSel: LabelSelector | undefined };

export interface ExposureItem {
  peer: ExposurePeer;
  conn: ExposureConn;
}

export interface XgressExposure {
  /** False when no NetworkPolicy isolates the workload in this direction (then it is open to everything). */
  isProtected: boolean;
  items: ExposureItem[];
}

export interface ExposedWorkload {
  pod: WorkloadPod;
  ingress: XgressExposure;
  egress: XgressExposure;
}

export interface ExposureOptions {
  /** Only these workloads (`name` or `ns/name`), as np-guard's --focusworkload. */
  workloads?: readonly string[];
  /** With `workloads`: only the exposure in this direction. */
  direction?: 'ingress' | 'egress';
}

const NO_NAMES: ExposureConn['named'] = {};

function conn(ports: ConnSet, named: ExposureConn['named'] = NO_NAMES): ExposureConn {
  return { ports, named };
}

function unionConn(a: ExposureConn, b: ExposureConn): ExposureConn {
  const named: Partial<Record<NamedKey, string[]>> = {};
  for (const p of NAMED_KEYS) {
    const s = new Set([...(a.named[p] ?? []), ...(b.named[p] ?? [])]);
    if (s.size > 0) named[p] = [...s].sort();
  }
  return { ports: a.ports.union(b.ports), named };
}

function isEmptyConn(c: ExposureConn): boolean {
  return c.ports.isEmpty() && NAMED_KEYS.every((p) => (c.named[p] ?? []).length === 0);
}

function equalConn(a: ExposureConn, b: ExposureConn): boolean {
  if (!a.ports.equals(b.ports)) return false;
  if (a.ports.isAll()) return true;
  return NAMED_KEYS.every((p) => (a.named[p] ?? []).join(',') === (b.named[p] ?? []).join(','));
}

/**
 * np-guard's wording, with named ports after the numbered ones: `TCP 8080,http,UDP 53`; an
 * AdminNetworkPolicy named port has no protocol (` local-port`).
 */
export function exposureConnString(c: ExposureConn): string {
  if (c.ports.isAll()) return 'All Connections';
  if (isEmptyConn(c)) return 'No Connections';
  const parts: string[] = [];
  const any = c.named[''] ?? [];
  if (any.length > 0) parts.push(` ${any.join(',')}`);
  for (const p of PROTOCOLS) {
    const r = c.ports.ports[p];
    const items: string[] = [];
    for (let i = 0; i < r.length; i += 2) items.push(r[i] === r[i + 1] ? `${r[i]}` : `${r[i]}-${r[i + 1]}`);
    items.push(...(c.named[p] ?? []));
    if (items.length > 0) parts.push(`${p} ${items.join(',')}`);
  }
  return parts.join(',');
}

/** A rule's connections towards a peer outside the input: named ports stay names. */
function ruleConnsUnresolved(rule: NpRule): ExposureConn {
  if (rule.ports.length === 0) return conn(ConnSet.ALL);
  let ports = ConnSet.NONE;
  const named: Partial<Record<Protocol, string[]>> = {};
  for (const p of rule.ports) {
    if (p.port === undefined) ports = ports.union(ConnSet.allOf(p.protocol));
    else if (typeof p.port === 'number')
      ports = ports.union(ConnSet.of(p.protocol, iv.range(p.port, p.endPort ?? p.port)));
    else {
      const l = named[p.protocol] ?? [];
      if (!l.includes(p.port)) l.push(p.port);
      named[p.protocol] = l.sort();
    }
  }
  return conn(ports, named);
}

/** True for a peer that selects every pod in every namespace (`namespaceSelector: {}` without a narrower podSelector). */
function selectsAllNamespaces(peer: NpPeer): boolean {
  return (
    peer.type === 'pods' &&
    peer.nsSel !== undefined &&
    isEmptySelector(peer.nsSel) &&
    (peer.podSel === undefined || isEmptySelector(peer.podSel))
  );
}

/** Canonical requirement strings of a selector, sorted by key, `k in (v)` written as `k=v` (as np-guard compares them). */
function requirementKeys(sel: LabelSelector): string[] {
  const reqs: Array<[string, string]> = [];
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) reqs.push([k, `${k}=${v}`]);
  for (const e of sel.matchExpressions ?? []) {
    const vals = [...(e.values ?? [])].sort();
    if (e.operator === 'In' && vals.length === 1) reqs.push([e.key, `${e.key}=${vals[0]}`]);
    else reqs.push([e.key, `${e.key} ${e.operator} (${vals.join(',')})`]);
  }
  return reqs
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0))
    .map((r) => r[1]);
}

function selectorKey(sel: LabelSelector | undefined): string {
  return sel === undefined ? '' : requirementKeys(sel).join('&');
}

/** A rule selector "fully matches" a representative's selector: it is empty, or has the same requirements. */
function fullMatch(rule: LabelSelector, rep: LabelSelector | undefined): boolean {
  if (isEmptySelector(rule)) return true;
  if (rep === undefined) return false;
  const a = requirementKeys(rule);
  const b = requirementKeys(rep);
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

interface Representative {
  /** The policy's namespace when the rule had no namespaceSelector, else ''. */
  ns: string;
  nsSel: LabelSelector;
  podSel: LabelSelector | undefined;
}

function repMatchesPeer(policy: NetworkPolicy, peer: NpPeer, rep: Representative): boolean {
  if (peer.type !== 'pods') return false;
  const nsOk = peer.nsSel === undefined ? policy.namespace === rep.ns : fullMatch(peer.nsSel, rep.nsSel);
  return nsOk && (peer.podSel === undefined || fullMatch(peer.podSel, rep.podSel));
}

function ruleSelectsRep(policy: NetworkPolicy, rule: NpRule, rep: Representative): boolean {
  return rule.peers.length === 0 || rule.peers.some((p) => repMatchesPeer(policy, p, rep));
}

/** One representative per distinct pair of rule selectors, less those a real workload matches exactly (matchLabels only). */
function representatives(engine: Reachability): Representative[] {
  const reps = new Map<string, Representative>();
  for (const policy of engine.model.policies) {
    for (const rules of [policy.ingress, policy.egress]) {
      for (const rule of rules ?? []) {
        if (rule.peers.some(selectsAllNamespaces)) continue; // the rule is an entire-cluster exposure
        for (const peer of rule.peers) {
          if (peer.type !== 'pods') continue;
          const rep: Representative =
            peer.nsSel === undefined
              ? {
                  ns: policy.namespace,
                  nsSel: { matchLabels: { [NS_NAME_LABEL]: policy.namespace } },
                  podSel: peer.podSel,
                }
              : { ns: '', nsSel: peer.nsSel, podSel: peer.podSel };
          const key = `${selectorKey(rep.nsSel)}/${selectorKey(rep.podSel)}`;
          if (!reps.has(key)) reps.set(key, rep);
        }
      }
    }
  }
  const admins = engine.model.baseline
    ? [...engine.model.adminPolicies, engine.model.baseline]
    : engine.model.adminPolicies;
  for (const a of admins) {
    for (const rule of [...a.ingress, ...a.egress]) {
      const sel = rule.peers.filter((p): p is AnpPeer & { type: 'pods' } => p.type === 'pods');
      if (sel.some((p) => isEmptySelector(p.nsSel) && isEmptySelector(p.podSel))) continue;
      for (const p of sel) {
        const rep: Representative = { ns: '', nsSel: p.nsSel, podSel: p.podSel };
        const key = `${selectorKey(rep.nsSel)}/${selectorKey(rep.podSel)}`;
        if (!reps.has(key)) reps.set(key, rep);
      }
    }
  }
  const nsLabels = (ns: string) => engine.model.namespaces.get(ns) ?? { [NS_NAME_LABEL]: ns };
  const real = engine.pods.filter((p) => !p.synthetic);
  for (const [key, rep] of reps) {
    const pod = rep.podSel;
    if (pod === undefined || (pod.matchExpressions ?? []).length > 0) continue;
    if ((rep.nsSel.matchExpressions ?? []).length > 0) continue;
    const podLabels = pod.matchLabels ?? {};
    const nsl = rep.nsSel.matchLabels ?? {};
    if (Object.keys(podLabels).length === 0 || Object.keys(nsl).length === 0) continue;
    const matched = real.some(
      (p) =>
        Object.entries(podLabels).every(([k, v]) => p.labels[k] === v) &&
        Object.entries(nsl).every(([k, v]) => nsLabels(p.namespace)[k] === v),
    );
    if (matched) reps.delete(key);
  }
  return [...reps.values()];
}

function matchesFocus(p: WorkloadPod, names: readonly string[]): boolean {
  return names.includes(p.name) || names.includes(`${p.namespace}/${p.name}`);
}

/**
 * Each workload's exposure beyond the input, as np-guard computes it for
 * NetworkPolicies. Workloads with nothing to report are left out.
 * @example
 * const { engine } = connectivity(objects);
 * formatExposureTxt(engine.connections(), exposureAnalysis(engine));
 */
export function exposureAnalysis(engine: Reachability, opts: ExposureOptions = {}): ExposedWorkload[] {
  const reps = representatives(engine);
  const focus = opts.workloads ?? [];
  const out: ExposedWorkload[] = [];
  for (const pod of engine.pods) {
    if (pod.synthetic || (focus.length > 0 && !matchesFocus(pod, focus))) continue;
    const selecting = engine.model.policies.filter(
      (p) => p.namespace === pod.namespace && matchesSelector(p.podSel, pod.labels),
    );
    const none: XgressExposure = { isProtected: true, items: [] };
    const dir = focus.length > 0 ? opts.direction : undefined;
    const ingress = dir === 'egress' ? none : xgressExposure(engine, pod, selecting, reps, true);
    const egress = dir === 'ingress' ? none : xgressExposure(engine, pod, selecting, reps, false);
    if (ingress.isProtected && egress.isProtected && ingress.items.length === 0 && egress.items.length === 0) continue;
    out.push({ pod, ingress, egress });
  }
  return out;
}

/** The peer an exposure is computed towards: any pod anywhere, or a representative. */
type Other = { kind: 'cluster' } | { kind: 'rep'; rep: Representative };

function npRuleSelects(policy: NetworkPolicy, rule: NpRule, other: Other): boolean {
  if (other.kind === 'cluster') return rule.peers.length === 0 || rule.peers.some(selectsAllNamespaces);
  return ruleSelectsRep(policy, rule, other.rep);
}

function anpPeerSelects(peer: AnpPeer, other: Other): boolean {
  if (peer.type !== 'pods') return false;
  if (other.kind === 'cluster') return isEmptySelector(peer.nsSel) && isEmptySelector(peer.podSel);
  return fullMatch(peer.nsSel, other.rep.nsSel) && fullMatch(peer.podSel, other.rep.podSel);
}

/** An admin rule's connections towards a peer outside the input (named ports resolve against `pod` on ingress only). */
function anpRuleConns(
  engine: Reachability,
  rule: AnpRule,
  a: AdminPolicy,
  pod: WorkloadPod,
  ingress: boolean,
): { ports: ConnSet; names: string[] } {
  if (ingress) return { ports: engine.anpRuleConns(rule, a, { type: 'pod', pod }), names: [] };
  if (rule.ports === undefined) return { ports: ConnSet.ALL, names: [] };
  let ports = ConnSet.NONE;
  const names: string[] = [];
  for (const p of rule.ports) {
    if (p.type === 'number') ports = ports.union(ConnSet.of(p.protocol, [p.port, p.port]));
    else if (p.type === 'range') ports = ports.union(ConnSet.of(p.protocol, iv.range(p.start, p.end)));
    else names.push(p.name);
  }
  return { ports, names };
}

interface Subject {
  pod: WorkloadPod;
  ingress: boolean;
  /** NetworkPolicies that select the pod and isolate it in this direction. */
  policies: NetworkPolicy[];
  admins: AdminPolicy[];
  baseline: AdminPolicy | undefined;
}

/** What the pod may exchange with `other` in one direction: admin tier, NetworkPolicies, baseline tier. */
function connTowards(engine: Reachability, s: Subject, other: Other): ExposureConn {
  const self: Endpoint = { type: 'pod', pod: s.pod };
  let np: ExposureConn | undefined;
  if (s.policies.length > 0) {
    np = conn(ConnSet.NONE);
    for (const policy of s.policies)
      for (const rule of (s.ingress ? policy.ingress : policy.egress) ?? [])
        if (npRuleSelects(policy, rule, other))
          np = unionConn(np, s.ingress ? conn(engine.npRuleConns(rule, policy, self)) : ruleConnsUnresolved(rule));
  }
  if (s.admins.length === 0 && s.baseline === undefined) return np ?? conn(ConnSet.ALL);
  let allowed = ConnSet.NONE;
  let undecided = ConnSet.ALL;
  let passed = ConnSet.NONE;
  const allowedNames = new Set<string>();
  const tier = (a: AdminPolicy) => {
    for (const rule of s.ingress ? a.ingress : a.egress) {
      if (undecided.isEmpty()) break;
      if (!rule.peers.some((p) => anpPeerSelects(p, other))) continue;
      const rc = anpRuleConns(engine, rule, a, s.pod, s.ingress);
      if (rule.action === 'Allow') for (const n of rc.names) allowedNames.add(n);
      const c = rc.ports.intersect(undecided);
      if (rule.action === 'Allow') allowed = allowed.union(c);
      else if (rule.action === 'Pass') passed = passed.union(c);
      undecided = undecided.subtract(c);
    }
  };
  for (const a of s.admins) tier(a);
  undecided = undecided.union(passed);
  const adminNamed = allowedNames.size > 0 ? { '': [...allowedNames].sort() } : NO_NAMES;
  if (np !== undefined)
    return unionConn(conn(allowed.union(undecided.intersect(np.ports)), np.named), conn(ConnSet.NONE, adminNamed));
  if (s.baseline) tier(s.baseline);
  return conn(allowed.union(undecided), allowedNames.size > 0 ? { '': [...allowedNames].sort() } : NO_NAMES);
}

function xgressExposure(
  engine: Reachability,
  pod: WorkloadPod,
  selecting: readonly NetworkPolicy[],
  reps: readonly Representative[],
  ingress: boolean,
): XgressExposure {
  const nsl = engine.model.namespaces.get(pod.namespace) ?? { [NS_NAME_LABEL]: pod.namespace };
  const selects = (a: AdminPolicy) =>
    (ingress ? a.ingress : a.egress).length > 0 &&
    matchesSelector(a.subject.nsSel, nsl) &&
    matchesSelector(a.subject.podSel, pod.labels);
  const base = engine.model.baseline;
  const s: Subject = {
    pod,
    ingress,
    policies: selecting.filter((p) => (ingress ? p.ingress : p.egress) !== undefined),
    admins: engine.model.adminPolicies.filter(selects),
    baseline: base && selects(base) ? base : undefined,
  };
  const isProtected = s.policies.length > 0 || s.admins.length > 0 || s.baseline !== undefined;
  if (!isProtected) return { isProtected, items: [] };
  const cluster = connTowards(engine, s, { kind: 'cluster' });
  const items: ExposureItem[] = [];
  const hasCluster = !isEmptyConn(cluster);
  if (hasCluster) items.push({ peer: { type: 'entire-cluster' }, conn: cluster });
  for (const rep of reps) {
    const c = connTowards(engine, s, { kind: 'rep', rep });
    // a representative differing from the entire-cluster exposure is reported, even with no connections (an exception)
    if (equalConn(c, cluster) || (!hasCluster && isEmptyConn(c))) continue;
    items.push({ peer: { type: 'selector', nsSel: rep.nsSel, podSel: rep.podSel }, conn: c });
  }
  return { isProtected, items };
}

function requirementString(e: LabelSelectorRequirement): string {
  return `{Key:${e.key},Operator:${e.operator},Values:[${(e.values ?? []).join(' ')}],}`;
}

/** np-guard's text of a selector: `a=b,c=d` then the sorted expressions `{Key:k,Operator:In,Values:[x y],}`. */
function selectorString(sel: LabelSelector): string {
  const parts: string[] = [];
  const ml = Object.entries(sel.matchLabels ?? {}).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  if (ml.length > 0) parts.push(ml.map(([k, v]) => `${k}=${v}`).join(','));
  const ex = (sel.matchExpressions ?? []).map(requirementString).sort();
  if (ex.length > 0) parts.push(ex.join(','));
  return parts.join(',');
}

/**
 * np-guard's words for a peer beyond the input, without brackets: the namespaces
 * (`backend`, `all namespaces`, `namespace with {env=prod}`) and the pods
 * (`all pods`, `pod with {app=x}`); `named` when the namespaces are one namespace by name.
 */
export function exposurePeerWords(peer: ExposurePeer & { type: 'selector' }): {
  ns: string;
  pod: string;
  named: boolean;
} {
  const ml = peer.nsSel.matchLabels ?? {};
  const nsName = ml[NS_NAME_LABEL];
  const pod =
    peer.podSel === undefined || isEmptySelector(peer.podSel)
      ? 'all pods'
      : `pod with {${selectorString(peer.podSel)}}`;
  if (nsName !== undefined && Object.keys(ml).length === 1 && (peer.nsSel.matchExpressions ?? []).length === 0)
    return { ns: nsName, pod, named: true };
  const ns = isEmptySelector(peer.nsSel) ? 'all namespaces' : `namespace with {${selectorString(peer.nsSel)}}`;
  return { ns, pod, named: false };
}

/** How np-guard names a peer beyond the input: `entire-cluster`, `backend/[all pods]`, `[all namespaces]/[pod with {app=x}]`. */
export function exposurePeerName(peer: ExposurePeer): string {
  if (peer.type === 'entire-cluster') return 'entire-cluster';
  const w = exposurePeerWords(peer);
  return `${w.named ? w.ns : `[${w.ns}]`}/[${w.pod}]`;
}

/** The exposure as dot edges: an unprotected direction is open to `entire-cluster` on all connections. */
function exposureDotEdges(exposed: readonly ExposedWorkload[]): DotExposureEdge[] {
  const out: DotExposureEdge[] = [];
  for (const e of exposed) {
    const workload: Endpoint = { type: 'pod', pod: e.pod };
    for (const [x, ingress] of [
      [e.ingress, true],
      [e.egress, false],
    ] as const) {
      if (!x.isProtected) {
        out.push({ workload, ingress, peer: { type: 'entire-cluster' }, conn: 'All Connections' });
        continue;
      }
      for (const it of x.items) {
        const conn = exposureConnString(it.conn);
        if (it.peer.type === 'entire-cluster') out.push({ workload, ingress, peer: { type: 'entire-cluster' }, conn });
        else out.push({ workload, ingress, peer: { type: 'representative', ...exposurePeerWords(it.peer) }, conn });
      }
    }
  }
  return out;
}

export interface ExposureLine {
  /** The workload in the input. */
  workload: string;
  /** The peer: beyond the input, or an IP range from the connectivity list. */
  peer: string;
  conn: string;
}

function byKeys(a: [string, string], b: [string, string]): number {
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0;
}

/**
 * The exposure lines of each direction, sorted as np-guard prints them, and the
 * "not protected" notes. Connections with IP ranges (from `conns`) are repeated
 * for the workloads that have an exposure.
 */
export function exposureLines(
  conns: readonly Connection[],
  exposed: readonly ExposedWorkload[],
): { ingress: ExposureLine[]; egress: ExposureLine[]; unprotected: string[] } {
  const ipIn = new Map<string, ExposureLine[]>();
  const ipOut = new Map<string, ExposureLine[]>();
  for (const c of conns) {
    const line = (w: Endpoint, p: Endpoint) => ({
      workload: endpointName(w),
      peer: endpointName(p),
      conn: c.conn.toString(),
    });
    if (c.src.type === 'ip' && c.dst.type === 'pod') {
      const l = line(c.dst, c.src);
      ipIn.set(l.workload, [...(ipIn.get(l.workload) ?? []), l]);
    }
    if (c.dst.type === 'ip' && c.src.type === 'pod') {
      const l = line(c.src, c.dst);
      ipOut.set(l.workload, [...(ipOut.get(l.workload) ?? []), l]);
    }
  }
  const ingress: ExposureLine[] = [];
  const egress: ExposureLine[] = [];
  const unprotected: string[] = [];
  for (const e of exposed) {
    const name = endpointName({ type: 'pod', pod: e.pod });
    for (const [x, lines, ips, dir] of [
      [e.ingress, ingress, ipIn, 'Ingress'],
      [e.egress, egress, ipOut, 'Egress'],
    ] as const) {
      if (!x.isProtected) {
        lines.push({ workload: name, peer: 'entire-cluster', conn: 'All Connections' });
        unprotected.push(`${name} is not protected on ${dir}`);
      } else
        for (const it of x.items)
          lines.push({ workload: name, peer: exposurePeerName(it.peer), conn: exposureConnString(it.conn) });
      lines.push(...(ips.get(name) ?? []));
    }
  }
  const sort = (l: ExposureLine[]) => l.sort((a, b) => byKeys([a.workload, a.peer], [b.workload, b.peer]));
  return { ingress: sort(ingress), egress: sort(egress), unprotected: unprotected.sort() };
}

/** np-guard's txt output with `--exposure`: the connectivity list, then the "Exposure Analysis Result" sections. */
export function formatExposureTxt(
  connlistTxt: string,
  conns: readonly Connection[],
  exposed: readonly ExposedWorkload[],
): string {
  const { ingress, egress, unprotected } = exposureLines(conns, exposed);
  const width = Math.max(0, ...exposed.map((e) => endpointName({ type: 'pod', pod: e.pod }).length));
  const fmt = (l: ExposureLine, arrow: string) => `${l.workload.padEnd(width)} \t${arrow} \t${l.peer} : ${l.conn}`;
  const out: string[] = [];
  if (connlistTxt !== '') out.push(connlistTxt, '');
  out.push('Exposure Analysis Result:');
  if (egress.length > 0) out.push('Egress Exposure:', ...egress.map((l) => fmt(l, '=>')));
  if (ingress.length > 0) {
    if (egress.length > 0) out.push('');
    out.push('Ingress Exposure:', ...ingress.map((l) => fmt(l, '<=')));
  }
  if (unprotected.length > 0) out.push('', 'Workloads not protected by network policies:', ...unprotected);
  return out.join('\n');
}

export const EXPOSURE_FORMATS = ['txt', 'json', 'csv', 'md', 'dot'] as const;
export type ExposureFormat = (typeof EXPOSURE_FORMATS)[number];

/**
 * The connectivity list and the exposure analysis in one of np-guard's formats
 * (`conns` should be the list as printed, after any focus; `peers`, for `dot`, the
 * workloads drawn even without an edge).
 */
export function formatExposure(
  conns: readonly Connection[],
  exposed: readonly ExposedWorkload[],
  format: ExposureFormat,
  peers: readonly Endpoint[] = [],
): string {
  if (format === 'txt') return formatExposureTxt(formatConnlist(conns, 'txt'), conns, exposed);
  if (format === 'dot') return formatDot(conns, peers, exposureDotEdges(exposed));
  const { ingress, egress } = exposureLines(conns, exposed);
  const list = connLines(conns);
  switch (format) {
    case 'json': {
      const eg = egress.map((l) => ({ src: l.workload, dst: l.peer, conn: l.conn }));
      const ing = ingress.map((l) => ({ src: l.peer, dst: l.workload, conn: l.conn }));
      return JSON.stringify(
        {
          connlist_results: list,
          exposure_results: {
            egress_exposure: eg.length > 0 ? eg : null,
            ingress_exposure: ing.length > 0 ? ing : null,
          },
        },
        null,
        2,
      );
    }
    case 'csv': {
      const row = (a: string, b: string, c: string) => [a, b, c].map(csvField).join(',');
      const out = ['src,dst,conn', ...list.map((l) => row(l.src, l.dst, l.conn)), 'Exposure Analysis Result:,,'];
      if (egress.length > 0)
        out.push('Egress Exposure:,,', 'src,dst,conn', ...egress.map((l) => row(l.workload, l.peer, l.conn)));
      if (ingress.length > 0)
        out.push('Ingress Exposure:,,', 'dst,src,conn', ...ingress.map((l) => row(l.workload, l.peer, l.conn)));
      return out.join('\n');
    }
    case 'md': {
      const row = (a: string, b: string, c: string) => `| ${a} | ${b} | ${c} |`;
      const out = ['| src | dst | conn |', '|-----|-----|------|', ...list.map((l) => row(l.src, l.dst, l.conn))];
      out.push('## Exposure Analysis Result:');
      if (egress.length > 0)
        out.push(
          '### Egress Exposure:',
          '| src | dst | conn |',
          '|-----|-----|------|',
          ...egress.map((l) => row(l.workload, l.peer, l.conn)),
        );
      if (ingress.length > 0)
        out.push(
          '',
          '### Ingress Exposure:',
          '| dst | src | conn |',
          '|-----|-----|------|',
          ...ingress.map((l) => row(l.workload, l.peer, l.conn)),
        );
      return out.join('\n');
    }
  }
}

/**
 * Narrow an exposure to one connection (np-guard's --focus-conn): each item keeps the
 * part of its connections inside `focus`; a representative is kept when that part is
 * not empty and differs from the entire-cluster part.
 */
export function focusExposure(exposed: readonly ExposedWorkload[], focus: ConnSet): ExposedWorkload[] {
  const narrow = (x: XgressExposure): XgressExposure => {
    if (!x.isProtected) return x;
    const cluster = x.items.find((i) => i.peer.type === 'entire-cluster');
    const clusterPorts = cluster ? cluster.conn.ports.intersect(focus) : ConnSet.NONE;
    const items: ExposureItem[] = [];
    for (const it of x.items) {
      const ports = it.conn.ports.intersect(focus);
      if (ports.isEmpty()) continue;
      if (it.peer.type !== 'entire-cluster' && ports.equals(clusterPorts)) continue;
      items.push({ peer: it.peer, conn: conn(ports) });
    }
    return { isProtected: true, items };
  };
  const out: ExposedWorkload[] = [];
  for (const e of exposed) {
    const ingress = narrow(e.ingress);
    const egress = narrow(e.egress);
    if (ingress.isProtected && egress.isProtected && ingress.items.length === 0 && egress.items.length === 0) continue;
    out.push({ pod: e.pod, ingress, egress });
  }
  return out;
}

/**
 * The txt exposure sections for --focus-conn (from `Exposure Analysis Result On <label>:`),
 * without the list of pairs before them; `exposed` comes from `focusExposure`.
 */
export function exposureOnConnectionTxt(
  conns: readonly Connection[],
  exposed: readonly ExposedWorkload[],
  label: string,
): string {
  const { ingress, egress } = exposureLines(conns, exposed);
  const width = Math.max(0, ...exposed.map((e) => endpointName({ type: 'pod', pod: e.pod }).length));
  const fmt = (l: ExposureLine, arrow: string) => `${l.workload.padEnd(width)} \t${arrow} \t${l.peer}`;
  const out = [`Exposure Analysis Result On ${label}:`];
  if (egress.length > 0) out.push('Egress Exposure:', ...egress.map((l) => fmt(l, '=>')));
  if (ingress.length > 0) {
    if (egress.length > 0) out.push('');
    out.push('Ingress Exposure:', ...ingress.map((l) => fmt(l, '<=')));
  }
  // np-guard prints no "not protected" notes here (the entire-cluster lines say it)
  return out.join('\n');
}

/**
 * np-guard's output for --focus-conn with --exposure: pairs and exposure lines without
 * connections, under headings that name the connection (`label`, e.g. `TCP 8080`).
 * `conns` are the connections that allow it; `exposed` comes from `focusExposure`.
 */
export function formatExposureOnConnection(
  conns: readonly Connection[],
  exposed: readonly ExposedWorkload[],
  label: string,
  format: ExposureFormat,
  peers: readonly Endpoint[] = [],
): string {
  // dot has no heading: the graph of the connections and exposure on that connection
  if (format === 'dot') return formatDot(conns, peers, exposureDotEdges(exposed));
  const { ingress, egress } = exposureLines(conns, exposed);
  const list = connLines(conns);
  const head = `Exposure Analysis Result On ${label}:`;
  switch (format) {
    case 'txt':
      return `${formatFocusedOnConnection(conns, label)}\n\n${exposureOnConnectionTxt(conns, exposed, label)}`;
    case 'json':
      return JSON.stringify(
        {
          connlist_conn_focus_results: list.map((l) => ({ src: l.src, dst: l.dst })),
          exposure_conn_focus_results: {
            egress_exposure: egress.map((l) => ({ src: l.workload, dst: l.peer })),
            ingress_exposure: ingress.map((l) => ({ src: l.peer, dst: l.workload })),
          },
        },
        null,
        2,
      );
    case 'csv': {
      const row = (a: string, b: string) => [a, b].map(csvField).join(',');
      const out = ['src,dst', ...list.map((l) => row(l.src, l.dst)), `${head},,`];
      if (egress.length > 0) out.push('Egress Exposure:,,', 'src,dst', ...egress.map((l) => row(l.workload, l.peer)));
      if (ingress.length > 0)
        out.push('Ingress Exposure:,,', 'dst,src', ...ingress.map((l) => row(l.workload, l.peer)));
      return out.join('\n');
    }
    case 'md': {
      const row = (a: string, b: string) => `| ${a} | ${b} |`;
      const out = ['| src | dst |', '|-----|-----|', ...list.map((l) => row(l.src, l.dst)), `## ${head}`];
      if (egress.length > 0)
        out.push(
          '### Egress Exposure:',
          '| src | dst |',
          '|-----|-----|',
          ...egress.map((l) => row(l.workload, l.peer)),
        );
      if (ingress.length > 0)
        out.push(
          '',
          '### Ingress Exposure:',
          '| dst | src |',
          '|-----|-----|',
          ...ingress.map((l) => row(l.workload, l.peer)),
        );
      return out.join('\n');
    }
  }
}
