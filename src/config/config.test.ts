import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { KubeprintError } from '../errors.js';
import { RULE_CATALOGUE } from '../rules/registry.js';
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

  it('rejects unknown keys at the line of the key, suggesting the known one', () => {
    expect(() => parseConfig('failOn: high\nfailon: low\n', 'k.yaml')).toThrow(
      'k.yaml:2: unknown key "failon"; did you mean "failOn"?',
    );
    expect(() => parseConfig('rules:\n  a: {severity: low}\n  b:\n    enabeld: false\n', 'k.yaml')).toThrow(
      'k.yaml:4: rules.b: unknown key "enabeld"; did you mean "enabled"?',
    );
  });

  it('reports YAML syntax errors with a line', () => {
    expect(() => parseConfig('rules: [a\n', 'k.yaml')).toThrow(/^k\.yaml:\d+: /);
  });

  it('the published JSON Schema is the one the code generates', () => {
    const published = JSON.parse(readFileSync('schema/kubeprint-config.schema.json', 'utf8'));
    expect(published).toEqual(configJsonSchema());
  });
});

describe('rule ids in config', () => {
  const ruleIds = RULE_CATALOGUE.map((r) => r.id);
  const exemption = (rules: string) =>
    `exemptions:\n  - rules: ${rules}\n    reason: r\n    owner: o\n    expires: "2030-01-01"\n`;

  it('rejects an unknown rule id under rules: with the line of the key and the nearest id', () => {
    const text = 'failOn: high\nrules:\n  image-tag-latest: {severity: low}\n  imge-tag-latest: {enabled: false}\n';
    expect(codeOf(() => parseConfig(text, 'k.yaml', { ruleIds }))).toBe('CONFIG_INVALID');
    expect(() => parseConfig(text, 'k.yaml', { ruleIds })).toThrow(
      /^k\.yaml:4: rules: unknown rule id "imge-tag-latest"; did you mean "image-tag-latest"\?/,
    );
  });

  it('rejects an unknown rule id in an exemption with the line of the entry', () => {
    const text = `failOn: high\n${exemption('\n      - image-tag-latest\n      - no-such-rule')}`;
    expect(() => parseConfig(text, 'k.yaml', { ruleIds })).toThrow(
      /^k\.yaml:5: exemptions\[0\]\.rules\[1\]: unknown rule id "no-such-rule";/,
    );
  });

  it('accepts every catalogued id (engine-emitted ones too) and "*"', () => {
    const text = `rules:\n${ruleIds.map((id) => `  ${id}: {severity: low}`).join('\n')}\n${exemption(
      '["*", image-signature-unverified, invalid-yaml]',
    )}`;
    expect(Object.keys(parseConfig(text, 'k.yaml', { ruleIds }).config.rules ?? {})).toHaveLength(ruleIds.length);
  });

  it('every config kept in this repository names only known rule ids', () => {
    for (const file of ['examples/gitops/.kubeprint.yaml'])
      expect(() => parseConfig(readFileSync(file, 'utf8'), file, { ruleIds })).not.toThrow();
  });
});

describe('config errors read as sentences about the value', () => {
  const cases: Array<[string, string]> = [
    ['maxFileBytes: .inf\n', 'k.yaml:1: maxFileBytes: must be a finite number, not .inf'],
    ['maxFileBytes: 1.5\n', 'k.yaml:1: maxFileBytes: must be a whole number, not 1.5'],
    ['maxFileBytes: "10"\n', 'k.yaml:1: maxFileBytes: must be a number, not "10"'],
    ['maxFileBytes: 0\n', 'k.yaml:1: maxFileBytes: must be greater than 0, not 0'],
    ['failOn: hgh\n', 'k.yaml:1: failOn: must be one of "critical", "high", "medium", "low", "info", not "hgh"'],
    ['annotationExemptions: 1\n', 'k.yaml:1: annotationExemptions: must be true or false, not 1'],
    ['apiVersion: v1\n', 'k.yaml:1: apiVersion: must be "kubeprint.dev/v1alpha1", not "v1"'],
    ['exemptions: {}\n', 'k.yaml:1: exemptions: must be a list, not a mapping'],
    [
      'exemptions:\n  - rules: [a]\n    owner: o\n    expires: "2030-01-01"\n',
      'k.yaml:2: exemptions[0].reason: is required',
    ],
    [
      'exemptions:\n  - rules: []\n    reason: r\n    owner: o\n    expires: "2030-01-01"\n',
      'k.yaml:2: exemptions[0].rules: needs at least 1 entry',
    ],
    [
      'categories:\n  netwrok: {enabled: false}\n',
      'k.yaml:2: categories: unknown key "netwrok"; expected one of supply-chain, identity, pod-security, network, resilience, control-plane, gitops, governance',
    ],
  ];
  it.each(cases)('%j', (text, message) => {
    expect(() => parseConfig(text, 'k.yaml')).toThrow(message);
  });

  it('never repeats zod\'s type-only wording ("expected number, received number", "Invalid input")', () => {
    const bad = [
      ...cases.map(([t]) => t),
      'images:\n  policies:\n    - name: a\n      images: [x]\n      signers: [{foo: 1}]\n',
      'maxFileBytes: .nan\n',
      'rules:\n  foo: 3\n',
      '[1, 2]\n',
    ];
    for (const text of bad) {
      let message = '';
      try {
        parseConfig(text, 'k.yaml');
      } catch (err) {
        message = (err as Error).message;
      }
      expect(message, text).toMatch(/^k\.yaml:\d+: /);
      expect(message, text).not.toMatch(/received|Invalid input|Invalid option|expected (int|number|string|object)\b/);
    }
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
