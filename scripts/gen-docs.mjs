// Regenerates docs/rules/index.md from the rule registry (after `npm run build`).
import { writeFileSync } from 'node:fs';
import { ruleReferenceMarkdown } from '../dist/rules/reference.js';
import { RULE_CATALOGUE } from '../dist/rules/registry.js';

writeFileSync(new URL('../docs/rules/index.md', import.meta.url), ruleReferenceMarkdown(RULE_CATALOGUE));
