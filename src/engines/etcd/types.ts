/**
 * What the etcd adapter gathers from each endpoint, in a normalised shape that
 * is the same for etcd 3.4 and 3.5+. Member ids are hex strings as etcdctl
 * prints them (64-bit values never pass through a JS number).
 */

/** What one endpoint answered. Every field other than `endpoint` is optional: a call may fail alone. */
export interface EndpointObservation {
  /** URL as probed (`https://10.0.0.1:2379`). */
  endpoint: string;
  /** True when the endpoint was given by the user; false when found in a member list. */
  requested: boolean;
  /** The Status call answered. */
  reachable: boolean;
  /** Why the endpoint could not be reached (first failing call). */
  error?: string;
  status?: MemberStatus;
  /** A linearizable read, as `etcdctl endpoint health` does. */
  health?: HealthProbe;
  /** The member list as this endpoint sees it (serializable). */
  members?: MemberInfo[];
  /** Active alarms as this endpoint reports them (alarm list, or the Status errors of 3.4). */
  alarms?: AlarmInfo[];
  /** For TLS endpoints: whether a connection without a client certificate was refused; undefined when not probed. */
  clientCertRequired?: boolean;
  metrics?: MemberMetrics;
  metricsError?: string;
}

export interface HealthProbe {
  ok: boolean;
  tookMs: number;
  error?: string;
}

export interface MemberStatus {
  /** Hex id of the member that answered. */
  id: string;
  version: string;
  dbSize: number;
  /** Absent before etcd 3.4. */
  dbSizeInUse?: number;
  /** Hex id of the leader this member believes in; absent when it knows none. */
  leader?: string;
  raftTerm: number;
  raftIndex: number;
  /** Absent before etcd 3.4. */
  raftAppliedIndex?: number;
  /** Absent before etcd 3.4. */
  isLearner?: boolean;
  /** Alarm and health strings the member reports about itself. */
  errors: string[];
}

export interface MemberInfo {
  id: string;
  /** Empty for a member added but never started. */
  name: string;
  peerURLs: string[];
  /** Empty for a member added but never started. */
  clientURLs: string[];
  isLearner: boolean;
}

export interface AlarmInfo {
  /** Hex member id. */
  memberId: string;
  /** `NOSPACE`, `CORRUPT`, or another alarm name as etcd spells it. */
  alarm: string;
}

/** Figures read from a member's Prometheus `/metrics`. */
export interface MemberMetrics {
  walFsyncP99Seconds?: number;
  backendCommitP99Seconds?: number;
  leaderChanges?: number;
  hasLeader?: boolean;
  quotaBackendBytes?: number;
}
