import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { corpus } from '../../../test/helpers/corpora.js';
import { verifyBundle } from './bundle-verify.js';
import { matchesIdentity } from './identity.js';
import { productionTrustedRoot } from './trusted-root.js';

const { path: CASES, present } = corpus('sigstore-conformance/bundle-verify');
const IDENTITY =
  'https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main';
const ISSUER = 'https://token.actions.githubusercontent.com';

const json = (p: string): unknown => JSON.parse(readFileSync(join(CASES, p), 'utf8'));

describe('matchesIdentity', () => {
  it('exact and anchored regular expressions', () => {
    expect(matchesIdentity({ $case: 'exact', value: 'a@b' }, 'a@b')).toBe(true);
    expect(matchesIdentity({ $case: 'exact', value: 'a@b' }, 'xa@b')).toBe(false);
    expect(
      matchesIdentity({ $case: 'regexp', pattern: 'https://github\\.com/org/.*' }, 'https://github.com/org/r'),
    ).toBe(true);
    // Anchored: a prefix match does not pass.
    expect(matchesIdentity({ $case: 'regexp', pattern: 'https://github\\.com/org' }, 'https://github.com/org/r')).toBe(
      false,
    );
    expect(matchesIdentity({ $case: 'regexp', pattern: '(' }, 'x')).toBe(false);
    expect(matchesIdentity({ $case: 'exact', value: 'x' }, undefined)).toBe(false);
  });
});

describe.skipIf(!present)(`verifyBundle on conformance bundles (reads ${CASES})`, () => {
  it('verifies the happy path and reports the signer', async () => {
    const r = verifyBundle({
      bundle: json('happy-path-v0.3/bundle.sigstore.json'),
      artifact: { $case: 'bytes', bytes: readFileSync(join(CASES, 'a.txt')) },
      trustedRoot: await productionTrustedRoot(),
      signer: {
        $case: 'keyless',
        identity: { $case: 'exact', value: IDENTITY },
        issuer: { $case: 'exact', value: ISSUER },
      },
    });
    expect(r).toMatchObject({ ok: true, signer: { identity: IDENTITY, issuer: ISSUER } });
  });
  it('rejects another identity or issuer with IDENTITY_MISMATCH; accepts a matching regexp', async () => {
    const base = {
      bundle: json('happy-path-v0.3/bundle.sigstore.json'),
      artifact: { $case: 'bytes', bytes: readFileSync(join(CASES, 'a.txt')) } as const,
      trustedRoot: await productionTrustedRoot(),
    };
    const other = verifyBundle({
      ...base,
      signer: {
        $case: 'keyless',
        identity: { $case: 'exact', value: `${IDENTITY}x` },
        issuer: { $case: 'exact', value: ISSUER },
      },
    });
    expect(other).toMatchObject({ ok: false, code: 'IDENTITY_MISMATCH' });
    const issuer = verifyBundle({
      ...base,
      signer: {
        $case: 'keyless',
        identity: { $case: 'exact', value: IDENTITY },
        issuer: { $case: 'exact', value: 'https://accounts.google.com' },
      },
    });
    expect(issuer).toMatchObject({ ok: false, code: 'IDENTITY_MISMATCH' });
    const re = verifyBundle({
      ...base,
      signer: {
        $case: 'keyless',
        identity: { $case: 'regexp', pattern: 'https://github\\.com/sigstore-conformance/.*' },
        issuer: { $case: 'exact', value: ISSUER },
      },
    });
    expect(re.ok).toBe(true);
  });
  it('a DSSE bundle verifies against the subject digest, and not against another', async () => {
    const bundle = json('happy-path-intoto-in-dsse-v3/bundle.sigstore.json');
    const sha = createHash('sha256')
      .update(readFileSync(join(CASES, 'a.txt')))
      .digest('hex');
    const signer = {
      $case: 'keyless',
      identity: { $case: 'exact', value: IDENTITY },
      issuer: { $case: 'exact', value: ISSUER },
    } as const;
    const trustedRoot = await productionTrustedRoot();
    const ok = verifyBundle({ bundle, artifact: { $case: 'sha256', hex: sha }, trustedRoot, signer });
    expect(ok.ok).toBe(true);
    if (ok.ok) expect(ok.envelope?.payloadType).toBe('application/vnd.in-toto+json');
    const bad = verifyBundle({ bundle, artifact: { $case: 'sha256', hex: '0'.repeat(64) }, trustedRoot, signer });
    expect(bad).toMatchObject({ ok: false, code: 'ARTIFACT_MISMATCH' });
  });
  it('garbage is BUNDLE_INVALID, not a throw', async () => {
    const r = verifyBundle({
      bundle: { mediaType: 'nope' },
      artifact: { $case: 'bytes', bytes: Buffer.from('x') },
      trustedRoot: await productionTrustedRoot(),
      signer: { $case: 'keyless', identity: { $case: 'exact', value: 'a' }, issuer: { $case: 'exact', value: 'b' } },
    });
    expect(r).toMatchObject({ ok: false, code: 'BUNDLE_INVALID' });
  });
});
