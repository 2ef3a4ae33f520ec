import { fingerprintOf } from '../gitops/baseline.js';
import type { BaselineResult } from '../model/baseline.js';
import type { AppliedExemption, DeployedBy, Finding, ScanResult } from '../model/finding.js';
import type { Category, Severity, Threshold } from '../model/severity.js';
import { JsonArray, jsonChunks, mapped } from './json-chunks.js';
import type { ReportContext, Reporter } from './reporter.js';
import { summarize } from './summary.js';

/**
 * `-o json`, documented in docs/output-json.md. Every key is always present
 * (null when unknown) and objects are built in a fixed key order, so that the
 * output diffs cleanly and `jq` paths never need a default.
 */
export interface JsonReport {
  findings: JsonFinding[];
  summary: JsonSummary;
  /** Only with --baseline or --baseline-ref (then `findings` are the new ones). */
  baseline?: JsonBaseline;
  /** Only with --show-exempted. */
  exempted?: JsonExemptedFinding[];
}

export interface JsonFinding {
  ruleId: string;
  severity: Severity;
  category: Category;
  message: string;
  object: JsonObject | null;
  path: string | null;
  source: { file: string; line: number | null; column: number | null } | null;
  /** The render roots (or scopes) whose objects gave the finding; more than one when overlays share a base. */
  roots: string[];
  /** Other objects of the same finding (same rule, source location, path and message), `object` being the first. */
  otherObjects: JsonObject[];
  /** Identity of the finding across runs and moved lines (docs/adr/0009): what --baseline compares. */
  fingerprint: string;
  /** The GitOps objects that deploy the finding's object, when kubeprint followed one to it (docs/gitops.md). */
  deployedBy: JsonDeployedBy[];
}

export interface JsonBaseline {
  against: string;
  new: number;
  fixed: number;
  unchanged: number;
  fixedFindings: JsonFinding[];
  networkPolicies: {
    changed: string[];
    connectivityDiff: Array<{
      type: string;
      source: string;
      destination: string;
      before: string;
      after: string;
      workloads: string;
    }>;
    problems: string[];
  } | null;
}

/** A GitOps object (Argo CD Application, Flux Kustomization or HelmRelease) that deploys a finding's object. */
export interface JsonDeployedBy extends JsonObject {
  source: { file: string; line: number | null; column: number | null } | null;
  /** The GitOps objects that deploy this one (apps of apps), nearest first. */
  via: Array<JsonObject & { source: { file: string; line: number | null; column: number | null } | null }>;
}

export interface JsonObject {
  apiVersion: string;
  kind: string;
  namespace: string | null;
  name: string;
}

export interface JsonExemptedFinding extends JsonFinding {
  /** Null only if the engine listed a finding as exempted without saying why (a bug upstream). */
  exemption: { via: AppliedExemption['via']; reason: string; owner: string | null; expires: string | null } | null;
}

export interface JsonSummary {
  total: number;
  bySeverity: Record<Severity, number>;
  byCategory: Record<Category, number>;
  failOn: Threshold;
  failed: boolean;
  exempted: number;
  files: number;
  objects: number;
  skippedDocuments: number;
  skippedFiles: number;
  /** Files with Kubernetes objects that no kustomization includes (not deployed, not scanned). */
  notIncluded: number;
  notIncludedFiles: string[];
}

export const jsonReporter: Reporter = {
  name: 'json',
  render(result: ScanResult, ctx: ReportContext): string {
    return `${JSON.stringify(toJsonReport(result, ctx), null, 2)}\n`;
  },
  *chunks(result: ScanResult, ctx: ReportContext): Generator<string> {
    // The same value as toJsonReport, its findings made one at a time as they are written.
    yield* jsonChunks({
      findings: new JsonArray(mapped(result.findings, jsonFinding)),
      summary: jsonSummary(result, ctx),
      ...(result.baseline ? { baseline: jsonBaseline(result.baseline, result.findings.length) } : {}),
      ...(ctx.showExempted ? { exempted: new JsonArray(mapped(result.exempted, jsonExempted)) } : {}),
    });
    yield '\n';
  },
};

/** The report as a value (for the library API and tests). */
export function toJsonReport(result: ScanResult, ctx: Pick<ReportContext, 'failOn' | 'showExempted'>): JsonReport {
  const report: JsonReport = {
    findings: result.findings.map(jsonFinding),
    summary: jsonSummary(result, ctx),
  };
  if (result.baseline) report.baseline = jsonBaseline(result.baseline, result.findings.length);
  if (ctx.showExempted) report.exempted = result.exempted.map(jsonExempted);
  return report;
}

function jsonSummary(result: ScanResult, ctx: Pick<ReportContext, 'failOn'>): JsonSummary {
  const s = summarize(result, ctx.failOn);
  return {
    total: s.total,
    bySeverity: s.bySeverity,
    byCategory: s.byCategory,
    failOn: ctx.failOn,
    failed: s.failed,
    exempted: s.exempted,
    files: result.stats.files,
    objects: result.stats.objects,
    skippedDocuments: result.stats.skippedDocuments,
    skippedFiles: result.stats.skippedFiles,
    notIncluded: result.stats.notIncluded?.length ?? 0,
    notIncludedFiles: [...(result.stats.notIncluded ?? [])],
  };
}

function jsonFinding(f: Finding): JsonFinding {
  const o = f.object;
  const src = f.source;
  return {
    ruleId: f.ruleId,
    severity: f.severity,
    category: f.category,
    message: f.message,
    object: o ? jsonObject(o) : null,
    path: f.path ?? null,
    source: src ? { file: src.file, line: src.line ?? null, column: src.column ?? null } : null,
    roots: [...(f.roots ?? [])],
    otherObjects: (f.otherObjects ?? []).map(jsonObject),
    fingerprint: fingerprintOf(f),
    deployedBy: (f.deployedBy ?? []).map(jsonDeployedBy),
  };
}

function jsonBaseline(b: BaselineResult, added: number): JsonBaseline {
  const np = b.networkPolicies;
  return {
    against: b.against,
    new: added,
    fixed: b.fixed.length,
    unchanged: b.unchanged,
    fixedFindings: b.fixed.map(jsonFinding),
    networkPolicies: np
      ? {
          changed: [...np.changed],
          connectivityDiff: np.connectivity.map((c) => ({ ...c })),
          problems: [...np.problems],
        }
      : null,
  };
}

function jsonDeployedBy(d: DeployedBy): JsonDeployedBy {
  const at = (x: Omit<DeployedBy, 'via'>) => ({
    ...jsonObject(x),
    source: x.source ? { file: x.source.file, line: x.source.line ?? null, column: x.source.column ?? null } : null,
  });
  return { ...at(d), via: d.via.map(at) };
}

function jsonObject(o: NonNullable<Finding['object']>): JsonObject {
  return { apiVersion: o.apiVersion, kind: o.kind, namespace: o.namespace ?? null, name: o.name };
}

function jsonExempted(f: Finding): JsonExemptedFinding {
  const e = f.exemption;
  return {
    ...jsonFinding(f),
    exemption: e ? { via: e.via, reason: e.reason, owner: e.owner ?? null, expires: e.expires ?? null } : null,
  };
}
