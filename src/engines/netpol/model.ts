import type { KubeObject } from '../../model/kube-object.js';
import { labelsOf, metadataOf, stringMap } from '../../model/kube-object.js';
import { join } from '../../model/pointer.js';
import { type LabelSelector, parseLabelSelector } from '../../model/selector.js';
import { ConnSet, isProtocol, type Protocol } from './conn.js';
import type { Intervals } from './intervals.js';
import * as iv from './intervals.js';
import { parseCidr } from './ip.js';

/** Something wrong in the input: `error` makes the result unsound, `warning` does not. */
export interface NetpolProblem {
  level: 'error' | 'warning';
  message: string;
  object?: KubeObject;
  /** JSON pointer within the object. */
  path?: string;
}

export interface ContainerPort {
  name: string | undefined;
  port: number;
  protocol: Protocol;
}

/** One workload (or bare Pod): all its pods behave alike, so it is one endpoint. */
export interface WorkloadPod {
  id: number;
  namespace: string;
  /** Workload name (owner name for owned Pods). */
  name: string;
  /** Workload kind as np-guard prints it (`Deployment`, `ReplicaSet`, `Pod`, ...). */
  kind: string;
  labels: Record<string, string>;
  ports: ContainerPort[];
  object: KubeObject | undefined;
  /** True for the synthetic ingress-controller pod. */
  synthetic: boolean;
}

export type NpPeer =
  | { type: 'pods'; nsSel: LabelSelector | undefined; podSel: LabelSelector | undefined; path: string }
  | { type: 'ip'; block: Intervals; path: string };

export interface NpPort {
  protocol: Protocol;
  /** number, named port, or undefined for every port of the protocol */
  port: number | string | undefined;
  endPort: number | undefined;
}

export interface NpRule {
  index: number;
  /** Empty: every source/destination (pods and IPs). */
  peers: NpPeer[];
  /** Empty: every port and protocol. */
  ports: NpPort[];
  path: string;
}

export interface NetworkPolicy {
  name: string;
  namespace: string;
  podSel: LabelSelector;
  /** undefined when the policy does not isolate in that direction. */
  ingress: NpRule[] | undefined;
  egress: NpRule[] | undefined;
  object: KubeObject;
}

export type AnpAction = 'Allow' | 'Deny' | 'Pass';

export type AnpPeer = { type: 'pods'; nsSel: LabelSelector; podSel: LabelSelector } | { type: 'ip'; block: Intervals };

export type AnpPort =
  | { type: 'number'; protocol: Protocol; port: number }
  | { type: 'range'; protocol: Protocol; start: number; end: number }
  | { type: 'named'; name: string };

export interface AnpRule {
  name: string;
  index: number;
  action: AnpAction;
  peers: AnpPeer[];
  /** undefined: every port */
  ports: AnpPort[] | undefined;
  path: string;
}

/** An AdminNetworkPolicy, or the BaselineAdminNetworkPolicy (`baseline`, no priority). */
export interface AdminPolicy {
  name: string;
  baseline: boolean;
  priority: number;
  subject: { nsSel: LabelSelector; podSel: LabelSelector };
  ingress: AnpRule[];
  egress: AnpRule[];
  object: KubeObject;
}

export interface ServicePort {
  name: string | undefined;
  port: number;
  targetPort: number | string | undefined;
}

export interface Service {
  name: string;
  namespace: string;
  selector: Record<string, string> | undefined;
  ports: ServicePort[];
}

/** What an Ingress or Route exposes: a service, and optionally one of its ports. */
export interface IngressBackend {
  kind: 'Ingress' | 'Route';
  objectName: string;
  namespace: string;
  service: string;
  port: number | string | undefined;
}

export interface NetpolModel {
  pods: WorkloadPod[];
  namespaces: Map<string, Record<string, string>>;
  policies: NetworkPolicy[];
  /** Sorted by priority, highest precedence first. */
  adminPolicies: AdminPolicy[];
  baseline: AdminPolicy | undefined;
  services: Service[];
  ingressBackends: IngressBackend[];
  problems: NetpolProblem[];
}

export const INGRESS_CONTROLLER_NS = 'ingress-controller-ns';
export const INGRESS_CONTROLLER_NAME = 'ingress-controller';
export const NS_NAME_LABEL = 'kubernetes.io/metadata.name';

const WORKLOAD_TEMPLATE: Record<string, string[]> = {
  Deployment: ['spec', 'template'],
  ReplicaSet: ['spec', 'template'],
  StatefulSet: ['spec', 'template'],
  DaemonSet: ['spec', 'template'],
  ReplicationController: ['spec', 'template'],
  Job: ['spec', 'template'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template'],
};

function rec(v: unknown): Record<string, unknown> | undefined {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
}
function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}
function at(root: unknown, path: string[]): unknown {
  let cur = root;
  for (const p of path) cur = rec(cur)?.[p];
  return cur;
}

/** Expand `List` / `PodList` / ... objects into their items. */
export function expandLists(objects: readonly KubeObject[]): KubeObject[] {
  const out: KubeObject[] = [];
  for (const o of objects) {
    if (!o.kind.endsWith('List') || !Array.isArray(o.raw.items)) {
      out.push(o);
      continue;
    }
    const itemKind = o.kind === 'List' ? undefined : o.kind.slice(0, -4);
    o.raw.items.forEach((item, i) => {
      const r = rec(item);
      if (!r) return;
      const kind = typeof r.kind === 'string' && r.kind ? r.kind : itemKind;
      if (!kind) return;
      const apiVersion = typeof r.apiVersion === 'string' && r.apiVersion ? r.apiVersion : o.apiVersion;
      const md = metadataOf(r);
      const raw = { ...r, apiVersion, kind };
      out.push({
        apiVersion,
        kind,
        name: typeof md.name === 'string' ? md.name : '',
        namespace: typeof md.namespace === 'string' && md.namespace ? md.namespace : undefined,
        raw,
        source: o.source
          ? {
              ...o.source,
              positionOf: (p: string) => o.source?.positionOf(join('/items', i) + p) ?? { line: 0, column: 0 },
            }
          : undefined,
        scope: o.scope,
      });
    });
  }
  return out;
}

function containerPorts(podSpec: unknown): ContainerPort[] {
  const out: ContainerPort[] = [];
  for (const c of arr(rec(podSpec)?.containers)) {
    for (const p of arr(rec(c)?.ports)) {
      const r = rec(p);
      if (!r || typeof r.containerPort !== 'number') continue;
      const protocol = r.protocol === undefined || r.protocol === null ? 'TCP' : String(r.protocol);
      if (!isProtocol(protocol)) continue;
      out.push({ name: typeof r.name === 'string' ? r.name : undefined, port: r.containerPort, protocol });
    }
  }
  return out;
}

class Builder {
  problems: NetpolProblem[] = [];
  err(message: string, object?: KubeObject, path?: string): void {
    this.problems.push({
      level: 'error',
      message: where(message, object, path),
      ...(object ? { object } : {}),
      ...(path ? { path } : {}),
    });
  }
  warn(message: string, object?: KubeObject, path?: string): void {
    this.problems.push({
      level: 'warning',
      message: where(message, object, path),
      ...(object ? { object } : {}),
      ...(path ? { path } : {}),
    });
  }
  selector(v: unknown, o: KubeObject, path: string): LabelSelector | undefined | null {
    if (v === undefined || v === null) return undefined;
    const p = parseLabelSelector(v);
    if (!p.ok) {
      this.err(`bad label selector: ${p.error}`, o, path);
      return null;
    }
    for (const k of Object.keys(p.selector.matchLabels ?? {}))
      if (!validLabelKey(k)) {
        this.err(`bad label selector: invalid label key "${k}"`, o, path);
        return null;
      }
    for (const [k, val] of Object.entries(p.selector.matchLabels ?? {}))
      if (!validLabelValue(val)) {
        this.err(`bad label selector: invalid value "${val}" for key "${k}"`, o, path);
        return null;
      }
    for (const e of p.selector.matchExpressions ?? [])
      if (!validLabelKey(e.key)) {
        this.err(`bad label selector: invalid label key "${e.key}"`, o, path);
        return null;
      }
    return p.selector;
  }
}

function where(message: string, o: KubeObject | undefined, path: string | undefined): string {
  if (!o) return message;
  const id = `${o.kind} ${o.namespace ? `${o.namespace}/` : ''}${o.name}`;
  const pos = o.source && path !== undefined ? o.source.positionOf(path) : undefined;
  const loc = o.source ? ` (${o.source.file}${pos ? `:${pos.line}` : ''})` : '';
  return `${id}${path ? ` ${path}` : ''}${loc}: ${message}`;
}

const LABEL_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
function validLabelKey(k: string): boolean {
  const slash = k.lastIndexOf('/');
  const name = slash >= 0 ? k.slice(slash + 1) : k;
  const prefix = slash >= 0 ? k.slice(0, slash) : '';
  if (slash >= 0 && (prefix.length === 0 || prefix.length > 253 || !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(prefix)))
    return false;
  return LABEL_NAME.test(name);
}
function validLabelValue(v: string): boolean {
  return v === '' || LABEL_NAME.test(v);
}

/** Pods not written as pod templates: those an operator makes from a custom resource (`object`). */
export interface ExtraPods {
  object: KubeObject;
  namespace: string;
  name: string;
  kind: string;
  labels: Record<string, string>;
  ports: ContainerPort[];
}

/**
 * Normalise the objects of one analysis into the engine's model; `extraPods`
 * join the pods of the objects' pod templates (the rules pass the pods known
 * operators make; the np-guard-compatible commands pass none).
 */
export function buildModel(input: readonly KubeObject[], extraPods: readonly ExtraPods[] = []): NetpolModel {
  const b = new Builder();
  const objects = expandLists(input);
  const namespaces = new Map<string, Record<string, string>>();
  const pods = new Map<string, WorkloadPod>();
  const policies: NetworkPolicy[] = [];
  const admin: AdminPolicy[] = [];
  let baseline: AdminPolicy | undefined;
  const services: Service[] = [];
  const backends: IngressBackend[] = [];
  const policyKeys = new Set<string>();
  const anpNames = new Set<string>();

  const addPod = (
    o: KubeObject,
    ns: string,
    name: string,
    kind: string,
    labels: Record<string, string>,
    ports: ContainerPort[],
  ) => {
    const key = `${ns}/${name}/${kind}`;
    if (pods.has(key)) return;
    pods.set(key, { id: pods.size, namespace: ns, name, kind, labels, ports, object: o, synthetic: false });
  };

  for (const o of objects) {
    const ns = o.namespace ?? 'default';
    switch (o.kind) {
      case 'Namespace':
        if (o.apiVersion === 'v1') namespaces.set(o.name, { ...labelsOf(o.raw), [NS_NAME_LABEL]: o.name });
        break;
      case 'Pod': {
        if (o.apiVersion !== 'v1') break;
        const md = metadataOf(o.raw);
        let name = o.name;
        let kind = 'Pod';
        for (const ref of arr(md.ownerReferences)) {
          const r = rec(ref);
          if (r?.controller === true && typeof r.name === 'string') {
            // np-guard prints an owner without a kind as a Pod.
            if (r.kind !== 'Node') {
              name = r.name;
              kind = typeof r.kind === 'string' && r.kind ? r.kind : 'Pod';
            }
            break;
          }
        }
        addPod(o, ns, name, kind, labelsOf(o.raw), containerPorts(rec(o.raw.spec)));
        break;
      }
      case 'NetworkPolicy':
        if (o.apiVersion.startsWith('networking.k8s.io/')) {
          const key = `${ns}/${o.name}`;
          if (policyKeys.has(key)) {
            b.err(`a NetworkPolicy named ${key} already exists`, o, '/metadata/name');
            break;
          }
          policyKeys.add(key);
          const p = parseNetworkPolicy(o, ns, b);
          if (p) policies.push(p);
        }
        break;
      case 'AdminNetworkPolicy':
      case 'BaselineAdminNetworkPolicy': {
        if (!o.apiVersion.startsWith('policy.networking.k8s.io/')) break;
        const isBaseline = o.kind === 'BaselineAdminNetworkPolicy';
        if (isBaseline) {
          if (baseline) {
            b.err('only one BaselineAdminNetworkPolicy may exist in a cluster', o, '/metadata/name');
            break;
          }
          if (o.name !== 'default') {
            b.err('the BaselineAdminNetworkPolicy must be named "default"', o, '/metadata/name');
            break;
          }
        } else {
          if (anpNames.has(o.name)) {
            b.err(`an AdminNetworkPolicy named ${o.name} already exists`, o, '/metadata/name');
            break;
          }
          anpNames.add(o.name);
        }
        const p = parseAdminPolicy(o, isBaseline, b);
        if (!p) break;
        if (isBaseline) baseline = p;
        else admin.push(p);
        break;
      }
      case 'Service':
        if (o.apiVersion === 'v1') services.push(parseService(o, ns));
        break;
      case 'Ingress':
        if (o.apiVersion.startsWith('networking.k8s.io/')) backends.push(...ingressBackends(o, ns, b));
        break;
      case 'Route':
        if (o.apiVersion.startsWith('route.openshift.io/')) backends.push(...routeBackends(o, ns, b));
        break;
      default: {
        const tp = WORKLOAD_TEMPLATE[o.kind];
        if (
          !tp ||
          !(
            o.apiVersion.startsWith('apps/') ||
            o.apiVersion.startsWith('batch/') ||
            o.apiVersion.startsWith('extensions/') ||
            o.apiVersion === 'v1'
          )
        )
          break;
        const tmpl = at(o.raw, tp);
        addPod(o, ns, o.name, o.kind, stringMap(rec(rec(tmpl)?.metadata)?.labels), containerPorts(rec(tmpl)?.spec));
      }
    }
  }

  for (const p of extraPods) addPod(p.object, p.namespace, p.name, p.kind, p.labels, p.ports);
  for (const p of pods.values()) {
    if (!namespaces.has(p.namespace)) namespaces.set(p.namespace, { [NS_NAME_LABEL]: p.namespace });
  }
  // Admin policies: lower priority number wins; equal priorities are ambiguous.
  admin.sort((x, y) => x.priority - y.priority);
  for (let i = 1; i < admin.length; i++) {
    const a = admin[i - 1] as AdminPolicy;
    const c = admin[i] as AdminPolicy;
    if (a.priority === c.priority)
      b.err(
        `AdminNetworkPolicies ${a.name} and ${c.name} have the same priority ${c.priority}; their order is undefined`,
        c.object,
        '/spec/priority',
      );
  }
  return {
    pods: [...pods.values()],
    namespaces,
    policies,
    adminPolicies: admin,
    baseline,
    services,
    ingressBackends: backends,
    problems: b.problems,
  };
}

function parsePorts(v: unknown, o: KubeObject, path: string, b: Builder): NpPort[] | null {
  const out: NpPort[] = [];
  for (const [i, p] of arr(v).entries()) {
    const r = rec(p) ?? {};
    const pp = join(path, i);
    const protocol = r.protocol === undefined || r.protocol === null ? 'TCP' : String(r.protocol);
    if (!isProtocol(protocol)) {
      b.err(`unknown protocol "${protocol}" (expected TCP, UDP or SCTP)`, o, join(pp, 'protocol'));
      return null;
    }
    let port: number | string | undefined;
    if (typeof r.port === 'number') port = r.port;
    else if (typeof r.port === 'string') port = /^\d+$/.test(r.port) ? Number(r.port) : r.port;
    const endPort = typeof r.endPort === 'number' ? r.endPort : undefined;
    if (endPort !== undefined) {
      if (typeof port !== 'number') {
        b.err('endPort may only be set with a numeric port', o, join(pp, 'endPort'));
        return null;
      }
      if (endPort < port) {
        b.err(`illegal port range: endPort ${endPort} is below port ${port}`, o, join(pp, 'endPort'));
        return null;
      }
    }
    out.push({ protocol, port, endPort });
  }
  return out;
}

function parseNpPeers(v: unknown, o: KubeObject, path: string, b: Builder): NpPeer[] | null {
  const out: NpPeer[] = [];
  for (const [i, p] of arr(v).entries()) {
    const r = rec(p) ?? {};
    const pp = join(path, i);
    const hasSel = r.podSelector != null || r.namespaceSelector != null;
    if (r.ipBlock != null) {
      if (hasSel) {
        b.err('a rule peer may not combine ipBlock with podSelector or namespaceSelector', o, pp);
        return null;
      }
      const ib = rec(r.ipBlock) ?? {};
      const c = parseCidr(ib.cidr);
      if (!c.ok) {
        b.err(c.error, o, join(pp, 'ipBlock', 'cidr'));
        return null;
      }
      let block = c.value;
      for (const [j, e] of arr(ib.except).entries()) {
        const x = parseCidr(e);
        if (!x.ok) {
          b.err(x.error, o, join(pp, 'ipBlock', 'except', j));
          return null;
        }
        block = iv.subtract(block, x.value);
      }
      out.push({ type: 'ip', block, path: pp });
      continue;
    }
    if (!hasSel) {
      b.err('a rule peer must set podSelector, namespaceSelector or ipBlock', o, pp);
      return null;
    }
    const nsSel = b.selector(r.namespaceSelector, o, join(pp, 'namespaceSelector'));
    const podSel = b.selector(r.podSelector, o, join(pp, 'podSelector'));
    if (nsSel === null || podSel === null) return null;
    out.push({ type: 'pods', nsSel, podSel, path: pp });
  }
  return out;
}

function parseNetworkPolicy(o: KubeObject, ns: string, b: Builder): NetworkPolicy | undefined {
  const spec = rec(o.raw.spec) ?? {};
  const podSel = b.selector(spec.podSelector, o, '/spec/podSelector');
  if (podSel === null) return undefined;
  const types = Array.isArray(spec.policyTypes) ? spec.policyTypes.map(String) : undefined;
  for (const [i, t] of (types ?? []).entries())
    if (t !== 'Ingress' && t !== 'Egress') b.err(`unknown policy type "${t}"`, o, join('/spec/policyTypes', i));
  const rules = (dir: 'ingress' | 'egress'): NpRule[] | null => {
    const out: NpRule[] = [];
    for (const [i, r] of arr(spec[dir]).entries()) {
      const path = join('/spec', dir, i);
      const rr = rec(r) ?? {};
      const peers = parseNpPeers(
        rr[dir === 'ingress' ? 'from' : 'to'],
        o,
        join(path, dir === 'ingress' ? 'from' : 'to'),
        b,
      );
      const ports = parsePorts(rr.ports, o, join(path, 'ports'), b);
      if (!peers || !ports) return null;
      out.push({ index: i, peers, ports, path });
    }
    return out;
  };
  const ingress = rules('ingress');
  const egress = rules('egress');
  if (!ingress || !egress) return undefined;
  const isoIngress = types ? types.includes('Ingress') : true;
  const isoEgress = types ? types.includes('Egress') : arr(spec.egress).length > 0;
  return {
    name: o.name,
    namespace: ns,
    podSel: podSel ?? {},
    ingress: isoIngress ? ingress : undefined,
    egress: isoEgress ? egress : undefined,
    object: o,
  };
}

function parseAnpSelectorPair(
  v: unknown,
  o: KubeObject,
  path: string,
  b: Builder,
  what: string,
): AnpPeer | null | undefined {
  const r = rec(v) ?? {};
  const set = ['namespaces', 'pods', 'networks', 'nodes'].filter((k) => r[k] != null);
  if (set.length !== 1) {
    b.err(
      `${what} must set exactly one of ${what === 'subject' ? 'namespaces or pods' : 'namespaces, pods, networks or nodes'}`,
      o,
      path,
    );
    return null;
  }
  if (r.namespaces != null) {
    const nsSel = b.selector(r.namespaces, o, join(path, 'namespaces'));
    if (nsSel === null) return null;
    return { type: 'pods', nsSel: nsSel ?? {}, podSel: {} };
  }
  if (r.pods != null) {
    const pr = rec(r.pods) ?? {};
    const nsSel = b.selector(pr.namespaceSelector, o, join(path, 'pods', 'namespaceSelector'));
    const podSel = b.selector(pr.podSelector, o, join(path, 'pods', 'podSelector'));
    if (nsSel === null || podSel === null) return null;
    return { type: 'pods', nsSel: nsSel ?? {}, podSel: podSel ?? {} };
  }
  if (r.networks != null) {
    let block: Intervals = iv.EMPTY;
    for (const [i, c] of arr(r.networks).entries()) {
      const x = parseCidr(c);
      if (!x.ok) {
        b.err(x.error, o, join(path, 'networks', i));
        return null;
      }
      if (x.ipv6) b.warn(`IPv6 network ${String(c)} is ignored (IPv4 analysis only)`, o, join(path, 'networks', i));
      block = iv.union(block, x.value);
    }
    return { type: 'ip', block };
  }
  b.warn('the "nodes" peer is not supported and is ignored', o, join(path, 'nodes'));
  return undefined;
}

function parseAdminPolicy(o: KubeObject, isBaseline: boolean, b: Builder): AdminPolicy | undefined {
  const spec = rec(o.raw.spec) ?? {};
  let priority = 0;
  if (!isBaseline) {
    const pr = spec.priority;
    if (typeof pr !== 'number' || !Number.isInteger(pr) || pr < 0 || pr > 1000) {
      b.err(`priority ${String(pr)} is invalid: it must be an integer from 0 to 1000`, o, '/spec/priority');
      return undefined;
    }
    priority = pr;
  }
  const subj = parseAnpSelectorPair(spec.subject, o, '/spec/subject', b, 'subject');
  if (subj?.type !== 'pods') {
    if (subj) b.err('subject must set namespaces or pods', o, '/spec/subject');
    return undefined;
  }
  const allowed: AnpAction[] = isBaseline ? ['Allow', 'Deny'] : ['Allow', 'Deny', 'Pass'];
  const rules = (dir: 'ingress' | 'egress'): AnpRule[] | null => {
    const out: AnpRule[] = [];
    for (const [i, r] of arr(spec[dir]).entries()) {
      const path = join('/spec', dir, i);
      const rr = rec(r) ?? {};
      const action = rr.action;
      if (typeof action !== 'string' || !(allowed as string[]).includes(action)) {
        b.err(`unknown rule action "${String(action)}" (expected ${allowed.join(', ')})`, o, join(path, 'action'));
        return null;
      }
      const key = dir === 'ingress' ? 'from' : 'to';
      const list = arr(rr[key]);
      if (list.length === 0) {
        b.err(`${dir} rule must have at least one peer in "${key}"`, o, join(path, key));
        return null;
      }
      const peers: AnpPeer[] = [];
      for (const [j, p] of list.entries()) {
        const pp = join(path, key, j);
        if (dir === 'ingress' && (rec(p)?.networks != null || rec(p)?.nodes != null)) {
          b.err('ingress peers may only be namespaces or pods', o, pp);
          return null;
        }
        const peer = parseAnpSelectorPair(p, o, pp, b, 'rule peer');
        if (peer === null) return null;
        if (peer) peers.push(peer);
      }
      let ports: AnpPort[] | undefined;
      if (rr.ports != null) {
        ports = [];
        for (const [j, p] of arr(rr.ports).entries()) {
          const pp = join(path, 'ports', j);
          const pr = rec(p) ?? {};
          const set = ['portNumber', 'namedPort', 'portRange'].filter((k) => pr[k] != null);
          if (set.length !== 1) {
            b.err('a port must set exactly one of portNumber, namedPort or portRange', o, pp);
            return null;
          }
          if (pr.namedPort != null) {
            ports.push({ type: 'named', name: String(pr.namedPort) });
            continue;
          }
          const spec2 = rec(pr.portNumber ?? pr.portRange) ?? {};
          const protocol = spec2.protocol == null ? 'TCP' : String(spec2.protocol);
          if (!isProtocol(protocol)) {
            b.err(
              `unknown protocol "${protocol}" (expected TCP, UDP or SCTP)`,
              o,
              join(pp, set[0] as string, 'protocol'),
            );
            return null;
          }
          if (pr.portNumber != null) {
            if (typeof spec2.port !== 'number') {
              b.err('portNumber.port must be a number', o, join(pp, 'portNumber', 'port'));
              return null;
            }
            ports.push({ type: 'number', protocol, port: spec2.port });
          } else {
            const start = spec2.start;
            const end = spec2.end;
            if (typeof start !== 'number' || typeof end !== 'number' || end < start) {
              b.err(`illegal port range ${String(start)}-${String(end)}`, o, join(pp, 'portRange'));
              return null;
            }
            ports.push({ type: 'range', protocol, start, end });
          }
        }
      }
      out.push({
        name: typeof rr.name === 'string' ? rr.name : `#${i}`,
        index: i,
        action: action as AnpAction,
        peers,
        ports,
        path,
      });
    }
    return out;
  };
  const ingress = rules('ingress');
  const egress = rules('egress');
  if (!ingress || !egress) return undefined;
  return {
    name: o.name,
    baseline: isBaseline,
    priority,
    subject: { nsSel: subj.nsSel, podSel: subj.podSel },
    ingress,
    egress,
    object: o,
  };
}

function parseService(o: KubeObject, ns: string): Service {
  const spec = rec(o.raw.spec) ?? {};
  const sel = spec.selector == null ? undefined : stringMap(spec.selector);
  const ports: ServicePort[] = [];
  for (const p of arr(spec.ports)) {
    const r = rec(p) ?? {};
    if (typeof r.port !== 'number') continue;
    const tp = r.targetPort;
    ports.push({
      name: typeof r.name === 'string' ? r.name : undefined,
      port: r.port,
      targetPort:
        typeof tp === 'number' ? tp : typeof tp === 'string' ? (/^\d+$/.test(tp) ? Number(tp) : tp) : undefined,
    });
  }
  return { name: o.name, namespace: ns, selector: sel, ports };
}

function ingressBackends(o: KubeObject, ns: string, b: Builder): IngressBackend[] {
  const spec = rec(o.raw.spec) ?? {};
  const out: IngressBackend[] = [];
  const add = (be: unknown, path: string) => {
    const svc = rec(rec(be)?.service);
    if (!svc || typeof svc.name !== 'string') {
      b.warn('ignoring a backend without a Service', o, path);
      return;
    }
    const port = rec(svc.port) ?? {};
    const p =
      typeof port.name === 'string' && port.name
        ? port.name
        : typeof port.number === 'number'
          ? port.number
          : undefined;
    out.push({ kind: 'Ingress', objectName: o.name, namespace: ns, service: svc.name, port: p });
  };
  if (spec.defaultBackend != null) add(spec.defaultBackend, '/spec/defaultBackend');
  for (const [i, r] of arr(spec.rules).entries()) {
    for (const [j, p] of arr(rec(rec(r)?.http)?.paths).entries())
      add(rec(p)?.backend, join('/spec/rules', i, 'http', 'paths', j, 'backend'));
  }
  return out;
}

function routeBackends(o: KubeObject, ns: string, b: Builder): IngressBackend[] {
  const spec = rec(o.raw.spec) ?? {};
  const tp = rec(spec.port)?.targetPort;
  const port = typeof tp === 'number' ? tp : typeof tp === 'string' ? (/^\d+$/.test(tp) ? Number(tp) : tp) : undefined;
  const out: IngressBackend[] = [];
  const add = (t: unknown, path: string) => {
    const r = rec(t) ?? {};
    if (r.kind != null && r.kind !== 'Service') {
      b.warn(`ignoring a target of kind ${String(r.kind)} (only Service is supported)`, o, path);
      return;
    }
    if (typeof r.name === 'string')
      out.push({ kind: 'Route', objectName: o.name, namespace: ns, service: r.name, port });
  };
  add(spec.to, '/spec/to');
  for (const [i, t] of arr(spec.alternateBackends).entries()) add(t, join('/spec/alternateBackends', i));
  return out;
}

/** Every connection on one protocol's ports, for rules. */
export function portConns(protocol: Protocol, lo: number, hi: number): ConnSet {
  return ConnSet.of(protocol, iv.range(lo, hi));
}
