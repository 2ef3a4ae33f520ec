import type { Finding } from './finding.js';

/**
 * What a scan with `--baseline REPORT.json` or `--baseline-ref REF` found
 * against that baseline. The scan's `findings` are then only the new ones;
 * this says what they were compared with and what the change fixed.
 */
export interface BaselineResult {
  /** What the findings were compared with, for people: `main (3f2a1bc)`, or the report file as given. */
  against: string;
  /** Findings of the baseline that the scan no longer gives (the change fixes them), in the baseline's order. */
  fixed: Finding[];
  /** Findings of the scan that the baseline has too: left out of `findings`. */
  unchanged: number;
  /** Set when NetworkPolicies differ between base and head (only `--baseline-ref` has both). */
  networkPolicies?: NetworkPolicyChange;
}

/** NetworkPolicies (and admin network policies) that differ between base and head, and what that does. */
export interface NetworkPolicyChange {
  /** `added NetworkPolicy shop/allow-web`, `changed …`, `removed …`, sorted. */
  changed: string[];
  /** The connections that differ (`kubeprint netpol diff BASE HEAD`), in its order. */
  connectivity: ConnectivityChange[];
  /** Problems of the reachability analysis of either side (each prefixed `base:` or `head:`). */
  problems: string[];
}

/** One line of `kubeprint netpol diff`, np-guard's fields. */
export interface ConnectivityChange {
  type: 'added' | 'removed' | 'changed';
  source: string;
  destination: string;
  /** Allowed connections in the base (`No Connections` when none). */
  before: string;
  after: string;
  /** Workloads that exist on one side only (`workload shop/web added`), or ''. */
  workloads: string;
}
