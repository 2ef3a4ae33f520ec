export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Higher is worse. */
export function severityRank(s: Severity): number {
  return SEVERITIES.length - SEVERITIES.indexOf(s);
}

export function isSeverity(s: unknown): s is Severity {
  return typeof s === 'string' && (SEVERITIES as readonly string[]).includes(s);
}

/** True when `s` is at or above `threshold`. */
export function atLeast(s: Severity, threshold: Severity): boolean {
  return severityRank(s) >= severityRank(threshold);
}

export const CATEGORIES = [
  'supply-chain',
  'identity',
  'pod-security',
  'network',
  'resilience',
  'control-plane',
  'gitops',
  'governance',
] as const;
export type Category = (typeof CATEGORIES)[number];

/** A `--fail-on` value: a severity, or `none` (the run never fails on findings). */
export type Threshold = Severity | 'none';

/** True when a finding of severity `s` fails a run at `threshold`. */
export function failsAt(s: Severity, threshold: Threshold): boolean {
  return threshold !== 'none' && atLeast(s, threshold);
}
