/**
 * docs/output-json.md shows what `-o json` writes; its examples must name
 * rules that exist, with their pillar and default severity, so that people
 * who copy a `jq` filter from it match real findings.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SEVERITIES } from '../model/severity.js';
import { RULE_CATALOGUE } from '../rules/registry.js';

const DOC = readFileSync(new URL('../../docs/output-json.md', import.meta.url), 'utf8');
const BLOCKS = [...DOC.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => m[1] as string);

interface ExampleFinding {
  ruleId: string;
  severity: string;
  category: string;
}

/** Every object with a `ruleId` in a parsed JSON value. */
function findingsIn(v: unknown): ExampleFinding[] {
  if (Array.isArray(v)) return v.flatMap(findingsIn);
  if (!v || typeof v !== 'object') return [];
  const o = v as Record<string, unknown>;
  return [
    ...(typeof o.ruleId === 'string' ? [o as unknown as ExampleFinding] : []),
    ...Object.values(o).flatMap(findingsIn),
  ];
}

describe('docs/output-json.md', () => {
  it('has JSON examples that parse', () => {
    expect(BLOCKS.length).toBeGreaterThan(0);
    for (const b of BLOCKS) expect(() => JSON.parse(b)).not.toThrow();
  });

  it('names only rule ids that exist', () => {
    const known = new Set(RULE_CATALOGUE.map((r) => r.id));
    // every "ruleId": "..." written in the page, parsed or not
    const written = [...DOC.matchAll(/"ruleId"\s*:\s*"([^"]*)"/g)].map((m) => m[1] as string);
    expect(written.length).toBeGreaterThan(0);
    expect(written.filter((id) => !known.has(id))).toEqual([]);
    // and the parsed examples give those rules their pillar (a finding's severity may differ from the rule's default)
    const findings = BLOCKS.flatMap((b) => findingsIn(JSON.parse(b)));
    expect(findings.length).toBe(written.length);
    for (const f of findings) {
      const rule = RULE_CATALOGUE.find((r) => r.id === f.ruleId);
      expect([f.ruleId, f.category]).toEqual([f.ruleId, rule?.category]);
      expect(SEVERITIES, f.ruleId).toContain(f.severity);
    }
  });
});
