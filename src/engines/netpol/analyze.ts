import { type LabelSelector, matchesMapSelector, matchesSelector } from '../../model/selector.js';
import { ConnSet } from './conn.js';
import type { Intervals } from './intervals.js';
import * as iv from './intervals.js';
import { disjointRanges, formatRange } from './ip.js';
import {
  type AdminPolicy,
  type AnpPeer,
  type AnpRule,
  INGRESS_CONTROLLER_NAME,
  INGRESS_CONTROLLER_NS,
  type IngressBackend,
  type NetpolModel,
  type NetpolProblem,
  type NetworkPolicy,
  type NpPeer,
  type NpRule,
  NS_NAME_LABEL,
  type Service,
  type WorkloadPod,
} from './model.js';

/** One side of a connection: a workload, or a contiguous range of IPv4 addresses outside the cluster. */
export type Endpoint = { type: 'pod'; pod: WorkloadPod } | { type: 'ip'; lo: number; hi: number };

export interface Connection {
  src: Endpoint;
  dst: Endpoint;
  conn: ConnSet;
}

/** np-guard's name of an endpoint: `ns/name[Kind]`, `{ingress-controller}`, `a.b.c.d-e.f.g.h[External]`. */
export function endpointName(e: Endpoint): string {
  if (e.type === 'ip') return `${formatRange(e.lo, e.hi)}[External]`;
  if (e.pod.synthetic) return `{${INGRESS_CONTROLLER_NAME}}`;
  return `${e.pod.namespace}/${e.pod.name}[${e.pod.kind}]`;
}

function selKey(sel: LabelSelector | undefined): string {
  return sel === undefined ? '*' : JSON.stringify(sel);
}

interface EgressIpRule {
  block: Intervals;
  rule: NpRule;
  policy: NetworkPolicy;
}

/**
 * The reachability engine over one model. Pods are indexed by the selectors
 * that match them, and NetworkPolicy rules are inverted into per-pod maps, so
 * the cost follows the number of (selected pod, matched peer) pairs that rules
 * actually mention, not pods squared.
 */
export class Reachability {
  readonly pods: WorkloadPod[];
  /** The synthetic ingress-controller pod, when Ingress/Route objects expose something. */
  readonly ingressController: WorkloadPod | undefined;
  readonly problems: NetpolProblem[];
  private readonly byNs = new Map<string, WorkloadPod[]>();
  private readonly nsMatchCache = new Map<string, string[]>();
  private readonly peerCache = new Map<string, WorkloadPod[]>();
  private readonly ruleConnCache = new WeakMap<object, Map<number, ConnSet>>();
  private readonly warned = new Set<string>();

  // NetworkPolicy indexes, by pod id
  private readonly inIso: Uint8Array;
  private readonly egIso: Uint8Array;
  private readonly inFrom: Array<Map<number, ConnSet> | undefined>;
  private readonly inAll: ConnSet[];
  private readonly inIp: Array<Array<{ block: Intervals; conn: ConnSet }> | undefined>;
  private readonly egTo: Array<Map<number, ConnSet> | undefined>;
  private readonly egAll: Array<Array<{ rule: NpRule; policy: NetworkPolicy }> | undefined>;
  private readonly egIp: Array<EgressIpRule[] | undefined>;
  private readonly adminSubjects: Map<AdminPolicy, Uint8Array>;
  readonly hasAdmin: boolean;

  constructor(readonly model: NetpolModel) {
    this.problems = [...model.problems];
    const pods = [...model.pods];
    const needIngress = model.ingressBackends.length > 0 && model.services.length > 0;
    if (needIngress) {
      const ic: WorkloadPod = {
        id: pods.length,
        namespace: INGRESS_CONTROLLER_NS,
        name: INGRESS_CONTROLLER_NAME,
        kind: 'Pod',
        labels: {},
        ports: [],
        object: undefined,
        synthetic: true,
      };
      pods.push(ic);
      if (!model.namespaces.has(INGRESS_CONTROLLER_NS))
        model.namespaces.set(INGRESS_CONTROLLER_NS, { [NS_NAME_LABEL]: INGRESS_CONTROLLER_NS });
      this.ingressController = ic;
    }
    this.pods = pods;
    for (const p of pods) {
      let l = this.byNs.get(p.namespace);
      if (!l) this.byNs.set(p.namespace, (l = []));
      l.push(p);
    }
    const n = pods.length;
    this.inIso = new Uint8Array(n);
    this.egIso = new Uint8Array(n);
    this.inFrom = new Array(n);
    this.inAll = new Array(n).fill(ConnSet.NONE);
    this.inIp = new Array(n);
    this.egTo = new Array(n);
    this.egAll = new Array(n);
    this.egIp = new Array(n);
    for (const policy of model.policies) this.indexPolicy(policy);
    this.adminSubjects = new Map();
    const admins = model.baseline ? [...model.adminPolicies, model.baseline] : model.adminPolicies;
    for (const a of admins) {
      const m = new Uint8Array(n);
      for (const p of this.podsMatching(a.subject.nsSel, a.subject.podSel)) m[p.id] = 1;
      this.adminSubjects.set(a, m);
    }
    this.hasAdmin = admins.length > 0;
  }

  private nsLabels(ns: string): Record<string, string> {
    return this.model.namespaces.get(ns) ?? { [NS_NAME_LABEL]: ns };
  }

  /** Namespaces whose labels match a selector. */
  private namespacesMatching(sel: LabelSelector): string[] {
    const key = JSON.stringify(sel);
    let hit = this.nsMatchCache.get(key);
    if (!hit) {
      hit = [];
      for (const [name, labels] of this.model.namespaces) if (matchesSelector(sel, labels)) hit.push(name);
      this.nsMatchCache.set(key, hit);
    }
    return hit;
  }

  /** Pods matched by a namespace selector (undefined: only `ownNs`) and a pod selector (undefined: all). */
  private podsMatching(
    nsSel: LabelSelector | undefined,
    podSel: LabelSelector | undefined,
    ownNs?: string,
  ): WorkloadPod[] {
    const key = `${nsSel === undefined ? `ns=${ownNs}` : selKey(nsSel)}|${selKey(podSel)}`;
    let hit = this.peerCache.get(key);
    if (hit) return hit;
    hit = [];
    const nss = nsSel === undefined ? (ownNs === undefined ? [] : [ownNs]) : this.namespacesMatching(nsSel);
    for (const ns of nss) {
      for (const p of this.byNs.get(ns) ?? [])
        if (podSel === undefined || matchesSelector(podSel, p.labels)) hit.push(p);
    }
    this.peerCache.set(key, hit);
    return hit;
  }

  /** True when a NetworkPolicy rule peer selects the pod. */
  npPeerMatches(policy: NetworkPolicy, peer: NpPeer, pod: WorkloadPod): boolean {
    if (peer.type === 'ip') return false;
    const nsOk =
      peer.nsSel === undefined
        ? pod.namespace === policy.namespace
        : matchesSelector(peer.nsSel, this.nsLabels(pod.namespace));
    return nsOk && (peer.podSel === undefined || matchesSelector(peer.podSel, pod.labels));
  }

  private npPeerPods(policy: NetworkPolicy, peer: NpPeer & { type: 'pods' }): WorkloadPod[] {
    return this.podsMatching(peer.nsSel, peer.podSel, policy.namespace);
  }

  private warnOnce(key: string, p: NetpolProblem): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.problems.push(p);
  }

  /** Connections a NetworkPolicy rule allows towards a destination (named ports resolve against it). */
  npRuleConns(rule: NpRule, policy: NetworkPolicy, dst: Endpoint): ConnSet {
    if (rule.ports.length === 0) return ConnSet.ALL;
    const cacheKey = dst.type === 'pod' ? dst.pod.id : -1;
    let cache = this.ruleConnCache.get(rule);
    if (!cache) this.ruleConnCache.set(rule, (cache = new Map()));
    const hit = cache.get(cacheKey);
    if (hit) return hit;
    let res = ConnSet.NONE;
    for (const [i, p] of rule.ports.entries()) {
      if (p.port === undefined) res = res.union(ConnSet.allOf(p.protocol));
      else if (typeof p.port === 'number')
        res = res.union(ConnSet.of(p.protocol, iv.range(p.port, p.endPort ?? p.port)));
      else if (dst.type === 'ip') {
        this.warnOnce(`named-ip:${policy.namespace}/${policy.name}/${rule.path}/${i}`, {
          level: 'error',
          message: `NetworkPolicy ${policy.namespace}/${policy.name} ${rule.path}/ports/${i}: named port "${p.port}" cannot apply to an ipBlock peer`,
          object: policy.object,
          path: `${rule.path}/ports/${i}/port`,
        });
      } else {
        const cp = dst.pod.ports.find((c) => c.name === p.port);
        if (cp && cp.protocol === p.protocol) res = res.union(ConnSet.of(p.protocol, [cp.port, cp.port]));
      }
    }
    cache.set(cacheKey, res);
    return res;
  }

  /** Connections an admin rule names towards a destination. */
  anpRuleConns(rule: AnpRule, policy: AdminPolicy, dst: Endpoint): ConnSet {
    if (rule.ports === undefined) return ConnSet.ALL;
    let res = ConnSet.NONE;
    for (const p of rule.ports) {
      if (p.type === 'number') res = res.union(ConnSet.of(p.protocol, [p.port, p.port]));
      else if (p.type === 'range') res = res.union(ConnSet.of(p.protocol, iv.range(p.start, p.end)));
      else if (dst.type === 'ip') {
        this.warnOnce(`anp-named-ip:${policy.name}/${rule.path}`, {
          level: 'warning',
          message: `${policy.baseline ? 'BaselineAdminNetworkPolicy' : 'AdminNetworkPolicy'} ${policy.name} ${rule.path}: named port "${p.name}" is ignored for IP destinations`,
          object: policy.object,
          path: rule.path,
        });
      } else {
        const cp = dst.pod.ports.find((c) => c.name === p.name);
        if (cp) res = res.union(ConnSet.of(cp.protocol, [cp.port, cp.port]));
        else
          this.warnOnce(`anp-named:${policy.name}/${rule.path}/${p.name}`, {
            level: 'warning',
            message: `${policy.baseline ? 'BaselineAdminNetworkPolicy' : 'AdminNetworkPolicy'} ${policy.name} ${rule.path}: named port "${p.name}" is not defined by some selected pods`,
            object: policy.object,
            path: rule.path,
          });
      }
    }
    return res;
  }

  private indexPolicy(policy: NetworkPolicy): void {
    const selected = this.podsMatching(undefined, policy.podSel, policy.namespace);
    if (policy.ingress) {
      for (const d of selected) this.inIso[d.id] = 1;
      for (const rule of policy.ingress) {
        for (const d of selected) {
          const c = this.npRuleConns(rule, policy, { type: 'pod', pod: d });
          if (c.isEmpty()) continue;
          if (rule.peers.length === 0) {
            this.inAll[d.id] = (this.inAll[d.id] as ConnSet).union(c);
            continue;
          }
          for (const peer of rule.peers) {
            if (peer.type === 'ip') {
              let l = this.inIp[d.id];
              if (!l) this.inIp[d.id] = l = [];
              l.push({ block: peer.block, conn: c });
              continue;
            }
            let m = this.inFrom[d.id];
            if (!m) this.inFrom[d.id] = m = new Map();
            for (const s of this.npPeerPods(policy, peer)) {
              const old = m.get(s.id);
              m.set(s.id, old ? old.union(c) : c);
            }
          }
        }
      }
    }
    if (policy.egress) {
      for (const s of selected) this.egIso[s.id] = 1;
      for (const rule of policy.egress) {
        for (const s of selected) {
          if (rule.peers.length === 0) {
            let l = this.egAll[s.id];
            if (!l) this.egAll[s.id] = l = [];
            l.push({ rule, policy });
            continue;
          }
          for (const peer of rule.peers) {
            if (peer.type === 'ip') {
              let l = this.egIp[s.id];
              if (!l) this.egIp[s.id] = l = [];
              l.push({ block: peer.block, rule, policy });
              continue;
            }
            let m = this.egTo[s.id];
            if (!m) this.egTo[s.id] = m = new Map();
            for (const d of this.npPeerPods(policy, peer)) {
              const c = this.npRuleConns(rule, policy, { type: 'pod', pod: d });
              if (c.isEmpty()) continue;
              const old = m.get(d.id);
              m.set(d.id, old ? old.union(c) : c);
            }
          }
        }
      }
    }
  }

  /** What NetworkPolicies allow into `dst` from `src`; undefined when no policy isolates `dst` for ingress. */
  npIngress(src: Endpoint, dst: WorkloadPod): ConnSet | undefined {
    if (!this.inIso[dst.id]) return undefined;
    let res = this.inAll[dst.id] as ConnSet;
    if (src.type === 'pod') {
      const c = this.inFrom[dst.id]?.get(src.pod.id);
      if (c) res = res.union(c);
    } else {
      for (const e of this.inIp[dst.id] ?? []) if (iv.contains(e.block, src.lo)) res = res.union(e.conn);
    }
    return res;
  }

  /** What NetworkPolicies allow out of `src` to `dst`; undefined when no policy isolates `src` for egress. */
  npEgress(src: WorkloadPod, dst: Endpoint): ConnSet | undefined {
    if (!this.egIso[src.id]) return undefined;
    let res = ConnSet.NONE;
    for (const { rule, policy } of this.egAll[src.id] ?? []) res = res.union(this.npRuleConns(rule, policy, dst));
    if (dst.type === 'pod') {
      const c = this.egTo[src.id]?.get(dst.pod.id);
      if (c) res = res.union(c);
    } else {
      for (const e of this.egIp[src.id] ?? [])
        if (iv.contains(e.block, dst.lo)) res = res.union(this.npRuleConns(e.rule, e.policy, dst));
    }
    return res;
  }

  /** The workload endpoint built from an object, if any. */
  podOf(obj: object): WorkloadPod | undefined {
    return this.pods.find((p) => p.object === obj);
  }

  /** Whether a NetworkPolicy isolates the pod for ingress / egress. */
  isolation(pod: WorkloadPod): { ingress: boolean; egress: boolean } {
    return { ingress: !!this.inIso[pod.id], egress: !!this.egIso[pod.id] };
  }

  /** Connections NetworkPolicies allow into an isolated pod from anyone at all (any pod or address), per rule kind. */
  ingressOpenings(pod: WorkloadPod): { anySource: ConnSet; someSource: ConnSet } {
    let some = this.inAll[pod.id] as ConnSet;
    for (const c of this.inFrom[pod.id]?.values() ?? []) some = some.union(c);
    for (const e of this.inIp[pod.id] ?? []) some = some.union(e.conn);
    return { anySource: this.inAll[pod.id] as ConnSet, someSource: some };
  }

  /**
   * Ports that the egress rules of the policies selecting the pod name, whether or
   * not their peers are among the analysed pods (DNS servers usually are not).
   */
  egressOpenings(pod: WorkloadPod): ConnSet {
    let some = ConnSet.NONE;
    for (const p of this.model.policies) {
      if (!p.egress || p.namespace !== pod.namespace || !matchesSelector(p.podSel, pod.labels)) continue;
      for (const rule of p.egress) {
        const dst: Endpoint = rule.ports.some((x) => typeof x.port === 'string')
          ? { type: 'pod', pod }
          : { type: 'ip', lo: 0, hi: 0 };
        some = some.union(this.npRuleConns(rule, p, dst));
      }
    }
    return some;
  }

  /** Pods a NetworkPolicy selects. */
  selectedBy(policy: NetworkPolicy): WorkloadPod[] {
    return this.podsMatching(undefined, policy.podSel, policy.namespace).filter((p) => !p.synthetic);
  }

  /** Pods a rule peer selects. */
  peerPods(policy: NetworkPolicy, peer: NpPeer & { type: 'pods' }): WorkloadPod[] {
    return this.npPeerPods(policy, peer).filter((p) => !p.synthetic);
  }

  /** Whether an AdminNetworkPolicy or the baseline selects the pod as its subject (read-only, for explanations). */
  isAdminSubject(a: AdminPolicy, pod: WorkloadPod): boolean {
    return !!this.adminSubjects.get(a)?.[pod.id];
  }

  anpPeerMatches(peer: AnpPeer, e: Endpoint): boolean {
    if (peer.type === 'ip') return e.type === 'ip' && iv.contains(peer.block, e.lo);
    if (e.type === 'ip') return false;
    return matchesSelector(peer.nsSel, this.nsLabels(e.pod.namespace)) && matchesSelector(peer.podSel, e.pod.labels);
  }

  /** Allowed connections in one direction, through the AdminNetworkPolicy, NetworkPolicy and baseline layers. */
  xgress(src: Endpoint, dst: Endpoint, ingress: boolean): ConnSet {
    const subject = ingress ? dst : src;
    if (subject.type === 'ip') return ConnSet.ALL;
    const other = ingress ? src : dst;
    const np = ingress ? this.npIngress(src, subject.pod) : this.npEgress(subject.pod, dst);
    if (!this.hasAdmin) return np ?? ConnSet.ALL;
    let allowed = ConnSet.NONE;
    let undecided = ConnSet.ALL;
    let passed = ConnSet.NONE;
    for (const a of this.model.adminPolicies) {
      if (!this.adminSubjects.get(a)?.[subject.pod.id]) continue;
      for (const rule of ingress ? a.ingress : a.egress) {
        if (undecided.isEmpty()) break;
        if (!rule.peers.some((p) => this.anpPeerMatches(p, other))) continue;
        const c = this.anpRuleConns(rule, a, dst).intersect(undecided);
        if (rule.action === 'Allow') allowed = allowed.union(c);
        else if (rule.action === 'Pass') passed = passed.union(c);
        undecided = undecided.subtract(c);
      }
    }
    undecided = undecided.union(passed);
    if (np !== undefined) return allowed.union(undecided.intersect(np));
    const b = this.model.baseline;
    if (b && this.adminSubjects.get(b)?.[subject.pod.id]) {
      for (const rule of ingress ? b.ingress : b.egress) {
        if (undecided.isEmpty()) break;
        if (!rule.peers.some((p) => this.anpPeerMatches(p, other))) continue;
        const c = this.anpRuleConns(rule, b, dst).intersect(undecided);
        if (rule.action === 'Allow') allowed = allowed.union(c);
        undecided = undecided.subtract(c);
      }
    }
    return allowed.union(undecided);
  }

  /** Allowed connections from src to dst (egress at src, then ingress at dst). */
  allowed(src: Endpoint, dst: Endpoint): ConnSet {
    const eg = this.xgress(src, dst, false);
    if (eg.isEmpty()) return eg;
    return eg.intersect(this.xgress(src, dst, true));
  }

  /** Every IP set that policies name (for splitting the address space the same way in two analyses). */
  referencedIpBlocks(): Intervals[] {
    const out: Intervals[] = [];
    for (const p of this.model.policies)
      for (const r of [...(p.ingress ?? []), ...(p.egress ?? [])])
        for (const peer of r.peers) if (peer.type === 'ip') out.push(peer.block);
    const admins = this.model.baseline ? [...this.model.adminPolicies, this.model.baseline] : this.model.adminPolicies;
    for (const a of admins)
      for (const r of a.egress) for (const peer of r.peers) if (peer.type === 'ip') out.push(peer.block);
    return out;
  }

  /** IP ranges, split at every ipBlock boundary: sources (from ingress rules) and destinations (from egress rules). */
  ipEndpoints(extraCuts: readonly Intervals[] = []): { sources: Endpoint[]; destinations: Endpoint[] } {
    const src: Intervals[] = [...extraCuts];
    const dst: Intervals[] = [...extraCuts];
    for (const p of this.model.policies) {
      for (const r of p.ingress ?? []) for (const peer of r.peers) if (peer.type === 'ip') src.push(peer.block);
      for (const r of p.egress ?? []) for (const peer of r.peers) if (peer.type === 'ip') dst.push(peer.block);
    }
    const admins = this.model.baseline ? [...this.model.adminPolicies, this.model.baseline] : this.model.adminPolicies;
    for (const a of admins)
      for (const r of a.egress) for (const peer of r.peers) if (peer.type === 'ip') dst.push(peer.block);
    const toEp = (sets: Intervals[]): Endpoint[] => disjointRanges(sets).map(([lo, hi]) => ({ type: 'ip', lo, hi }));
    return { sources: toEp(src), destinations: toEp(dst) };
  }

  /** Candidate destinations for a source pod (a superset of those with any allowed connection). */
  private candidateDsts(s: WorkloadPod, all: WorkloadPod[]): Iterable<WorkloadPod> {
    if (this.hasAdmin || !this.egIso[s.id] || this.egAll[s.id]) return all;
    const m = this.egTo[s.id];
    if (!m) return [];
    const out: WorkloadPod[] = [];
    for (const id of m.keys()) {
      const p = this.pods[id];
      if (p && !p.synthetic) out.push(p);
    }
    return out;
  }

  private ingressMayAllow(s: WorkloadPod, d: WorkloadPod): boolean {
    if (this.hasAdmin || !this.inIso[d.id]) return true;
    return !(this.inAll[d.id] as ConnSet).isEmpty() || (this.inFrom[d.id]?.has(s.id) ?? false);
  }

  /** Every allowed connection between workloads, and between workloads and IP ranges. */
  connections(extraIpCuts: readonly Intervals[] = []): Connection[] {
    const out: Connection[] = [];
    const workloads = this.pods.filter((p) => !p.synthetic);
    for (const s of workloads) {
      const se: Endpoint = { type: 'pod', pod: s };
      for (const d of this.candidateDsts(s, workloads)) {
        if (d === s || !this.ingressMayAllow(s, d)) continue;
        const de: Endpoint = { type: 'pod', pod: d };
        const c = this.allowed(se, de);
        if (!c.isEmpty()) out.push({ src: se, dst: de, conn: c });
      }
    }
    const { sources, destinations } = this.ipEndpoints(extraIpCuts);
    for (const ip of sources) {
      for (const d of workloads) {
        const de: Endpoint = { type: 'pod', pod: d };
        const c = this.allowed(ip, de);
        if (!c.isEmpty()) out.push({ src: ip, dst: de, conn: c });
      }
    }
    for (const s of workloads) {
      const se: Endpoint = { type: 'pod', pod: s };
      for (const ip of destinations) {
        const c = this.allowed(se, ip);
        if (!c.isEmpty()) out.push({ src: se, dst: ip, conn: c });
      }
    }
    for (const c of this.ingressControllerConnections()) out.push(c);
    return out;
  }

  /** What Ingress and Route objects expose, from `{ingress-controller}`, limited by policies. */
  ingressControllerConnections(): Connection[] {
    const ic = this.ingressController;
    if (!ic) return [];
    const svcPeers = new Map<string, WorkloadPod[]>();
    for (const svc of this.model.services) {
      if (svc.selector === undefined) {
        this.problems.push({
          level: 'warning',
          message: `Service ${svc.namespace}/${svc.name}: a Service without selector is ignored`,
        });
        continue;
      }
      const sel = svc.selector;
      const peers = (this.byNs.get(svc.namespace) ?? []).filter(
        (p) => !p.synthetic && (Object.keys(sel).length === 0 || matchesMapSelector(sel, p.labels)),
      );
      if (peers.length > 0) svcPeers.set(`${svc.namespace}/${svc.name}`, peers);
    }
    if (svcPeers.size === 0) return [];
    const exposed = new Map<WorkloadPod, { conn: ConnSet; objects: string[] }>();
    for (const be of this.model.ingressBackends) {
      const svc = this.model.services.find((s) => s.namespace === be.namespace && s.name === be.service);
      const peers = svcPeers.get(`${be.namespace}/${be.service}`);
      if (!svc || !peers) {
        if (!svc)
          this.warnOnce(`svc:${be.namespace}/${be.service}`, {
            level: 'warning',
            message: `${be.kind} ${be.namespace}/${be.objectName}: target service ${be.service} not found`,
          });
        continue;
      }
      for (const p of peers) {
        const c = backendConnection(svc, be, p);
        const old = exposed.get(p);
        const name = `${be.kind} ${be.namespace}/${be.objectName}`;
        if (old) {
          old.conn = old.conn.union(c);
          old.objects.push(name);
        } else exposed.set(p, { conn: c, objects: [name] });
      }
    }
    const out: Connection[] = [];
    const src: Endpoint = { type: 'pod', pod: ic };
    for (const [p, { conn, objects }] of exposed) {
      const dst: Endpoint = { type: 'pod', pod: p };
      const c = conn.intersect(this.allowed(src, dst));
      if (c.isEmpty()) {
        this.problems.push({
          level: 'warning',
          message: `${objects[0]}: traffic to ${endpointName(dst)} is blocked by network policies`,
        });
        continue;
      }
      out.push({ src, dst, conn: c });
    }
    return out;
  }
}

/**
 * What an Ingress or Route backend opens on one pod behind its Service: TCP to
 * the target ports of the Service port it names (every port when it names
 * none), where the pod has such a port (named target ports resolved on the pod).
 */
export function backendConnection(svc: Service, be: IngressBackend, pod: WorkloadPod): ConnSet {
  const targets: Array<number | string> = [];
  for (const sp of svc.ports) {
    const access = sp.targetPort ?? sp.port;
    if (be.port === undefined) targets.push(access);
    else if ((sp.name !== undefined && sp.name === be.port) || sp.port === be.port || sp.targetPort === be.port) {
      targets.push(access);
      break;
    }
  }
  let c = ConnSet.NONE;
  for (const t of targets) {
    let num: number | undefined;
    if (typeof t === 'number') num = t;
    else {
      const cp = pod.ports.find((x) => x.name === t);
      if (cp && cp.protocol === 'TCP') num = cp.port;
    }
    if (num !== undefined && pod.ports.some((x) => x.port === num)) c = c.union(ConnSet.of('TCP', [num, num]));
  }
  return c;
}
