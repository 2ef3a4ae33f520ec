import { defineRule } from '../rule.js';

/** Reported by the sources, not by a check; listed here so that `rules` and `explain` know it. */
export const rule = defineRule({
  id: 'file-skipped',
  title: 'File skipped (too large, binary or unreadable)',
  category: 'governance',
  severity: 'info',
  appliesTo: [],
  needs: 'object',
  description:
    'A file under a scanned path was not read: it is larger than the size limit, binary, not UTF-8, or unreadable.',
  remediation:
    'Exclude the file from the scanned paths, or raise maxFileBytes in .kubeprint.yaml when a large manifest is expected.',
  references: [],
  check: () => undefined,
});
