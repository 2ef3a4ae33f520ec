import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../config/config.js';
import type { InTotoStatement } from './cosign.js';
import { compareVersions, policyFor, provenanceFacts, statementProblems, versionInRange } from './policy.js';
import { imagesPolicyFromConfig } from './policy-load.js';

const st = (predicateType: string, predicate: unknown): InTotoStatement => ({
  _type: 'https://in-toto.io/Statement/v0.1',
  predicateType,
  subject: [{ name: 'x', digest: { sha256: 'ab' } }],
  predicate,
});

describe('version ranges', () => {
  it('compares dotted versions numerically', () => {
    expect(compareVersions('2.10.0', '2.9.1')).toBe(1);
    expect(compareVersions('1.0', '1.0.0')).toBe(0);
    expect(compareVersions('v1.2.3', '1.2.4')).toBe(-1);
  });
  it('matches ranges with conjunctions and alternatives', () => {
    expect(versionInRange('2.14.1', '<2.17.0')).toBe(true);
    expect(versionInRange('2.17.0', '<2.17.0')).toBe(false);
    expect(versionInRange('1.3', '>=1.0 <1.4 || 2.0.1')).toBe(true);
    expect(versionInRange('2.0.1', '>=1.0 <1.4 || 2.0.1')).toBe(true);
    expect(versionInRange('1.4', '>=1.0 <1.4 || 2.0.1')).toBe(false);
    expect(versionInRange('9', '*')).toBe(true);
  });
});

describe('attestation contents', () => {
  it('reads builder, repository and ref from SLSA v0.2 and v1', () => {
    expect(
      provenanceFacts(
        st('https://slsa.dev/provenance/v0.2', {
          builder: { id: 'B' },
          invocation: { configSource: { uri: 'git+https://github.com/a/b@refs/tags/v1' } },
        }),
      ),
    ).toEqual({ builderId: 'B', sourceRepository: 'https://github.com/a/b', ref: 'refs/tags/v1' });
    expect(
      provenanceFacts(
        st('https://slsa.dev/provenance/v1', {
          runDetails: { builder: { id: 'B1' } },
          buildDefinition: {
            externalParameters: { workflow: { repository: 'https://github.com/a/b', ref: 'refs/heads/main' } },
          },
        }),
      ),
    ).toEqual({ builderId: 'B1', sourceRepository: 'https://github.com/a/b', ref: 'refs/heads/main' });
  });
  it('denies listed SBOM packages in the range only (CycloneDX nested, SPDX)', () => {
    const req = {
      predicateType: 'https://cyclonedx.org/bom',
      denyPackages: [{ name: 'log4j-core', versions: '<2.17.0' }],
    };
    const bad = st('https://cyclonedx.org/bom', {
      components: [{ name: 'app', components: [{ name: 'log4j-core', version: '2.14.1' }] }],
    });
    const good = st('https://cyclonedx.org/bom', { components: [{ name: 'log4j-core', version: '2.17.1' }] });
    expect(statementProblems(req, bad)).toEqual(['SBOM lists denied package log4j-core@2.14.1 (<2.17.0)']);
    expect(statementProblems(req, good)).toEqual([]);
    const spdx = st('https://spdx.dev/Document', { packages: [{ name: 'openssl', versionInfo: '1.1.1k' }] });
    expect(
      statementProblems({ predicateType: 'https://spdx.dev/Document', denyPackages: [{ name: 'openssl' }] }, spdx),
    ).toHaveLength(1);
  });
  it('checks SLSA constraints exactly or by regexp', () => {
    const p = st('https://slsa.dev/provenance/v0.2', { builder: { id: 'https://github.com/x/y' } });
    expect(
      statementProblems(
        {
          predicateType: p.predicateType,
          slsa: { builderId: { $case: 'regexp', pattern: 'https://github\\.com/x/.*' } },
        },
        p,
      ),
    ).toEqual([]);
    expect(
      statementProblems({ predicateType: p.predicateType, slsa: { builderId: { $case: 'exact', value: 'z' } } }, p),
    ).toHaveLength(1);
  });
});

describe('images policy from .kubeprint.yaml', () => {
  it('loads keys relative to the config, expands aliases, applies defaults', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubeprint-policy-'));
    try {
      const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
      writeFileSync(join(dir, 'ci.pub'), publicKey.export({ type: 'spki', format: 'pem' }));
      const text = [
        'images:',
        '  unmatched: deny',
        '  policies:',
        '    - name: acme',
        '      images: ["ghcr.io/acme/**"]',
        '      allowedRegistries: ["ghcr.io"]',
        '      signers:',
        '        - key: ci.pub',
        '        - identity: {regexp: "https://github\\\\.com/acme/.*"}',
        '          issuer: https://token.actions.githubusercontent.com',
        '      attestations:',
        '        - predicateType: slsaprovenance',
        '          slsa: {builderId: https://github.com/slsa-framework/slsa-github-generator}',
        '',
      ].join('\n');
      const loaded = parseConfig(text, join(dir, '.kubeprint.yaml'));
      const policy = imagesPolicyFromConfig(loaded.config.images, dir);
      expect(policy.unmatched).toBe('deny');
      const p = policyFor(policy.policies, 'ghcr.io/acme/web');
      expect(p?.signers.map((s) => s.$case)).toEqual(['key', 'keyless']);
      expect(p?.attestations[0]?.predicateType).toBe('https://slsa.dev/provenance/v0.2');
      expect(p?.requireTlog).toBe(true);
      expect(policyFor(policy.policies, 'docker.io/library/nginx')).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it('a missing key file or bad pattern is CONFIG_INVALID', () => {
    const bad = parseConfig(
      'images:\n  policies:\n    - name: p\n      images: ["*"]\n      signers: [{key: nope.pub}]\n',
      'c.yaml',
    );
    expect(() => imagesPolicyFromConfig(bad.config.images, '/nonexistent')).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID' }),
    );
    const re = parseConfig(
      'images:\n  policies:\n    - name: p\n      images: ["*"]\n      signers: [{identity: {regexp: "("}, issuer: x}]\n',
      'c.yaml',
    );
    expect(() => imagesPolicyFromConfig(re.config.images, '/')).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID' }),
    );
  });
  it('an unknown field in the images section is rejected by the schema', () => {
    expect(() => parseConfig('images:\n  unmatched: maybe\n', 'c.yaml')).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID' }),
    );
  });
});
