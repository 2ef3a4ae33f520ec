import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ruleReferenceMarkdown } from './reference.js';
import { RULE_CATALOGUE } from './registry.js';

describe('rule registry', () => {
  it('has unique, stable kebab-case ids and complete metadata', () => {
    // engine-emitted rules (ENGINE_RULES) share the id space and the checks
    const ids = RULE_CATALOGUE.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const r of RULE_CATALOGUE) {
      expect(r.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      expect(r.title.length, r.id).toBeGreaterThan(5);
      expect(r.description.length, r.id).toBeGreaterThan(20);
      expect(r.remediation.length, r.id).toBeGreaterThan(10);
    }
  });

  it('docs/rules/index.md is up to date (npm run gen:docs)', () => {
    expect(readFileSync('docs/rules/index.md', 'utf8')).toBe(ruleReferenceMarkdown(RULE_CATALOGUE));
  });
});
