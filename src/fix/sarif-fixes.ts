import type { Finding } from '../model/finding.js';
import type { ScanOutput } from '../scan.js';
import { planFixes } from './plan.js';
import { fixerFor } from './registry.js';
import { replacements } from './unified-diff.js';

/** What SARIF's `result.fixes` holds for one finding: the file edits, as replacements of the file as scanned. */
export interface FindingFix {
  description: string;
  changes: Array<{ file: string; replacements: ReturnType<typeof replacements> }>;
}

/**
 * The fix of each fixable finding, computed alone against the files as they
 * are (so every replacement's offsets are those of the scanned text), for
 * code-scanning UIs that offer the change. Findings whose fix cannot be
 * placed in a file have none.
 */
export function findingFixes(scan: ScanOutput, cwd: string): Map<Finding, FindingFix> {
  const out = new Map<Finding, FindingFix>();
  for (const f of scan.findings) {
    const fixer = fixerFor(f.ruleId);
    if (!fixer) continue;
    const plan = planFixes({ ...scan, findings: [f] }, { cwd, includeReview: true });
    if (plan.changes.length === 0) continue;
    out.set(f, {
      description: `${fixer.safety === 'review' ? 'Review before applying: ' : ''}${fixer.summary} (kubeprint fix)`,
      changes: plan.changes.map((c) => ({ file: c.file, replacements: replacements(c.before, c.after) })),
    });
  }
  return out;
}
