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

  it('switches one pillar off without naming the others; an unknown pillar is an error', async () => {
    const loaded = parseConfig('categories:\n  network: {enabled: false}\n', 'k.yaml');
    expect(loaded.config.categories).toEqual({ network: { enabled: false } });
    expect(() => parseConfig('categories:\n  netwrok: {enabled: false}\n', 'k.yaml')).toThrow(/^k\.yaml:2: /);
    // and the scan honours it: no network finding, other pillars still judged
    const { scanObjects } = await import('../scan.js');
    const { objectsFromText } = await import('../sources/file-objects.js');
    const { objects } = objectsFromText(
      [
        'apiVersion: v1',
        'kind: Namespace',
        'metadata: {name: shop}',
        '---',
        'apiVersion: apps/v1',
        'kind: Deployment',
        'metadata: {name: web, namespace: shop}',
        'spec:',
        '  selector: {matchLabels: {app: web}}',
        '  template:',
        '    metadata: {labels: {app: web}}',
        '    spec: {containers: [{name: web, image: nginx}]}',
      ].join('\n'),
      { file: 'm.yaml', scope: 'm' },
    );
    const on = scanObjects(objects, {}).findings;
    const off = scanObjects(objects, { config: loaded }).findings;
    expect(on.some((f) => f.category === 'network')).toBe(true);
    expect(off.some((f) => f.category === 'network')).toBe(false);
    expect(off.length).toBeGreaterThan(0);
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
