/**
 * What the server logs and counts about one decision, small whatever the
 * review held: the first verdicts (messages cut), counts of the rest, and the
 * effect of each rule for the metrics. Built where the review was judged (the
 * server's thread or a judging worker), so that only this crosses threads.
 */
import type { ObjectRef } from '../model/kube-object.js';
import type { Decision, OverBudget, RuleVerdict } from './decide.js';
import type { AdmissionRequest } from './review.js';

export interface DecisionSummary {
  uid: string;
  operation: AdmissionRequest['operation'];
  dryRun: boolean;
  /** userInfo.username, cut at 256 characters. */
  user: string;
  object: ObjectRef | undefined;
  decision: 'allowed' | 'denied' | 'ignored';
  ignored?: string;
  overBudget?: OverBudget;
  /** The first verdicts, messages cut at 256 characters. */
  rules: RuleVerdict[];
  /** With more verdicts than listed: how many, per rule. */
  counts?: { total: number; byRule: Record<string, number> };
  /** rule id, effect (deny, warn, audit, exempted), number of verdicts. */
  effects: Array<[string, string, number]>;
}

/** At most 256 characters of a message in a log entry: messages quote values, and values can be megabytes. */
const MAX_LOGGED_MESSAGE = 256;

export function clip(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/** The summary of a decision on `req`, asked on `route` (`/validate/advisory` never denies), listing `max` verdicts. */
export function summarize(req: AdmissionRequest, d: Decision, route: string, max: number): DecisionSummary {
  const effects = new Map<string, number>();
  for (const v of d.verdicts) {
    const effect =
      v.exempted !== undefined
        ? 'exempted'
        : v.mode === 'enforce' && !v.preexisting && route !== '/validate/advisory'
          ? 'deny'
          : v.mode === 'audit'
            ? 'audit'
            : 'warn';
    const k = `${v.ruleId}\u0000${effect}`;
    effects.set(k, (effects.get(k) ?? 0) + 1);
  }
  const s: DecisionSummary = {
    uid: req.uid,
    operation: req.operation,
    dryRun: req.dryRun,
    user: clip(req.userInfo.username ?? '', 256),
    object: d.object,
    decision: d.ignored !== undefined ? 'ignored' : d.response.allowed ? 'allowed' : 'denied',
    rules: d.verdicts
      .slice(0, max)
      .map((v) => (v.message.length > MAX_LOGGED_MESSAGE ? { ...v, message: clip(v.message, MAX_LOGGED_MESSAGE) } : v)),
    effects: [...effects].map(([k, n]) => {
      const [rule = '', effect = ''] = k.split('\u0000');
      return [rule, effect, n];
    }),
  };
  if (d.ignored !== undefined) s.ignored = d.ignored;
  if (d.overBudget) s.overBudget = d.overBudget;
  if (d.verdicts.length > max) {
    const byRule: Record<string, number> = {};
    for (const v of d.verdicts) byRule[v.ruleId] = (byRule[v.ruleId] ?? 0) + 1;
    s.counts = { total: d.verdicts.length, byRule };
  }
  return s;
}
