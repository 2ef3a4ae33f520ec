import type { BaselineResult } from './baseline.js';
import type { ObjectRef } from './kube-object.js';
import type { Category, Severity } from './severity.js';

/** One problem found by a rule, in the stable shape every reporter uses. */
export interface Finding {
  ruleId: string;
  severity: Severity;
  category: Category;
  message: string;
  /** The object the finding is about; absent for findings about a file (invalid YAML). */
  object?: ObjectRef;
  /** JSON pointer to the offending field within the object. */
  path?: string;
  source?: FindingSource;
  /**
   * The scopes whose objects gave this finding: render roots (a kustomization
   * or chart directory), a plain-file scope, a cluster context. One, unless
   * overlays render one base: then the same finding at the same source
   * location is reported once, listing every root (see `mergeRepeats`).
   */
  roots?: readonly string[];
  /**
   * Other objects the finding is also about, when it was merged from several
   * roots whose objects differ (namespaces, name prefixes); `object` is the first.
   */
  otherObjects?: readonly ObjectRef[];
  /** Set when an exemption matched (the finding is kept for --show-exempted). */
  exemption?: AppliedExemption;
  /**
   * The GitOps objects (Argo CD Applications, Flux Kustomizations and
   * HelmReleases) that deploy the finding's object, when the scan followed
   * one to it: usually one; more when one file is rendered by several.
   */
  deployedBy?: readonly DeployedBy[];
}

/** A GitOps object that deploys what a finding is about, and the ones that deploy it in turn. */
export interface DeployedBy {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
  /** Where the GitOps object is written. */
  source?: FindingSource;
  /** The GitOps objects that deploy this one (apps of apps), nearest first. */
  via: ReadonlyArray<Omit<DeployedBy, 'via'>>;
}

export interface FindingSource {
  file: string;
  line?: number;
  column?: number;
}

export interface AppliedExemption {
  /** `annotation` or `config` */
  via: 'annotation' | 'config';
  reason: string;
  owner?: string;
  expires?: string;
}

/** The outcome of a scan, handed to every reporter. */
export interface ScanResult {
  /** Findings that were not exempted, sorted by file, line, rule. */
  findings: Finding[];
  /** Findings an exemption matched (shown with --show-exempted). */
  exempted: Finding[];
  stats: ScanStats;
  /** With `--baseline`/`--baseline-ref`: `findings` are only the new ones; this says against what and what was fixed. */
  baseline?: BaselineResult;
}

export interface ScanStats {
  files: number;
  objects: number;
  /** YAML documents without apiVersion/kind. */
  skippedDocuments: number;
  /** Files skipped (too large, binary, unreadable). */
  skippedFiles: number;
  /**
   * Files with Kubernetes objects under a kustomization directory that no
   * kustomization includes: not deployed, so not scanned (`--raw` scans them).
   */
  notIncluded?: readonly string[];
  durationMs: number;
}
