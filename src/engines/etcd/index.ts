/** The etcd engine's public API: gather (adapter), analyze (pure), defrag. */
export type { AnalyzeOptions, EtcdReport, MemberReport, QuorumReport } from './analyze.js';
export { analyzeCluster, DEFAULT_QUOTA_BYTES } from './analyze.js';
export type { ConnectOptions, GatherOptions, TlsMaterial } from './client.js';
export { gatherCluster, loadTls, parseEndpoints } from './client.js';
export type { DefragOptions, DefragPlan, DefragResult } from './defrag.js';
export { defragCluster, planDefrag } from './defrag.js';
export { memberMetricsFrom } from './metrics.js';
export type { CompiledRule } from './rule-expr.js';
export { compileRule, DEFAULT_DEFRAG_RULE, parseBytes } from './rule-expr.js';
export type { AlarmInfo, EndpointObservation, MemberInfo, MemberMetrics, MemberStatus } from './types.js';
export type { KnownBadVersionRange } from './versions.js';
export { KNOWN_BAD_VERSIONS, knownBadFor } from './versions.js';
