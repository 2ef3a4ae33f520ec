/**
 * kubeprint's library API. The CLI is a thin layer over these.
 *
 * @example
 * import { scanPaths, reporterFor, RULES } from 'kubeprint';
 * const result = await scanPaths(['deploy/'], { cwd: process.cwd() });
 * console.log(reporterFor('json').render(result, { rules: RULES, color: false, failOn: 'high', showExempted: false, toolVersion: VERSION }));
 */

export type { Config, Exemption, LoadedConfig } from './config/config.js';
// configuration and exemptions
export { DEFAULT_CONFIG, loadConfig, parseConfig } from './config/config.js';
export { configJsonSchema } from './config/json-schema.js';
// engines (etcd and admission are separate entry points, `kubeprint/etcd` and `kubeprint/admission`,
// because they load gRPC and the Kubernetes client)
export * as netpol from './engines/netpol/index.js';
export * as pss from './engines/pss/index.js';
export * as rbac from './engines/rbac/index.js';
export { type ErrorCode, KubeprintError } from './errors.js';
export { applyExemptions, EXEMPT_ANNOTATION, EXEMPT_REASON_ANNOTATION } from './exemptions/index.js';
// PR gate: fingerprints and the comparison of a scan with a baseline (docs/adr/0009)
export {
  apiGroup,
  type Comparison,
  compareWithBaseline,
  findingsFromReport,
  fingerprintOf,
  fingerprintsOf,
} from './gitops/baseline.js';
// drift: desired state against a live cluster (the Kubernetes client is loaded only when a cluster is read)
export type { DriftEntry, DriftProblem, DriftReport, DriftSkip } from './gitops/drift.js';
export { driftExitCode } from './gitops/drift.js';
export { type DriftOptions, driftAgainstCluster } from './gitops/drift-cluster.js';
export { DRIFT_FORMATS, type DriftFormat } from './gitops/drift-output.js';
export type { BaselineResult, ConnectivityChange, NetworkPolicyChange } from './model/baseline.js';
export type { AppliedExemption, Finding, FindingSource, ScanResult, ScanStats } from './model/finding.js';
export { effectiveTag, type ImageRef, parseImageRef } from './model/image-ref.js';
export { Inventory } from './model/inventory.js';
// model
export type { KubeObject, ObjectRef, ObjectSource, Position } from './model/kube-object.js';
export { annotationsOf, labelsOf, objectRef, toKubeObject } from './model/kube-object.js';
export {
  BUILTIN_OPERATOR_WORKLOADS,
  type OperatorPods,
  type OperatorWorkload,
  type OperatorWorkloadSpec,
  operatorWorkloadOf,
  operatorWorkloadTable,
} from './model/operator-workloads.js';
export { type LabelSelector, matchesSelector, parseLabelSelector } from './model/selector.js';
export { CATEGORIES, type Category, SEVERITIES, type Severity, type Threshold } from './model/severity.js';
export {
  type ContainerView,
  imageChosenByInjector,
  WORKLOAD_KINDS,
  type Workload,
  workloadOf,
} from './model/workload.js';
// reporters
export { REPORTERS, reporterFor } from './report/index.js';
export type { ReportContext, Reporter } from './report/reporter.js';
export { runRules } from './rules/engine.js';
// rules
export { RULES, ruleById } from './rules/registry.js';
export type { Reference, Rule, RuleContext, RuleHit, RuleMeta } from './rules/rule.js';
// scanning
export { type ScanOptions, type ScanOutput, scanObjects, scanPaths } from './scan.js';
export { type LoadOptions, type LoadResult, loadInputs, objectsFromText } from './sources/index.js';
export { VERSION } from './version.js';
