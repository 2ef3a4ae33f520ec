/**
 * The Sigstore conformance suite's bundle-verify cases, each run through
 * `kubeprint sigstore verify-bundle` exactly as the suite's CLI protocol does:
 * `_fail` cases must be rejected, all others verified.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CliIO } from '../../src/cli/io.js';
import { main } from '../../src/cli/main.js';
import { corpus } from '../helpers/corpora.js';

const ROOT = corpus('sigstore-conformance').path;
const CASES = join(ROOT, 'bundle-verify');
const present = existsSync(CASES);
const DEFAULT_IDENTITY =
  'https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main';
const DEFAULT_ISSUER = 'https://token.actions.githubusercontent.com';

function capture(cwd: string): CliIO & { out: string; err: string } {
  const r = {
    out: '',
    err: '',
    stdout: (t: string) => {
      r.out += t;
    },
    stderr: (t: string) => {
      r.err += t;
    },
    readStdin: async () => '',
    isTTY: false,
    cwd,
    env: {},
  };
  return r;
}

/** The protocol's arguments for one case, with the README's defaults for absent files. */
function argsFor(dir: string): string[] {
  const has = (f: string) => existsSync(join(dir, f));
  const args = ['sigstore', 'verify-bundle', '--bundle', join(dir, 'bundle.sigstore.json')];
  if (has('key.pub')) args.push('--key', join(dir, 'key.pub'));
  else {
    const identity = has('identity') ? readFileSync(join(dir, 'identity'), 'utf8').trim() : DEFAULT_IDENTITY;
    const issuer = has('issuer') ? readFileSync(join(dir, 'issuer'), 'utf8').trim() : DEFAULT_ISSUER;
    args.push('--certificate-identity', identity, '--certificate-oidc-issuer', issuer);
  }
  if (has('trusted_root.json')) args.push('--trusted-root', join(dir, 'trusted_root.json'));
  args.push(has('artifact') ? join(dir, 'artifact') : join(CASES, 'a.txt'));
  return args;
}

const cases = present
  ? readdirSync(CASES, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
      .sort()
  : [];

describe.skipIf(!present)(`sigstore conformance bundle-verify (reads ${CASES})`, () => {
  it('has cases', () => {
    expect(cases.length).toBeGreaterThan(50);
  });
  for (const name of cases) {
    const shouldFail = name.endsWith('_fail');
    it(`${name} is ${shouldFail ? 'rejected' : 'verified'}`, async () => {
      const dir = join(CASES, name);
      const io = capture(dir);
      const code = await main(argsFor(dir), io);
      if (shouldFail) {
        // The protocol asks for a non-zero status; kubeprint adds a one-line reason
        // (1 and "not verified: CODE: ..." when the bundle is rejected, 2 when an input is unusable).
        expect(code, io.out).not.toBe(0);
        expect(io.err).toMatch(/^[^\n]+\n$/);
      } else {
        expect(code, io.err).toBe(0);
        expect(io.out).toMatch(/^verified: /);
      }
    });
  }
});

if (!present) {
  describe('sigstore conformance bundle-verify', () => {
    it.todo(`skipped: corpus folder ${CASES} is absent`);
  });
}
