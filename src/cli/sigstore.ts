import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { KubeprintError } from '../errors.js';
import { parseCommandArgs } from './args.js';
import type { CliIO } from './io.js';

export const summary = 'Sigstore tools: verify a Sigstore bundle for an artifact (conformance protocol)';

const USAGE = `Usage:
  kubeprint sigstore verify-bundle --bundle FILE
      (--certificate-identity ID | --certificate-identity-regexp RE)
      (--certificate-oidc-issuer URL | --certificate-oidc-issuer-regexp RE)
      [--trusted-root FILE] ARTIFACT
  kubeprint sigstore verify-bundle --bundle FILE --key PUBKEY.pem [--trusted-root FILE] ARTIFACT

ARTIFACT is a file, or sha256:HEX for bundles that carry a DSSE envelope.
Without --trusted-root, Sigstore's production root (embedded, offline) is used.
Exit status: 0 verified; 1 not verified (the reason is one line on stderr); 2 usage or read error.
`;

async function readInput(file: string, what: string, io: CliIO): Promise<Buffer> {
  try {
    return await readFile(resolve(io.cwd, file));
  } catch (err) {
    throw new KubeprintError('READ_FAILED', `cannot read ${what} ${file}`, { cause: err });
  }
}

export async function run(args: string[], io: CliIO): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === '--help' || sub === '-h' || sub === 'help') {
    io.stdout(USAGE);
    return sub === undefined ? 2 : 0;
  }
  if (sub !== 'verify-bundle')
    throw new KubeprintError('USAGE', `unknown subcommand "${sub}" (expected verify-bundle)`);
  const { values, positionals } = parseCommandArgs(rest, {
    bundle: { type: 'string' },
    'certificate-identity': { type: 'string' },
    'certificate-identity-regexp': { type: 'string' },
    'certificate-oidc-issuer': { type: 'string' },
    'certificate-oidc-issuer-regexp': { type: 'string' },
    key: { type: 'string' },
    'trusted-root': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    io.stdout(USAGE);
    return 0;
  }
  if (!values.bundle) throw new KubeprintError('USAGE', '--bundle FILE is required');
  if (positionals.length !== 1)
    throw new KubeprintError('USAGE', 'exactly one ARTIFACT (a file or sha256:HEX) is required');
  const artifactArg = positionals[0] as string;
  const identity = values['certificate-identity'];
  const identityRe = values['certificate-identity-regexp'];
  const issuer = values['certificate-oidc-issuer'];
  const issuerRe = values['certificate-oidc-issuer-regexp'];
  const keyless = identity !== undefined || identityRe !== undefined || issuer !== undefined || issuerRe !== undefined;
  if (keyless && values.key !== undefined) {
    throw new KubeprintError('USAGE', '--key and --certificate-identity/--certificate-oidc-issuer exclude each other');
  }
  if (!keyless && values.key === undefined) {
    throw new KubeprintError('USAGE', 'give --key, or --certificate-identity and --certificate-oidc-issuer');
  }
  if (
    keyless &&
    ((identity === undefined) === (identityRe === undefined) || (issuer === undefined) === (issuerRe === undefined))
  ) {
    throw new KubeprintError(
      'USAGE',
      'give one of --certificate-identity/--certificate-identity-regexp and one of --certificate-oidc-issuer/--certificate-oidc-issuer-regexp',
    );
  }

  const { verifyBundle, publicKeyFromPEM } = await import('../engines/supplychain/bundle-verify.js');
  const { regexpProblem } = await import('../engines/supplychain/identity.js');
  const { loadTrustedRoot } = await import('../engines/supplychain/trusted-root.js');
  type Signer = Parameters<typeof verifyBundle>[0]['signer'];
  type Artifact = Parameters<typeof verifyBundle>[0]['artifact'];

  let signer: Signer;
  if (values.key !== undefined) {
    const pem = (await readInput(values.key, 'public key', io)).toString('utf8');
    const publicKey = publicKeyFromPEM(pem);
    if (!publicKey) throw new KubeprintError('INPUT_INVALID', `${values.key} is not a PEM public key`);
    signer = { $case: 'key', publicKey };
  } else {
    for (const re of [identityRe, issuerRe]) {
      const problem = re === undefined ? undefined : regexpProblem(re);
      if (problem) throw new KubeprintError('USAGE', `invalid regular expression "${re}": ${problem}`);
    }
    signer = {
      $case: 'keyless',
      identity:
        identity !== undefined
          ? { $case: 'exact', value: identity }
          : { $case: 'regexp', pattern: identityRe as string },
      issuer:
        issuer !== undefined ? { $case: 'exact', value: issuer } : { $case: 'regexp', pattern: issuerRe as string },
    };
  }

  let artifact: Artifact;
  const digest = /^sha256:([0-9a-fA-F]{64})$/.exec(artifactArg);
  if (digest) artifact = { $case: 'sha256', hex: digest[1] as string };
  else artifact = { $case: 'bytes', bytes: await readInput(artifactArg, 'artifact', io) };

  const trustedRoot = await loadTrustedRoot(values['trusted-root'] && resolve(io.cwd, values['trusted-root']));
  const bundleText = (await readInput(values.bundle, 'bundle', io)).toString('utf8');
  let bundle: unknown;
  try {
    bundle = JSON.parse(bundleText);
  } catch (err) {
    io.stderr(
      `not verified: BUNDLE_INVALID: ${values.bundle} is not JSON (${err instanceof Error ? err.message : err})\n`,
    );
    return 1;
  }
  const result = verifyBundle({ bundle, artifact, trustedRoot, signer });
  if (!result.ok) {
    io.stderr(`not verified: ${result.code}: ${result.reason}\n`);
    return 1;
  }
  const who = result.signer.identity ? ` (${result.signer.identity}, issuer ${result.signer.issuer ?? '?'})` : '';
  io.stdout(`verified: ${artifactArg}${who}\n`);
  return 0;
}
