/**
 * np-guard's `list --explain` report: for every pair of peers, which
 * connections are allowed and which denied, with the policies and rules
 * behind each decision, grouped by identical reasons; the pairs whose every
 * connection is allowed by the system default alone close the report.
 */
import { matchesMapSelector, matchesSelector } from '../../model/selector.js';
import { backendConnection, type Connection, type Endpoint, endpointName, type Reachability } from './analyze.js';
import { ConnSet, MAX_PORT, MIN_PORT, type Protocol } from './conn.js';
import { exposureAnalysis, exposureOnConnectionTxt, focusExposure, formatExposureTxt } from './exposure.js';
import { type FocusOptions, focusConnections } from './focus.js';
import type { Intervals } from './intervals.js';
import * as iv from './intervals.js';
import type { NetworkPolicy, WorkloadPod } from './model.js';

/** The protocols in np-guard's order of display. */
const SHOWN: readonly Protocol[] = ['TCP', 'UDP', 'SCTP'];
const SYSTEM_DEFAULT = 'the system default (Allow all)';
const RULER = '-'.repeat(160);

/** One reason line; lines of the same `group` (a kind of object) are shown as a list when there are several. */
interface Reason {
  group: string;
  text: string;
}

/** The decision of one direction for one (protocol, port). */
interface Verdict {
  allowed: boolean;
  reasons: Reason[];
  /** Only the system default decided (no policy involved). */
  onlyDefault: boolean;
}

/** One class of connections between a pair that share the same decision and reasons. */
export interface ExplainedConns {
  allowed: boolean;
  conn: ConnSet;
  egress: string[];
  ingress: string[];
  onlyDefault: boolean;
}

export interface ExplainedPair {
  src: Endpoint;
  dst: Endpoint;
  classes: ExplainedConns[];
}

/** What one Ingress or Route object exposes of a workload through a Service. */
interface Exposure {
  label: string;
  service: string;
  conn: ConnSet;
}

function dirName(ingress: boolean): string {
  return ingress ? 'Ingress' : 'Egress';
}

function selectsPod(p: NetworkPolicy, pod: WorkloadPod): boolean {
  return p.namespace === pod.namespace && matchesSelector(p.podSel, pod.labels);
}

/** Cut points of a connection set, per protocol (interval starts and ends + 1). */
function addCuts(cuts: Record<Protocol, Set<number>>, c: ConnSet): void {
  for (const p of SHOWN) {
    const r = c.ports[p];
    for (let i = 0; i < r.length; i += 2) {
      cuts[p].add(r[i] as number);
      cuts[p].add((r[i + 1] as number) + 1);
    }
  }
}

class PairExplainer {
  private readonly exposures: Map<WorkloadPod, Exposure[]>;

  constructor(private readonly r: Reachability) {
    this.exposures = this.ingressExposures();
  }

  /** Per exposed workload, what each Ingress/Route object opens to the ingress controller. */
  private ingressExposures(): Map<WorkloadPod, Exposure[]> {
    const out = new Map<WorkloadPod, Exposure[]>();
    const r = this.r;
    if (!r.ingressController) return out;
    for (const be of r.model.ingressBackends) {
      const svc = r.model.services.find((s) => s.namespace === be.namespace && s.name === be.service);
      if (!svc || svc.selector === undefined) continue;
      const sel = svc.selector;
      const peers = r.pods.filter(
        (p) =>
          !p.synthetic &&
          p.namespace === svc.namespace &&
          (Object.keys(sel).length === 0 || matchesMapSelector(sel, p.labels)),
      );
      for (const p of peers) {
        const c = backendConnection(svc, be, p);
        let l = out.get(p);
        if (!l) out.set(p, (l = []));
        const label = `${be.kind} '${be.namespace}/${be.objectName}'`;
        const old = l.find((e) => e.label === label && e.service === be.service);
        if (old) old.conn = old.conn.union(c);
        else l.push({ label, service: be.service, conn: c });
      }
    }
    return out;
  }

  exposedPods(): WorkloadPod[] {
    return [...this.exposures.keys()];
  }

  /** Every connection set a direction's decision depends on, for cutting the port space. */
  private cutsFor(src: Endpoint, dst: Endpoint, cuts: Record<Protocol, Set<number>>, ingress: boolean): void {
    const r = this.r;
    const subject = ingress ? dst : src;
    if (subject.type === 'ip') return;
    for (const p of r.model.policies) {
      if (!selectsPod(p, subject.pod)) continue;
      for (const rule of (ingress ? p.ingress : p.egress) ?? []) addCuts(cuts, r.npRuleConns(rule, p, dst));
    }
    const admins = r.model.baseline ? [...r.model.adminPolicies, r.model.baseline] : r.model.adminPolicies;
    for (const a of admins) {
      if (!r.isAdminSubject(a, subject.pod)) continue;
      for (const rule of ingress ? a.ingress : a.egress) addCuts(cuts, r.anpRuleConns(rule, a, dst));
    }
    if (ingress && src.type === 'pod' && src.pod.synthetic)
      for (const e of this.exposures.get(subject.pod) ?? []) addCuts(cuts, e.conn);
  }

  private npVerdict(
    src: Endpoint,
    dst: Endpoint,
    subject: WorkloadPod,
    ingress: boolean,
    proto: Protocol,
    port: number,
  ): Verdict | undefined {
    const r = this.r;
    const other = ingress ? src : dst;
    const dir = dirName(ingress);
    const s = endpointName({ type: 'pod', pod: subject });
    const o = endpointName(other);
    const allows: Reason[] = [];
    const denies: Reason[] = [];
    let isolated = false;
    for (const p of r.model.policies) {
      const rules = ingress ? p.ingress : p.egress;
      if (rules === undefined || !selectsPod(p, subject)) continue;
      isolated = true;
      const name = `NetworkPolicy '${p.namespace}/${p.name}'`;
      if (rules.length === 0) {
        denies.push({
          group: 'NetworkPolicy',
          text: `${name} selects ${s}, but ${o} is not allowed by any ${dir} rule (no rules defined)`,
        });
        continue;
      }
      // within one policy, the first rule that decides a connection explains it (np-guard keeps the earlier reason)
      let peerMatched = false;
      let allow: Reason | undefined;
      let mismatch: Reason | undefined;
      for (const [i, rule] of rules.entries()) {
        const matches =
          rule.peers.length === 0 ||
          rule.peers.some((peer) =>
            peer.type === 'ip'
              ? other.type === 'ip' && iv.contains(peer.block, other.lo)
              : other.type === 'pod' && r.npPeerMatches(p, peer, other.pod),
          );
        if (!matches) continue;
        peerMatched = true;
        if (r.npRuleConns(rule, p, dst).has(proto, port)) {
          allow = { group: 'NetworkPolicy', text: `${name} allows connections by ${dir} rule #${i + 1}` };
          break;
        }
        // a rule whose ports are all named ports the destination does not define (by name and protocol) opens nothing
        const why = r.npRuleConns(rule, p, dst).isEmpty()
          ? 'but named ports of the rule have no match in the configuration of the destination peer'
          : 'but the protocols and ports do not match';
        mismatch ??= {
          group: 'NetworkPolicy',
          text: `${name} selects ${s}, and ${dir} rule #${i + 1} selects ${o}, ${why}`,
        };
      }
      if (allow) allows.push(allow);
      else if (mismatch) denies.push(mismatch);
      if (!peerMatched)
        denies.push({
          group: 'NetworkPolicy',
          text: `${name} selects ${s}, but ${o} is not allowed by any ${dir} rule`,
        });
    }
    if (!isolated) return undefined;
    return allows.length > 0
      ? { allowed: true, reasons: allows, onlyDefault: false }
      : { allowed: false, reasons: denies, onlyDefault: false };
  }

  /** The AdminNetworkPolicy rule that decides one (protocol, port) of a direction, if any. */
  private anpDecision(
    src: Endpoint,
    dst: Endpoint,
    ingress: boolean,
    proto: Protocol,
    port: number,
  ): 'Allow' | 'Deny' | 'Pass' | undefined {
    const r = this.r;
    const subject = ingress ? dst : src;
    const other = ingress ? src : dst;
    if (subject.type === 'ip' || subject.pod.synthetic) return undefined;
    for (const a of r.model.adminPolicies) {
      if (!r.isAdminSubject(a, subject.pod)) continue;
      for (const rule of ingress ? a.ingress : a.egress) {
        if (!rule.peers.some((p) => r.anpPeerMatches(p, other))) continue;
        if (r.anpRuleConns(rule, a, dst).has(proto, port)) return rule.action;
      }
    }
    return undefined;
  }

  /**
   * np-guard's quirk when both AdminNetworkPolicies and NetworkPolicies capture a direction:
   * it adds the NetworkPolicies' share (their allowed connections less the ANP-denied ones)
   * to the ANP-allowed connections with a union that ignores an empty set, reasons and all.
   * So when the NetworkPolicies allow nothing beyond what ANPs deny, the connections the
   * ANPs leave undecided are denied without any reason in that direction. Connections an
   * ANP passes are explained (the Pass, then the NetworkPolicies): np-guard's union drops
   * those reasons too, but a denial nobody explains is a defect, and no np-guard expected
   * output depends on it.
   */
  private silentNetpols(src: Endpoint, dst: Endpoint, ingress: boolean, points: Record<Protocol, number[]>): boolean {
    const r = this.r;
    const subject = ingress ? dst : src;
    const other = ingress ? src : dst;
    if (subject.type === 'ip' || subject.pod.synthetic) return false;
    const anpCaptured = r.model.adminPolicies.some(
      (a) =>
        r.isAdminSubject(a, subject.pod) &&
        (ingress ? a.ingress : a.egress).some((rule) => rule.peers.some((p) => r.anpPeerMatches(p, other))),
    );
    if (!anpCaptured) return false;
    let npCaptured = false;
    for (const proto of SHOWN)
      for (const port of points[proto]) {
        const np = this.npVerdict(src, dst, subject.pod, ingress, proto, port);
        if (!np) return false;
        npCaptured = true;
        if (np.allowed && this.anpDecision(src, dst, ingress, proto, port) !== 'Deny') return false;
      }
    return npCaptured;
  }

  /** The decision of one direction at one (protocol, port); `silent`: see silentNetpols. */
  private verdict(
    src: Endpoint,
    dst: Endpoint,
    ingress: boolean,
    proto: Protocol,
    port: number,
    silent = false,
  ): Verdict {
    const r = this.r;
    const subject = ingress ? dst : src;
    const other = ingress ? src : dst;
    if (subject.type === 'ip' || subject.pod.synthetic)
      return { allowed: true, reasons: [{ group: '', text: SYSTEM_DEFAULT }], onlyDefault: true };
    const dir = dirName(ingress);
    const pre: Reason[] = [];
    let decided: Verdict | undefined;
    outer: for (const a of r.model.adminPolicies) {
      if (!r.isAdminSubject(a, subject.pod)) continue;
      for (const rule of ingress ? a.ingress : a.egress) {
        if (!rule.peers.some((p) => r.anpPeerMatches(p, other))) continue;
        if (!r.anpRuleConns(rule, a, dst).has(proto, port)) continue;
        const verb = rule.action === 'Allow' ? 'allows' : rule.action === 'Deny' ? 'denies' : 'passes';
        const reason = {
          group: '',
          text: `AdminNetworkPolicy '${a.name}' ${verb} connections by ${dir} rule ${rule.name}`,
        };
        if (rule.action === 'Pass') pre.push(reason);
        else decided = { allowed: rule.action === 'Allow', reasons: [reason], onlyDefault: false };
        break outer;
      }
    }
    // the quirk leaves out only what the ANPs did not pass: a passed connection keeps the NetworkPolicies' reasons
    if (!decided && silent && pre.length === 0) decided = { allowed: false, reasons: [], onlyDefault: false };
    if (!decided) {
      const np = this.npVerdict(src, dst, subject.pod, ingress, proto, port);
      if (np) decided = { ...np, reasons: [...pre, ...np.reasons] };
    }
    if (!decided) {
      const b = r.model.baseline;
      if (b && r.isAdminSubject(b, subject.pod))
        for (const rule of ingress ? b.ingress : b.egress) {
          if (!rule.peers.some((p) => r.anpPeerMatches(p, other))) continue;
          if (!r.anpRuleConns(rule, b, dst).has(proto, port)) continue;
          const verb = rule.action === 'Allow' ? 'allows' : 'denies';
          decided = {
            allowed: rule.action === 'Allow',
            reasons: [
              ...pre,
              {
                group: '',
                text: `BaselineAdminNetworkPolicy '${b.name}' ${verb} connections by ${dir} rule ${rule.name}`,
              },
            ],
            onlyDefault: false,
          };
          break;
        }
    }
    if (!decided)
      decided = {
        allowed: true,
        reasons: [...pre, { group: '', text: SYSTEM_DEFAULT }],
        onlyDefault: pre.length === 0,
      };
    if (ingress && src.type === 'pod' && src.pod.synthetic) {
      const routes = this.exposures.get(subject.pod) ?? [];
      const open = routes.filter((e) => e.conn.has(proto, port));
      if (open.length > 0) {
        const lines = open.map((e) => ({
          group: e.label.split(' ')[0] as string,
          text: `${e.label} allows ingress connections through service ${e.service}`,
        }));
        if (decided.allowed)
          return {
            allowed: true,
            reasons: [...(decided.onlyDefault ? [] : decided.reasons), ...lines],
            onlyDefault: false,
          };
        return decided;
      }
      const lines = routes.map((e) => ({
        group: e.label.split(' ')[0] as string,
        text: `${e.label} allows ingress to service ${e.service}, but the protocols and ports do not match`,
      }));
      return {
        allowed: false,
        reasons: [...(decided.allowed ? [] : decided.reasons), ...lines],
        onlyDefault: false,
      };
    }
    return decided;
  }

  explain(src: Endpoint, dst: Endpoint): ExplainedPair {
    const cuts: Record<Protocol, Set<number>> = {
      SCTP: new Set([MIN_PORT]),
      TCP: new Set([MIN_PORT]),
      UDP: new Set([MIN_PORT]),
    };
    this.cutsFor(src, dst, cuts, false);
    this.cutsFor(src, dst, cuts, true);
    const sorted = (p: Protocol) => [...cuts[p]].filter((x) => x >= MIN_PORT && x <= MAX_PORT).sort((a, b) => a - b);
    const points: Record<Protocol, number[]> = { TCP: sorted('TCP'), UDP: sorted('UDP'), SCTP: sorted('SCTP') };
    const silentEg = this.silentNetpols(src, dst, false, points);
    const silentIn = this.silentNetpols(src, dst, true, points);
    const classes = new Map<string, ExplainedConns>();
    for (const proto of SHOWN) {
      for (const [i, lo] of points[proto].entries()) {
        const hi = (points[proto][i + 1] ?? MAX_PORT + 1) - 1;
        const eg = this.verdict(src, dst, false, proto, lo, silentEg);
        const ing = this.verdict(src, dst, true, proto, lo, silentIn);
        const allowed = eg.allowed && ing.allowed;
        const egress = renderDirection('Egress', eg);
        const ingress = renderDirection('Ingress', ing);
        const key = `${allowed}\n${egress.join('\n')}\n${ingress.join('\n')}`;
        const conn = ConnSet.of(proto, iv.range(lo, hi));
        const old = classes.get(key);
        if (old) old.conn = old.conn.union(conn);
        else classes.set(key, { allowed, conn, egress, ingress, onlyDefault: eg.onlyDefault && ing.onlyDefault });
      }
    }
    return { src, dst, classes: [...classes.values()] };
  }
}

/** The lines of one direction (without indentation of the direction line itself). */
function renderDirection(dir: string, v: Verdict): string[] {
  // np-guard leaves out a direction it has no reason for (see silentNetpols)
  if (v.reasons.length === 0) return [];
  const head = `\t\t${dir} (${v.allowed ? 'Allowed' : 'Denied'})`;
  if (v.onlyDefault) return [`${head} due to ${SYSTEM_DEFAULT}`];
  const byGroup = new Map<string, string[]>();
  const items: string[] = [];
  for (const reason of v.reasons) {
    if (reason.group === '') {
      items.push(`\t\t\t${reason.text}`);
      continue;
    }
    let l = byGroup.get(reason.group);
    if (!l) byGroup.set(reason.group, (l = []));
    if (!l.includes(reason.text)) l.push(reason.text);
  }
  for (const [group, texts] of byGroup) {
    if (texts.length === 1) items.push(`\t\t\t${texts[0]}`);
    else
      items.push(
        `\t\t\t${group} list:\n${texts
          .sort()
          .map((t) => `\t\t\t\t- ${t}`)
          .join('\n')}\n`,
      );
  }
  items.sort();
  return [head, ...items];
}

/** `TCP:[1-52,54-65535], UDP, SCTP`. */
function connText(c: ConnSet): string {
  const parts: string[] = [];
  for (const p of SHOWN) {
    const r: Intervals = c.ports[p];
    if (r.length === 0) continue;
    if (iv.equals(r, [MIN_PORT, MAX_PORT])) {
      parts.push(p);
      continue;
    }
    const items: string[] = [];
    for (let i = 0; i < r.length; i += 2) items.push(r[i] === r[i + 1] ? `${r[i]}` : `${r[i]}-${r[i + 1]}`);
    parts.push(`${p}:[${items.join(',')}]`);
  }
  return parts.join(', ');
}

function banner(title: string): string {
  const line = `# ${title} #`;
  const border = '#'.repeat(line.length);
  return `${border}\n${line}\n${border}`;
}

/** The pairs np-guard explains: workloads to workloads, IP ranges to and from workloads, the ingress controller to what it exposes. */
export function explainAll(r: Reachability): ExplainedPair[] {
  const ex = new PairExplainer(r);
  const workloads = r.pods.filter((p) => !p.synthetic);
  const out: ExplainedPair[] = [];
  const { sources, destinations } = r.ipEndpoints();
  for (const s of workloads)
    for (const d of workloads) if (s !== d) out.push(ex.explain({ type: 'pod', pod: s }, { type: 'pod', pod: d }));
  for (const ip of sources) for (const d of workloads) out.push(ex.explain(ip, { type: 'pod', pod: d }));
  for (const s of workloads) for (const ip of destinations) out.push(ex.explain({ type: 'pod', pod: s }, ip));
  if (r.ingressController)
    for (const d of ex.exposedPods())
      out.push(ex.explain({ type: 'pod', pod: r.ingressController }, { type: 'pod', pod: d }));
  return out;
}

function isAllByDefault(p: ExplainedPair): boolean {
  return p.classes.length === 1 && p.classes[0]?.allowed === true && p.classes[0].onlyDefault;
}

function pairBlock(p: ExplainedPair): string {
  const lines: string[] = [RULER, `Connections between ${endpointName(p.src)} => ${endpointName(p.dst)}:`, ''];
  const section = (allowed: boolean) => {
    const entries = p.classes
      .filter((c) => c.allowed === allowed)
      .map((c) => {
        const head = `\t${allowed ? 'Allowed' : 'Denied'} ${connText(c.conn)}`;
        if (c.onlyDefault) return `${head} due to ${SYSTEM_DEFAULT}\n`;
        return `${head} due to the following policies and rules:\n${[...c.egress, ...c.ingress].join('\n')}\n`;
      })
      .sort();
    if (entries.length === 0) return;
    lines.push(`${allowed ? 'Allowed' : 'Denied'} connections:`);
    lines.push(entries.join('\n'));
  };
  section(true);
  section(false);
  return lines.join('\n');
}

export interface ExplainFilter {
  /** np-guard's focus options (--focus-workload, --focus-workload-peer, --focus-direction). */
  focus?: FocusOptions;
  /** Only this one connection (--focus-conn). */
  conn?: ConnSet;
  /** Only the allowed, or only the denied, connections (np-guard's --explain-only). */
  only?: 'allow' | 'deny';
}

/** Narrow explained pairs to a focus, one connection, or one kind of decision; pairs left with nothing are dropped. */
export function filterExplained(pairs: readonly ExplainedPair[], f: ExplainFilter): ExplainedPair[] {
  let kept = [...pairs];
  if (f.focus) {
    const tagged = kept.map((p) => ({ src: p.src, dst: p.dst, conn: ConnSet.NONE, pair: p }));
    const focused = new Set<object>(focusConnections(tagged, f.focus));
    kept = tagged.filter((t) => focused.has(t)).map((t) => t.pair);
  }
  const out: ExplainedPair[] = [];
  for (const p of kept) {
    let classes = p.classes;
    const one = f.conn;
    if (one) classes = classes.map((c) => ({ ...c, conn: c.conn.intersect(one) })).filter((c) => !c.conn.isEmpty());
    if (f.only) classes = classes.filter((c) => c.allowed === (f.only === 'allow'));
    if (classes.length > 0) out.push({ ...p, classes });
  }
  return out;
}

/** np-guard's `list --explain` text. */
export function formatExplainNpGuard(pairs: readonly ExplainedPair[]): string {
  const named = pairs.map((p) => ({ p, key: `${endpointName(p.src)} => ${endpointName(p.dst)}` }));
  const byKey = (a: { key: string }, b: { key: string }) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);
  const specific = named.filter((x) => !isAllByDefault(x.p)).sort(byKey);
  const defaults = named.filter((x) => isAllByDefault(x.p)).sort(byKey);
  const parts: string[] = [''];
  if (specific.length > 0) {
    parts.push(banner('Specific connections and their reasons'));
    for (const x of specific) parts.push(pairBlock(x.p));
  }
  if (defaults.length > 0) {
    parts.push(`${specific.length > 0 ? '\n' : ''}${banner('All Connections due to the system default (Allow all)')}`);
    parts.push(defaults.map((x) => x.key).join('\n'));
  }
  return parts.join('\n');
}

/**
 * np-guard's `list --explain --exposure` text: the explain report of the pairs in
 * the input, then the exposure sections (each workload's exposure to the entire
 * cluster, to namespaces and pods the input does not hold, and to IP ranges).
 * With `f.conn` (--focus-conn) the exposure is the one on that connection, under
 * `Exposure Analysis Result On <conn>:`. `connections` is the connectivity list
 * of `r`; focus and connection filters apply to both parts, `f.only` to the
 * explain part alone.
 */
export function formatExplainExposureNpGuard(
  r: Reachability,
  connections: readonly Connection[],
  f: ExplainFilter = {},
): string {
  const explained = formatExplainNpGuard(filterExplained(explainAll(r), f));
  const focus = f.focus;
  let conns = focus ? focusConnections(connections, focus) : [...connections];
  let exposed = exposureAnalysis(r, {
    ...(focus?.workloads ? { workloads: focus.workloads } : {}),
    ...(focus?.direction ? { direction: focus.direction } : {}),
  });
  let exposure: string;
  const one = f.conn;
  if (one) {
    conns = conns.filter((c) => !c.conn.intersect(one).isEmpty());
    exposed = focusExposure(exposed, one);
    exposure = exposureOnConnectionTxt(conns, exposed, one.toString());
  } else exposure = formatExposureTxt('', conns, exposed);
  return `${explained}\n\n${exposure}`;
}
