/**
 * The NetworkPolicy reachability engine: which workloads (and which IP ranges
 * outside the cluster) can talk to which, over which protocols and ports, under
 * NetworkPolicy, AdminNetworkPolicy and BaselineAdminNetworkPolicy. Pure: it
 * reads KubeObjects and returns data.
 */
import type { KubeObject } from '../../model/kube-object.js';
import { type Connection, Reachability } from './analyze.js';
import { buildModel, type NetpolProblem } from './model.js';

export type { Connection, Endpoint } from './analyze.js';
export { endpointName, Reachability } from './analyze.js';
export { ConnSet, type Protocol } from './conn.js';
export { type ConnDiff, connectivityDiff, type DiffType, formatDiff, formatDiffTxt } from './diff.js';
export { type FocusOptions, focusConnections, focusOnConnection, parseFocusConn, unknownFocusNames } from './focus.js';
export {
  CONNLIST_FORMATS,
  type ConnLine,
  type ConnlistFormat,
  connLines,
  formatConnlist,
  formatFocusedOnConnection,
} from './format.js';
export type { NetpolModel, NetpolProblem, WorkloadPod } from './model.js';
export { buildModel, expandLists } from './model.js';

export interface Connectivity {
  connections: Connection[];
  problems: NetpolProblem[];
  engine: Reachability;
}

/**
 * Every allowed connection among the workloads of `objects`.
 * @example
 * const { connections } = connectivity(objects);
 * formatConnlist(connections, 'txt');
 */
export function connectivity(objects: readonly KubeObject[]): Connectivity {
  const engine = new Reachability(buildModel(objects));
  const connections = engine.connections();
  return { connections, problems: engine.problems, engine };
}
export { type ExplainStep, type Explanation, explainPair, formatExplanation } from './explain.js';
export {
  type ExplainedConns,
  type ExplainedPair,
  type ExplainFilter,
  explainAll,
  filterExplained,
  formatExplainExposureNpGuard,
  formatExplainNpGuard,
} from './explain-npguard.js';
export {
  EXPOSURE_FORMATS,
  type ExposedWorkload,
  type ExposureConn,
  type ExposureFormat,
  type ExposureItem,
  type ExposureLine,
  type ExposureOptions,
  type ExposurePeer,
  exposureAnalysis,
  exposureConnString,
  exposureLines,
  exposureOnConnectionTxt,
  exposurePeerName,
  focusExposure,
  formatExposure,
  formatExposureOnConnection,
  formatExposureTxt,
  type XgressExposure,
} from './exposure.js';
export { parseIPv4 } from './ip.js';
