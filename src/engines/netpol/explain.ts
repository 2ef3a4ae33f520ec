import type { LabelSelector } from '../../model/selector.js';
import type { Endpoint, Reachability } from './analyze.js';
import { ConnSet } from './conn.js';

/** One reason in the decision for one direction. */
export interface ExplainStep {
  layer: 'AdminNetworkPolicy' | 'NetworkPolicy' | 'BaselineAdminNetworkPolicy' | 'default';
  policy: string;
  /** Rule (`ingress[0]`, or the rule's name for admin policies), or `isolation` for a policy that selects without allowing. */
  rule: string;
  effect: 'allow' | 'deny' | 'pass';
  conn: ConnSet;
}

export interface Explanation {
  egress: ExplainStep[];
  ingress: ExplainStep[];
  allowed: ConnSet;
}

/** Why connections from src to dst are allowed or denied, per direction, in order of precedence. */
export function explainPair(r: Reachability, src: Endpoint, dst: Endpoint): Explanation {
  return {
    egress: explainDirection(r, src, dst, false),
    ingress: explainDirection(r, src, dst, true),
    allowed: r.allowed(src, dst),
  };
}

function explainDirection(r: Reachability, src: Endpoint, dst: Endpoint, ingress: boolean): ExplainStep[] {
  const subject = ingress ? dst : src;
  const other = ingress ? src : dst;
  const steps: ExplainStep[] = [];
  if (subject.type === 'ip')
    return [
      {
        layer: 'default',
        policy: '-',
        rule: 'IP addresses are not subject to policies',
        effect: 'allow',
        conn: ConnSet.ALL,
      },
    ];
  const m = r.model;
  let undecided = ConnSet.ALL;
  let passed = ConnSet.NONE;
  const matches = (a: { subject: { nsSel: LabelSelector; podSel: LabelSelector } }) =>
    r.anpPeerMatches({ type: 'pods', nsSel: a.subject.nsSel, podSel: a.subject.podSel }, subject);
  for (const a of m.adminPolicies) {
    if (!matches(a)) continue;
    for (const rule of ingress ? a.ingress : a.egress) {
      if (!rule.peers.some((p) => r.anpPeerMatches(p, other))) continue;
      const c = r.anpRuleConns(rule, a, dst).intersect(undecided);
      if (c.isEmpty()) continue;
      steps.push({
        layer: 'AdminNetworkPolicy',
        policy: a.name,
        rule: rule.name,
        effect: rule.action === 'Allow' ? 'allow' : rule.action === 'Deny' ? 'deny' : 'pass',
        conn: c,
      });
      if (rule.action === 'Pass') passed = passed.union(c);
      undecided = undecided.subtract(c);
    }
  }
  undecided = undecided.union(passed);
  const pols = m.policies.filter(
    (p) =>
      (ingress ? p.ingress : p.egress) !== undefined &&
      p.namespace === subject.pod.namespace &&
      matchesPodSel(r, p.podSel, subject),
  );
  if (pols.length > 0) {
    let allowedByNp = ConnSet.NONE;
    // rules that select the peer but open nothing, because the destination defines none of their named ports
    const unmatchedNamed: string[] = [];
    for (const p of pols) {
      for (const rule of (ingress ? p.ingress : p.egress) ?? []) {
        const hit =
          rule.peers.length === 0 ||
          rule.peers.some((peer) =>
            peer.type === 'ip'
              ? other.type === 'ip' && peer.block.length > 0 && inBlock(peer.block, other.lo)
              : other.type === 'pod' && r.npPeerMatches(p, peer, other.pod),
          );
        if (!hit) continue;
        const all = r.npRuleConns(rule, p, dst);
        if (all.isEmpty())
          unmatchedNamed.push(
            `${pols.length > 1 ? `${p.namespace}/${p.name} ` : ''}${ingress ? 'ingress' : 'egress'}[${rule.index}]: named ports of the rule have no match in the configuration of the destination peer`,
          );
        const c = all.intersect(undecided);
        if (c.isEmpty()) continue;
        allowedByNp = allowedByNp.union(c);
        steps.push({
          layer: 'NetworkPolicy',
          policy: `${p.namespace}/${p.name}`,
          rule: `${ingress ? 'ingress' : 'egress'}[${rule.index}]`,
          effect: 'allow',
          conn: c,
        });
      }
    }
    const denied = undecided.subtract(allowedByNp);
    if (!denied.isEmpty())
      steps.push({
        layer: 'NetworkPolicy',
        policy: pols.map((p) => `${p.namespace}/${p.name}`).join(', '),
        rule: unmatchedNamed.length > 0 ? `isolation (${unmatchedNamed.join('; ')})` : 'isolation',
        effect: 'deny',
        conn: denied,
      });
    return steps;
  }
  const b = m.baseline;
  if (b && matches(b)) {
    for (const rule of ingress ? b.ingress : b.egress) {
      if (!rule.peers.some((p) => r.anpPeerMatches(p, other))) continue;
      const c = r.anpRuleConns(rule, b, dst).intersect(undecided);
      if (c.isEmpty()) continue;
      steps.push({
        layer: 'BaselineAdminNetworkPolicy',
        policy: b.name,
        rule: rule.name,
        effect: rule.action === 'Allow' ? 'allow' : 'deny',
        conn: c,
      });
      undecided = undecided.subtract(c);
    }
  }
  if (!undecided.isEmpty())
    steps.push({
      layer: 'default',
      policy: '-',
      rule: 'no policy selects the pod in this direction',
      effect: 'allow',
      conn: undecided,
    });
  return steps;
}

function inBlock(block: readonly number[], v: number): boolean {
  for (let i = 0; i < block.length; i += 2) if (v >= (block[i] as number) && v <= (block[i + 1] as number)) return true;
  return false;
}

function matchesPodSel(r: Reachability, sel: LabelSelector, e: Endpoint & { type: 'pod' }): boolean {
  return r.anpPeerMatches({ type: 'pods', nsSel: {}, podSel: sel }, e);
}

/** Text form: one line per step, per direction, then the result. */
export function formatExplanation(src: string, dst: string, x: Explanation): string {
  const lines = [`${src} => ${dst} : ${x.allowed}`];
  for (const [dir, steps] of [
    ['egress', x.egress],
    ['ingress', x.ingress],
  ] as const) {
    lines.push(`  ${dir}:`);
    for (const s of steps) lines.push(`    ${s.effect.padEnd(5)} ${s.conn}  by ${s.layer} ${s.policy} ${s.rule}`);
  }
  return lines.join('\n');
}
