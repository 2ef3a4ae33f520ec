import { defineFixer, type FixEdit } from '../fixer.js';

export const fixer = defineFixer({
  ruleId: 'image-pull-policy-not-always',
  safety: 'safe',
  summary:
    'sets imagePullPolicy: Always on each container the rule reports (pinning by digest is better, and is left to you)',
  edits(_obj, findings) {
    const edits: FixEdit[] = [];
    for (const f of findings) {
      if (f.path?.endsWith('/imagePullPolicy')) edits.push({ op: 'set', path: f.path, value: 'Always' });
    }
    return edits;
  },
});
