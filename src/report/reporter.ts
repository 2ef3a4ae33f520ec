import type { ScanResult } from '../model/finding.js';
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
}

/** One output format. Reporters are pure: result in, text out. */
export interface Reporter {
  readonly name: string;
  render(result: ScanResult, ctx: ReportContext): string;
}
