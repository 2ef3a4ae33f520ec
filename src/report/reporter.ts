import type { FindingFix } from '../fix/sarif-fixes.js';
import type { Finding, ScanResult } from '../model/finding.js';
import type { Threshold } from '../model/severity.js';
import type { RuleMeta } from '../rules/rule.js';

export interface ReportContext {
  /** Metadata of every rule that can appear in the findings (for SARIF's rule table, help text). */
  rules: readonly RuleMeta[];
  /** Colour output (only on a TTY, and never when NO_COLOR is set). */
  color: boolean;
  failOn: Threshold;
  /** List exempted findings too, with the reason. */
  showExempted: boolean;
  toolVersion: string;
  /** The fix of each fixable finding (src/fix), for SARIF's `fixes`; absent when not computed. */
  fixes?: ReadonlyMap<Finding, FindingFix>;
}

/** One output format. Reporters are pure: result in, text out. */
export interface Reporter {
  readonly name: string;
  render(result: ScanResult, ctx: ReportContext): string;
  /**
   * The same text as `render`, in pieces, made as they are read: the CLI
   * writes each piece as it comes, so that a report of a large cluster is
   * never held as one string.
   */
  chunks(result: ScanResult, ctx: ReportContext): Iterable<string>;
}
