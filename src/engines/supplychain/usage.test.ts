import { describe, expect, it } from 'vitest';
import type { Config } from '../../config/config.js';
import { toKubeObject } from '../../model/kube-object.js';
import { imageUsage, VERIFY_RULES, verdictFindings } from './usage.js';
import type { ImageVerdict } from './verify-image.js';

const pod = toKubeObject(
  {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'n' },
    spec: { containers: [{ name: 'app', image: 'ghcr.io/acme/app:1.0' }] },
  },
  undefined,
  's',
);
if (!pod) throw new Error('not an object');
const uses = imageUsage([pod])[0]?.uses ?? [];

const unsigned: ImageVerdict = {
  image: 'ghcr.io/acme/app:1.0',
  digest: `sha256:${'a'.repeat(64)}`,
  policy: 'acme',
  status: 'failed',
  checks: [{ kind: 'signature', ok: false, message: 'no signature verifies' }],
};
const unmatched: ImageVerdict = {
  image: 'ghcr.io/acme/app:1.0',
  status: 'warn',
  checks: [{ kind: 'policy', ok: true, message: 'no image policy matches ghcr.io/acme/app' }],
};

describe('verdictFindings and the rules configuration', () => {
  it('uses the rule severity, and low for a policy that only warns, by default', () => {
    expect(verdictFindings(unsigned, uses).map((e) => [e.finding.ruleId, e.finding.severity])).toEqual([
      [VERIFY_RULES.signature.id, 'high'],
    ]);
    expect(verdictFindings(unmatched, uses).map((e) => [e.finding.ruleId, e.finding.severity])).toEqual([
      [VERIFY_RULES.policy.id, 'low'],
    ]);
  });

  it('applies rules.<id>.severity, which wins over the low of a warning', () => {
    const config = {
      rules: {
        'image-signature-unverified': { severity: 'critical' as const },
        'image-no-policy': { severity: 'medium' as const },
      },
    };
    expect(verdictFindings(unsigned, uses, config).map((e) => e.finding.severity)).toEqual(['critical']);
    expect(verdictFindings(unmatched, uses, config).map((e) => e.finding.severity)).toEqual(['medium']);
  });

  it('drops findings of a rule switched off, or of the supply-chain pillar switched off unless the rule is on', () => {
    // the schema's type lists every pillar; one is enough here
    const pillarOff = { 'supply-chain': { enabled: false } } as Config['categories'];
    expect(verdictFindings(unsigned, uses, { rules: { 'image-signature-unverified': { enabled: false } } })).toEqual(
      [],
    );
    expect(verdictFindings(unsigned, uses, { categories: pillarOff })).toEqual([]);
    const back = verdictFindings(unsigned, uses, {
      categories: pillarOff,
      rules: { 'image-signature-unverified': { enabled: true } },
    });
    expect(back.map((e) => e.finding.ruleId)).toEqual(['image-signature-unverified']);
  });
});

describe('imageUsage', () => {
  it("leaves out Istio's image: auto of an injected gateway template, which the injector replaces", () => {
    const gateway = (labels: Record<string, string>) =>
      toKubeObject(
        {
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'gw', namespace: 'istio-ingress' },
          spec: {
            template: {
              metadata: { labels },
              spec: { containers: [{ name: 'istio-proxy', image: 'auto' }] },
            },
          },
        },
        undefined,
        's',
      );
    const injected = gateway({ 'sidecar.istio.io/inject': 'true' });
    const plain = gateway({});
    if (!injected || !plain) throw new Error('not an object');
    expect(imageUsage([injected])).toEqual([]);
    expect(imageUsage([plain]).map((u) => u.image)).toEqual(['auto']);
  });
});
