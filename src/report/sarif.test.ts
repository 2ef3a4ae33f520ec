import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv, type ValidateFunction } from 'ajv';
import ajvFormats from 'ajv-formats';
import { beforeAll, describe, expect, it } from 'vitest';
import { sampleContext, sampleResult } from '../../test/helpers/report-sample.js';
import { fingerprintOf } from '../gitops/baseline.js';
import type { Finding, ScanResult } from '../model/finding.js';
import { artifactLocation, FINGERPRINT_KEY, sarifReporter } from './sarif.js';

// The official SARIF 2.1.0 schema (rtm.5, the OASIS release), as shipped by @microsoft/jest-sarif.
const SCHEMA_PATH = createRequire(import.meta.url).resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');

/**
 * The schema is draft-04. Ajv 8 speaks draft-07, which reads it the same way
 * once the draft-04 spellings go: `id` becomes `$id` and the draft-04
 * `$schema` is dropped (the schema uses no `exclusiveMinimum` booleans, the
 * other draft-04 difference). One of its patterns (`language`) is not a valid
 * Unicode-mode regular expression, so patterns compile without the `u` flag.
 */
function sarifValidator(): ValidateFunction {
  const schema = JSON.parse(readFileSync(SCHEMA_PATH, 'utf8')) as Record<string, unknown>;
  expect(schema.$schema).toBe('http://json-schema.org/draft-04/schema#');
  expect(JSON.stringify(schema)).not.toContain('"exclusiveMinimum":true');
  const { $schema: _draft, id, ...rest } = schema;
  const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false });
  // ajv-formats is CommonJS: under NodeNext its callable is the `default` property.
  ajvFormats.default(ajv);
  return ajv.compile({ ...rest, $id: String(id) });
}

interface Log {
  runs: {
    tool: { driver: { name: string; version: string; rules: Rule[] } };
    results: Result[];
  }[];
}
interface Rule {
  id: string;
  name: string;
  shortDescription: { text: string };
  help?: { text: string; markdown: string };
  helpUri?: string;
  defaultConfiguration: { level: string };
  properties: { tags: string[]; 'security-severity': string; precision: string };
}
interface Result {
  ruleId: string;
  ruleIndex: number;
  level: string;
  message: { text: string };
  locations?: {
    physicalLocation?: {
      artifactLocation: { uri: string; uriBaseId?: string };
      region?: { startLine: number; startColumn?: number };
    };
    logicalLocations?: { name: string; fullyQualifiedName: string }[];
  }[];
  partialFingerprints: Record<string, string>;
  suppressions?: { kind: string; justification: string }[];
}

function render(result: ScanResult = sampleResult(), showExempted = false): Log {
  return JSON.parse(sarifReporter.render(result, sampleContext({ showExempted }))) as Log;
}

describe('sarif reporter', () => {
  let validate: ValidateFunction;
  beforeAll(() => {
    validate = sarifValidator();
  });

  it('is valid against the SARIF 2.1.0 schema, with and without exempted findings', () => {
    for (const showExempted of [false, true]) {
      const log = render(sampleResult(), showExempted);
      const ok = validate(log);
      expect(validate.errors ?? []).toEqual([]);
      expect(ok).toBe(true);
    }
    const empty = sampleResult();
    empty.findings = [];
    expect(validate(render(empty))).toBe(true);
  });

  it('a finding overlays share is one valid result at its line, one logical location per object', () => {
    const r = sampleResult();
    const first = r.findings[0];
    if (!first?.object) throw new Error('sample has an object finding first');
    r.findings[0] = {
      ...first,
      roots: ['overlays/production', 'overlays/staging'],
      otherObjects: [{ ...first.object, namespace: 'staging' }],
    };
    const log = render(r);
    expect(validate(log)).toBe(true);
    const result = log.runs[0]!.results[0] as unknown as {
      locations: Array<{ physicalLocation: unknown; logicalLocations: Array<{ name: string }> }>;
      properties: { roots?: string[] };
    };
    expect(log.runs[0]!.results).toHaveLength(r.findings.length);
    expect(result.locations).toHaveLength(1);
    expect(result.locations[0]?.logicalLocations.map((l) => l.name)).toEqual([
      'Deployment/prod/web',
      'Deployment/staging/web',
    ]);
    expect(result.properties.roots).toEqual(['overlays/production', 'overlays/staging']);
  });

  it("names the GitOps objects that deploy a result's object in its properties", () => {
    const r = sampleResult();
    const first = r.findings[0] as Finding;
    first.deployedBy = [
      {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Application',
        namespace: 'argocd',
        name: 'web',
        source: { file: 'apps/web.yaml', line: 3 },
        via: [],
      },
    ];
    const log = render(r);
    expect(validate(log)).toBe(true);
    const result = log.runs[0]!.results[0] as unknown as { properties: { deployedBy?: string[] } };
    expect(result.properties.deployedBy).toEqual(['Application argocd/web (apps/web.yaml:3)']);
    expect(
      (log.runs[0]!.results[1] as unknown as { properties: { deployedBy?: string[] } }).properties.deployedBy,
    ).toBe(undefined);
  });

  it('the schema check can fail (a wrong level, a missing message, an unknown property)', () => {
    const log = render() as unknown as { runs: { results: Record<string, unknown>[] }[] };
    const result = log.runs[0]!.results[0]!;
    result.level = 'fatal';
    expect(validate(log)).toBe(false);
    result.level = 'error';
    delete result.message;
    expect(validate(log)).toBe(false);
    result.message = { text: 'x' };
    expect(validate(log)).toBe(true);
    result.ruleIdentifier = 'misspelt';
    expect(validate(log)).toBe(false);
    delete result.ruleIdentifier;
    // Formats are checked too (ajv-formats is loaded): informationUri must be an absolute URI.
    const driver = (log as unknown as Log).runs[0]!.tool.driver as unknown as Record<string, unknown>;
    driver.informationUri = 'not a uri';
    expect(validate(log)).toBe(false);
  });

  it('lists the rules that have results, in rule order, with help and GitHub properties', () => {
    const log = render();
    const driver = log.runs[0]!.tool.driver;
    expect(driver.name).toBe('kubeprint');
    expect(driver.version).toBe('0.1.0');
    expect(driver.rules.map((r) => r.id)).toEqual([
      'privileged-container',
      'image-digest-not-pinned',
      'rbac-wildcard',
      'replicas-too-few',
      'namespace-without-default-deny',
      'yaml-invalid',
    ]);
    const [priv, image, rbac, replicas, , yamlInvalid] = driver.rules;
    expect(priv?.name).toBe('PrivilegedContainer');
    expect(priv?.shortDescription.text).toBe('Container runs privileged');
    expect(priv?.help?.text).toContain('Remediation: Set securityContext.privileged to false.');
    expect(priv?.help?.markdown).toContain(
      '- [Pod Security Standards](https://kubernetes.io/docs/concepts/security/pod-security-standards/)',
    );
    // The first reference with a URL, not the first reference.
    expect(priv?.helpUri).toBe('https://kubernetes.io/docs/concepts/security/pod-security-standards/');
    expect(priv?.properties).toEqual({
      tags: ['security', 'kubernetes', 'pod-security'],
      'security-severity': '9.5',
      precision: 'very-high',
    });
    expect(priv?.defaultConfiguration.level).toBe('error');
    expect(image?.properties['security-severity']).toBe('7.5');
    expect(rbac?.helpUri).toBeUndefined();
    expect(replicas?.properties.tags).toEqual(['kubernetes', 'resilience']);
    expect(replicas?.properties['security-severity']).toBe('3.0');
    expect(replicas?.defaultConfiguration.level).toBe('note');
    // An id without metadata still gets an entry, so ruleIndex always resolves.
    expect(yamlInvalid?.shortDescription.text).toBe('yaml-invalid');
    expect(yamlInvalid?.properties['security-severity']).toBe('1.0');
  });

  it('points every result at its rule and maps severities to levels', () => {
    const log = render();
    const { rules } = log.runs[0]!.tool.driver;
    const results = log.runs[0]!.results;
    expect(results).toHaveLength(6);
    for (const r of results) expect(rules[r.ruleIndex]?.id).toBe(r.ruleId);
    expect(results.map((r) => r.level)).toEqual(['error', 'error', 'error', 'note', 'note', 'warning']);
  });

  it('writes physical locations relative to %SRCROOT%, a region only with a line, and logical locations', () => {
    const [priv, , rbac, api, broken, ns] = render().runs[0]!.results;
    expect(priv?.locations).toEqual([
      {
        physicalLocation: {
          artifactLocation: { uri: 'deploy/web.yaml', uriBaseId: '%SRCROOT%' },
          region: { startLine: 30, startColumn: 13 },
        },
        logicalLocations: [
          { name: 'Deployment/prod/web', fullyQualifiedName: 'apps/v1/Deployment/prod/web', kind: 'resource' },
        ],
      },
    ]);
    expect(rbac?.locations?.[0]?.physicalLocation?.region).toEqual({ startLine: 7 });
    expect(rbac?.locations?.[0]?.logicalLocations?.[0]?.name).toBe('ClusterRole/admin-all');
    expect(api?.locations?.[0]?.physicalLocation).toEqual({
      artifactLocation: { uri: 'deploy/api.yaml', uriBaseId: '%SRCROOT%' },
    });
    expect(broken?.locations?.[0]?.logicalLocations).toBeUndefined();
    // From a cluster: no file, only the object.
    expect(ns?.locations?.[0]?.physicalLocation).toBeUndefined();
    expect(ns?.locations?.[0]?.logicalLocations?.[0]?.name).toBe('Namespace/prod');
  });

  it('gives a finding with neither source nor object no locations', () => {
    const r = sampleResult();
    r.findings = [{ ruleId: 'config-invalid', severity: 'high', category: 'governance', message: 'bad config' }];
    const [only] = render(r).runs[0]!.results;
    expect(only).toBeDefined();
    expect(only?.locations).toBeUndefined();
  });

  it('fingerprints are stable across runs and line moves, and distinct per finding', () => {
    const fp = (log: Log) => log.runs[0]!.results.map((r) => r.partialFingerprints[FINGERPRINT_KEY]);
    const first = fp(render());
    expect(fp(render())).toEqual(first);
    expect(new Set(first).size).toBe(first.length);
    for (const f of first) expect(f).toMatch(/^[0-9a-f]{32}$/);
    const moved = sampleResult();
    for (const f of moved.findings) if (f.source?.line) f.source.line += 5;
    expect(fp(render(moved))).toEqual(first);
    const renamed = sampleResult();
    renamed.findings[0]!.object = { ...renamed.findings[0]!.object!, name: 'web2' };
    const after = fp(render(renamed));
    expect(after[0]).not.toBe(first[0]);
    expect(after.slice(1)).toEqual(first.slice(1));
  });

  it('two identical findings still get distinct fingerprints', () => {
    const r = sampleResult();
    r.findings = [r.findings[4]!, { ...r.findings[4]!, source: { file: 'broken.yaml', line: 9, column: 1 } }];
    const [a, b] = render(r).runs[0]!.results.map((x) => x.partialFingerprints[FINGERPRINT_KEY]);
    expect(a).not.toBe(b);
  });

  it('adds exempted findings with suppressions only with showExempted', () => {
    expect(render().runs[0]!.results.some((r) => r.suppressions)).toBe(false);
    const log = render(sampleResult(), true);
    const results = log.runs[0]!.results;
    expect(results).toHaveLength(8);
    const suppressed = results.filter((r) => r.suppressions);
    expect(suppressed.map((r) => r.ruleId)).toEqual(['run-as-root', 'replicas-too-few']);
    expect(suppressed[0]?.suppressions?.[0]).toMatchObject({
      kind: 'external',
      justification: 'legacy image, migration tracked in PLAT-12 (owner team-web, expires 2030-01-31)',
    });
    expect(suppressed[1]?.suppressions?.[0]).toMatchObject({ kind: 'inSource', justification: 'dev runs one replica' });
    expect(log.runs[0]!.tool.driver.rules.map((r) => r.id)).toContain('run-as-root');
  });
});

describe('artifactLocation', () => {
  it('keeps relative paths relative to %SRCROOT%, with forward slashes and encoded segments', () => {
    expect(artifactLocation('deploy/web.yaml')).toEqual({ uri: 'deploy/web.yaml', uriBaseId: '%SRCROOT%' });
    expect(artifactLocation('./deploy/web.yaml')).toEqual({ uri: 'deploy/web.yaml', uriBaseId: '%SRCROOT%' });
    expect(artifactLocation('deploy\\prod\\web.yaml')).toEqual({ uri: 'deploy/prod/web.yaml', uriBaseId: '%SRCROOT%' });
    expect(artifactLocation('my charts/a#b.yaml')?.uri).toBe('my%20charts/a%23b.yaml');
    expect(artifactLocation('../other/x.yaml')?.uri).toBe('../other/x.yaml');
  });

  it('makes absolute paths file URIs and gives stdin no artifact', () => {
    expect(artifactLocation('/srv/deploy/web.yaml')).toEqual({ uri: 'file:///srv/deploy/web.yaml' });
    expect(artifactLocation('C:\\repo\\web.yaml')).toEqual({ uri: 'file:///C:/repo/web.yaml' });
    expect(artifactLocation('-')).toBeUndefined();
  });
});

describe('sarif reporter with a baseline', () => {
  it('marks every result new, stays valid SARIF, and fingerprints as -o json does', () => {
    const r = sampleResult();
    const plain = render(r);
    r.baseline = { against: 'main (3f2a1bc)', fixed: [r.findings[1]!], unchanged: 4 };
    const log = render(r, true);
    expect(sarifValidator()(log)).toBe(true);
    const results = log.runs[0]!.results as Array<Result & { baselineState?: string }>;
    const active = results.filter((x) => !x.suppressions);
    expect(active.every((x) => x.baselineState === 'new')).toBe(true);
    expect(results.filter((x) => x.suppressions).every((x) => x.baselineState === undefined)).toBe(true);
    expect((plain.runs[0]!.results as Array<{ baselineState?: string }>).some((x) => x.baselineState)).toBe(false);
    const first = r.findings[0]!;
    expect(results[0]?.partialFingerprints[FINGERPRINT_KEY]).toBe(fingerprintOf(first));
  });
});
