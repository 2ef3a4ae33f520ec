import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { KubeprintError } from '../errors.js';
import { parseConfig } from './config.js';
import { configJsonSchema } from './json-schema.js';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    return err instanceof KubeprintError ? err.code : 'not-a-KubeprintError';
  }
  return undefined;
}

describe('config', () => {
  it('accepts a full valid config and records exemption lines', () => {
    const text = [
      'failOn: medium',
      'rules:',
      '  single-replica: {severity: low}',
      'registries:',
      '  allow: [ghcr.io/acme/*]',
      'exemptions:',
      '  - rules: [readonly-root-filesystem]',
      '    namespace: legacy',
      '    reason: vendor image',
      '    owner: team-a',
      '    expires: "2027-01-01"',
    ].join('\n');
    const loaded = parseConfig(text, 'k.yaml');
    expect(loaded.config.failOn).toBe('medium');
    expect(loaded.exemptionLines).toEqual([7]);
  });

  it('names the file and line of an invalid field', () => {
    const text = 'failOn: high\nexemptions:\n  - rules: [a]\n    reason: r\n    owner: o\n    expires: tomorrow\n';
    expect(codeOf(() => parseConfig(text, 'k.yaml'))).toBe('CONFIG_INVALID');
    expect(() => parseConfig(text, 'k.yaml')).toThrow(/^k\.yaml:6: /);
  });

  it('rejects unknown keys with their line', () => {
    expect(() => parseConfig('failOn: high\nfailon: low\n', 'k.yaml')).toThrow(/k\.yaml:1: .*failon/);
  });

  it('reports YAML syntax errors with a line', () => {
    expect(() => parseConfig('rules: [a\n', 'k.yaml')).toThrow(/^k\.yaml:\d+: /);
  });

  it('the published JSON Schema is the one the code generates', () => {
    const published = JSON.parse(readFileSync('schema/kubeprint-config.schema.json', 'utf8'));
    expect(published).toEqual(configJsonSchema());
  });
});

describe('the bundled example config', () => {
  it('is valid', () => {
    const loaded = parseConfig(
      readFileSync('examples/gitops/.kubeprint.yaml', 'utf8'),
      'examples/gitops/.kubeprint.yaml',
    );
    expect(loaded.config.exemptions?.length).toBeGreaterThan(0);
  });
});
