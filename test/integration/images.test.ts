/**
 * End to end on real components: a distribution registry on loopback, images
 * pushed through its API, signatures and attestations made by real cosign.
 * Skips, naming what is missing, when the registry or cosign is absent.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publicKeyFromPEM } from '../../src/engines/supplychain/bundle-verify.js';
import type { ImagesPolicy, NamedSigner } from '../../src/engines/supplychain/policy.js';
import { loadDockerCredentials, RegistryClient } from '../../src/engines/supplychain/registry.js';
import { productionTrustedRoot } from '../../src/engines/supplychain/trusted-root.js';
import { ImageVerifier } from '../../src/engines/supplychain/verify-image.js';
import { runCli } from '../cli-capture.js';
import { freePort } from '../helpers/etcd-cluster.js';
import {
  artifactManifest,
  copyReferrer,
  cosign,
  imageToolsMissing,
  pushImage,
  pushIndex,
  type Registry,
  referrersOf,
  startRegistry,
} from '../helpers/oci-registry.js';

const missing = imageToolsMissing();

function onPathHere(bin: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' }).status === 0;
}

const BUILDER = 'https://github.com/acme/builder/.github/workflows/build.yml@refs/heads/main';

function provenance(builder: string): string {
  return JSON.stringify({
    buildType: 'https://example.com/build/v1',
    builder: { id: builder },
    invocation: { configSource: { uri: 'git+https://github.com/acme/app@refs/heads/main', entryPoint: 'build' } },
  });
}

describe.skipIf(missing !== undefined)('images verify against a real registry and cosign', () => {
  let reg: Registry;
  let dir: string;
  let key: NamedSigner;
  let otherKey: NamedSigner;
  const digests: Record<string, string> = {};
  /** Digests of the bundle artifacts cosign filed for the new-format images, by image name. */
  const bundleArtifacts: Record<string, string[]> = {};
  let multi: { digest: string; platforms: Record<string, string> };
  let multiTop: { digest: string; platforms: Record<string, string> };
  let trustedRoot: unknown;

  const policy = (over: Partial<ImagesPolicy['policies'][number]> = {}): ImagesPolicy => ({
    unmatched: 'deny',
    policies: [
      {
        name: 'local',
        images: [`${reg.host}/**`],
        signers: [key],
        attestations: [],
        requireTlog: false,
        ...over,
      },
    ],
  });
  const verifier = (p: ImagesPolicy) =>
    new ImageVerifier(new RegistryClient({ insecureRegistries: [reg.host], retries: 0 }), p, trustedRoot);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kubeprint-images-'));
    reg = await startRegistry();
    trustedRoot = await productionTrustedRoot();
    cosign(['generate-key-pair', '--output-key-prefix', 'ci'], dir);
    cosign(['generate-key-pair', '--output-key-prefix', 'other'], dir);
    const pub = (name: string): NamedSigner => {
      const k = publicKeyFromPEM(readFileSync(join(dir, `${name}.pub`), 'utf8'));
      if (!k) throw new Error(`${name}.pub is not a key`);
      return { $case: 'key', publicKey: k, label: `key ${name}.pub` };
    };
    key = pub('ci');
    otherKey = pub('other');
    // cosign's new bundle format: `--new-bundle-format` (the default from cosign 3).
    const NEW = ['--new-bundle-format'];
    const sign = (keyName: string, ref: string, extra: string[] = []) =>
      cosign(
        ['sign', '--key', `${keyName}.key`, '--tlog-upload=false', ...extra, '--allow-http-registry', '--yes', ref],
        dir,
      );
    const attest = (ref: string, builder: string, extra: string[] = []) => {
      const pred = join(dir, `pred-${Math.random().toString(36).slice(2)}.json`);
      writeFileSync(pred, provenance(builder));
      cosign(
        ['attest', '--key', 'ci.key', '--type', 'slsaprovenance', '--predicate', pred, '--tlog-upload=false'].concat([
          ...extra,
          '--allow-http-registry',
          '--yes',
          ref,
        ]),
        dir,
      );
    };
    const names = ['signed', 'unsigned', 'other', 'moved', 'attested', 'badbuilder'];
    const newFormat = [
      'nb-signed',
      'nb-other',
      'nb-attested',
      'nb-badbuilder',
      'nb-both',
      'nb-copied',
      'nb-copied-att',
    ];
    for (const name of [...names, ...newFormat]) {
      digests[name] = await pushImage(reg, `acme/${name}`, 'v1', name);
    }
    sign('ci', `${reg.host}/acme/signed@${digests.signed}`);
    sign('other', `${reg.host}/acme/other@${digests.other}`);
    sign('ci', `${reg.host}/acme/moved@${digests.moved}`);
    // The tag moves to a different manifest after signing.
    digests.moved2 = await pushImage(reg, 'acme/moved', 'v1', 'moved-again');
    sign('ci', `${reg.host}/acme/attested@${digests.attested}`);
    attest(`${reg.host}/acme/attested@${digests.attested}`, BUILDER);
    sign('ci', `${reg.host}/acme/badbuilder@${digests.badbuilder}`);
    attest(`${reg.host}/acme/badbuilder@${digests.badbuilder}`, 'https://evil.example/builder');

    const at = (name: string) => `${reg.host}/acme/${name}@${digests[name]}`;
    sign('ci', at('nb-signed'), NEW);
    sign('other', at('nb-other'), NEW);
    sign('ci', at('nb-attested'), NEW);
    attest(at('nb-attested'), BUILDER, NEW);
    sign('ci', at('nb-badbuilder'), NEW);
    attest(at('nb-badbuilder'), 'https://evil.example/builder', NEW);
    // Both kinds: a classic signature by the other key and a new-format one by ci.
    sign('other', at('nb-both'));
    sign('ci', at('nb-both'), NEW);
    for (const name of newFormat) {
      bundleArtifacts[name] = (await referrersOf(reg, `acme/${name}`, digests[name] as string)).map(
        (d) => d.digest as string,
      );
    }
    // Someone with push rights files nb-signed's signature bundle and
    // nb-attested's attestation bundles under the unsigned images.
    for (const artifact of bundleArtifacts['nb-signed'] ?? []) {
      await copyReferrer(
        reg,
        { repo: 'acme/nb-signed', artifact },
        { repo: 'acme/nb-copied', digest: digests['nb-copied'] as string },
      );
    }
    for (const artifact of bundleArtifacts['nb-attested'] ?? []) {
      await copyReferrer(
        reg,
        { repo: 'acme/nb-attested', artifact },
        { repo: 'acme/nb-copied-att', digest: digests['nb-copied-att'] as string },
      );
    }

    // Multi-arch: every platform signed (cosign --recursive), or only the index.
    multi = await pushIndex(reg, 'acme/multi', 'v1', ['linux/amd64', 'linux/arm64']);
    multiTop = await pushIndex(reg, 'acme/multi-top', 'v1', ['linux/amd64', 'linux/arm64']);
    sign('ci', `${reg.host}/acme/multi@${multi.digest}`, [...NEW, '--recursive']);
    sign('ci', `${reg.host}/acme/multi-top@${multiTop.digest}`, NEW);
  }, 300_000);

  afterAll(async () => {
    await reg?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('a signed image verifies, by tag and by digest', async () => {
    const v = verifier(policy());
    const byTag = await v.verify(`${reg.host}/acme/signed:v1`);
    expect(byTag.status, JSON.stringify(byTag.checks)).toBe('verified');
    expect(byTag.digest).toBe(digests.signed);
    const byDigest = await v.verify(`${reg.host}/acme/signed@${digests.signed}`);
    expect(byDigest.status).toBe('verified');
  });

  it('an unsigned image is rejected', async () => {
    const r = await verifier(policy()).verify(`${reg.host}/acme/unsigned:v1`);
    expect(r.status).toBe('failed');
    expect(r.checks.find((c) => c.kind === 'signature')?.message).toMatch(/no cosign signature/);
  });

  it('an image signed with another key is rejected; accepted when that key is trusted', async () => {
    const r = await verifier(policy()).verify(`${reg.host}/acme/other:v1`);
    expect(r.status).toBe('failed');
    expect(r.checks[0]?.message).toMatch(/does not verify/);
    const ok = await verifier(policy({ signers: [otherKey] })).verify(`${reg.host}/acme/other:v1`);
    expect(ok.status).toBe('verified');
  });

  it('a tag moved to a different manifest is not covered by the old signature', async () => {
    const r = await verifier(policy()).verify(`${reg.host}/acme/moved:v1`);
    expect(r.digest).toBe(digests.moved2);
    expect(r.status).toBe('failed');
    const old = await verifier(policy()).verify(`${reg.host}/acme/moved@${digests.moved}`);
    expect(old.status).toBe('verified');
  });

  it('an unlogged keyed signature is rejected when the policy requires a transparency-log entry', async () => {
    const r = await verifier(policy({ requireTlog: true })).verify(`${reg.host}/acme/signed:v1`);
    expect(r.status).toBe('failed');
    expect(r.checks[0]?.message).toMatch(/transparency-log/);
  });

  it('SLSA provenance attested by the right builder passes; the wrong builder is rejected', async () => {
    const attestations = [
      {
        predicateType: 'https://slsa.dev/provenance/v0.2',
        slsa: { builderId: { $case: 'exact' as const, value: BUILDER } },
      },
    ];
    const good = await verifier(policy({ attestations })).verify(`${reg.host}/acme/attested:v1`);
    expect(good.status, JSON.stringify(good.checks)).toBe('verified');
    const bad = await verifier(policy({ attestations })).verify(`${reg.host}/acme/badbuilder:v1`);
    expect(bad.status).toBe('failed');
    expect(bad.checks.find((c) => c.kind === 'attestation')?.message).toMatch(/builder id is https:\/\/evil\.example/);
    const none = await verifier(policy({ attestations })).verify(`${reg.host}/acme/signed:v1`);
    expect(none.status).toBe('failed');
  });

  it('an attestation signed by another key does not count', async () => {
    const attestations = [{ predicateType: 'https://slsa.dev/provenance/v0.2', signers: [otherKey] }];
    const r = await verifier(policy({ attestations })).verify(`${reg.host}/acme/attested:v1`);
    expect(r.status).toBe('failed');
  });

  describe("cosign's new bundle format (Sigstore bundles as OCI referrers)", () => {
    const slsa = (builder: string) => [
      {
        predicateType: 'https://slsa.dev/provenance/v0.2',
        slsa: { builderId: { $case: 'exact' as const, value: builder } },
      },
    ];

    it('cosign files a bundle artifact whose subject is the image', async () => {
      const [artifact] = bundleArtifacts['nb-signed'] ?? [];
      expect(artifact).toBeDefined();
      const m = await artifactManifest(reg, 'acme/nb-signed', artifact as string);
      expect(m.artifactType).toBe('application/vnd.dev.sigstore.bundle.v0.3+json');
      expect((m.subject as { digest: string }).digest).toBe(digests['nb-signed']);
      expect((m.annotations as Record<string, string>)['dev.sigstore.bundle.predicateType']).toBe(
        'https://sigstore.dev/cosign/sign/v1',
      );
    });

    it('a new-format signature verifies; signed with another key it is rejected', async () => {
      const ok = await verifier(policy()).verify(`${reg.host}/acme/nb-signed:v1`);
      expect(ok.status, JSON.stringify(ok.checks)).toBe('verified');
      expect(ok.checks[0]?.message).toMatch(/signed by key ci\.pub, not logged \(Sigstore bundle sha256:/);
      const other = await verifier(policy()).verify(`${reg.host}/acme/nb-other:v1`);
      expect(other.status).toBe('failed');
      expect(other.checks[0]?.message).toMatch(/bundle signature does not verify with the key/);
      const trusted = await verifier(policy({ signers: [otherKey] })).verify(`${reg.host}/acme/nb-other:v1`);
      expect(trusted.status).toBe('verified');
    });

    it('an unlogged bundle is rejected when the policy requires a transparency-log entry', async () => {
      const r = await verifier(policy({ requireTlog: true })).verify(`${reg.host}/acme/nb-signed:v1`);
      expect(r.status).toBe('failed');
      expect(r.checks[0]?.message).toMatch(/no transparency-log entry/);
    });

    it('an image with a classic and a new-format signature verifies when either satisfies the policy', async () => {
      const byCi = await verifier(policy()).verify(`${reg.host}/acme/nb-both:v1`);
      expect(byCi.status, JSON.stringify(byCi.checks)).toBe('verified');
      expect(byCi.checks[0]?.message).toMatch(/Sigstore bundle/);
      const byOther = await verifier(policy({ signers: [otherKey] })).verify(`${reg.host}/acme/nb-both:v1`);
      expect(byOther.status, JSON.stringify(byOther.checks)).toBe('verified');
      expect(byOther.checks[0]?.message).not.toMatch(/Sigstore bundle/);
      // The classic ones still verify alongside.
      expect((await verifier(policy()).verify(`${reg.host}/acme/signed:v1`)).status).toBe('verified');
    });

    it('a new-format SLSA attestation by the right builder passes; the wrong builder is rejected', async () => {
      const good = await verifier(policy({ attestations: slsa(BUILDER) })).verify(`${reg.host}/acme/nb-attested:v1`);
      expect(good.status, JSON.stringify(good.checks)).toBe('verified');
      expect(good.checks.find((c) => c.kind === 'attestation')?.message).toBe(
        'https://slsa.dev/provenance/v0.2 attested by key ci.pub',
      );
      const bad = await verifier(policy({ attestations: slsa(BUILDER) })).verify(`${reg.host}/acme/nb-badbuilder:v1`);
      expect(bad.status).toBe('failed');
      expect(bad.checks.find((c) => c.kind === 'attestation')?.message).toMatch(
        /builder id is https:\/\/evil\.example/,
      );
      const byOther = await verifier(
        policy({ attestations: [{ predicateType: 'https://slsa.dev/provenance/v0.2', signers: [otherKey] }] }),
      ).verify(`${reg.host}/acme/nb-attested:v1`);
      expect(byOther.status).toBe('failed');
      // A signature-only image has no attestation, and its sign/v1 statement is no provenance.
      const none = await verifier(policy({ attestations: slsa(BUILDER) })).verify(`${reg.host}/acme/nb-signed:v1`);
      expect(none.status).toBe('failed');
    });

    it("a bundle copied onto another image's referrers is not accepted", async () => {
      const listed = await referrersOf(reg, 'acme/nb-copied', digests['nb-copied'] as string);
      expect(listed).toHaveLength(1);
      const sig = await verifier(policy()).verify(`${reg.host}/acme/nb-copied:v1`);
      expect(sig.status).toBe('failed');
      expect(sig.checks[0]?.message).toMatch(/subject does not name/);
      const att = await verifier(
        policy({ signers: [], attestations: [{ predicateType: 'https://slsa.dev/provenance/v0.2', signers: [key] }] }),
      ).verify(`${reg.host}/acme/nb-copied-att:v1`);
      expect(att.status).toBe('failed');
      expect(att.checks).toHaveLength(1);
      expect(att.checks[0]?.message).toMatch(/subject does not name/);
    });

    it('verifyPlatforms: each platform manifest of an index must verify too', async () => {
      const every = await verifier(policy({ verifyPlatforms: true })).verify(`${reg.host}/acme/multi:v1`);
      expect(every.status, JSON.stringify(every.checks)).toBe('verified');
      expect(every.digest).toBe(multi.digest);
      expect(every.checks).toHaveLength(3);
      expect(every.checks.map((c) => c.message.split(':')[0])).toEqual([
        'signed by key ci.pub, not logged (Sigstore bundle sha256',
        'platform linux/amd64 (sha256',
        'platform linux/arm64 (sha256',
      ]);
      const top = await verifier(policy({ verifyPlatforms: true })).verify(`${reg.host}/acme/multi-top:v1`);
      expect(top.status).toBe('failed');
      expect(top.checks.filter((c) => !c.ok).map((c) => c.message)).toEqual([
        `platform linux/amd64 (${multiTop.platforms['linux/amd64']}): no cosign signature found for ${multiTop.platforms['linux/amd64']}`,
        `platform linux/arm64 (${multiTop.platforms['linux/arm64']}): no cosign signature found for ${multiTop.platforms['linux/arm64']}`,
      ]);
      // Off by default: the index signature is enough.
      expect((await verifier(policy()).verify(`${reg.host}/acme/multi-top:v1`)).status).toBe('verified');
    });

    it('kubeprint images verify reads new-format bundles and the verifyPlatforms policy key', async () => {
      const pod = (images: string[]) =>
        [
          'apiVersion: v1',
          'kind: Pod',
          'metadata: {name: p}',
          'spec:',
          '  containers:',
          ...images.flatMap((image, i) => [`    - name: c${i}`, `      image: ${image}`]),
          '',
        ].join('\n');
      writeFileSync(join(dir, 'nb-pod.yaml'), pod([`${reg.host}/acme/nb-signed:v1`, `${reg.host}/acme/multi-top:v1`]));
      const config = (platforms: boolean) =>
        [
          'images:',
          `  insecureRegistries: ["${reg.host}"]`,
          '  allowUnloggedSignatures: true',
          '  policies:',
          '    - name: acme',
          `      images: ["${reg.host}/acme/**"]`,
          '      signers: [{key: ci.pub}]',
          ...(platforms ? ['      verifyPlatforms: true'] : []),
          '',
        ].join('\n');
      const run = async (platforms: boolean) => {
        writeFileSync(join(dir, 'nb-policy.yaml'), config(platforms));
        const r = await runCli(['images', 'verify', 'nb-pod.yaml', '--policy', 'nb-policy.yaml', '-o', 'json'], {
          cwd: dir,
        });
        const out = JSON.parse(r.stdout) as { images: Array<{ image: string; status: string }> };
        return {
          code: r.code,
          stderr: r.stderr,
          status: Object.fromEntries(out.images.map((i) => [i.image, i.status])),
        };
      };
      const off = await run(false);
      expect(off.code, off.stderr).toBe(0);
      expect(off.status).toEqual({
        [`${reg.host}/acme/nb-signed:v1`]: 'verified',
        [`${reg.host}/acme/multi-top:v1`]: 'verified',
      });
      const on = await run(true);
      expect(on.code, on.stderr).toBe(1);
      expect(on.status[`${reg.host}/acme/multi-top:v1`]).toBe('failed');
      expect(on.status[`${reg.host}/acme/nb-signed:v1`]).toBe('verified');
    });
  });

  it('verifies each digest once per run', async () => {
    const v = verifier(policy());
    const a = await v.verify(`${reg.host}/acme/signed:v1`);
    const b = await v.verify(`${reg.host}/acme/signed:v1`);
    expect(v.lookups).toBe(1);
    expect(b).toEqual(a);
  });

  it('images that match no policy follow `unmatched`', async () => {
    const p = { policies: [], unmatched: 'deny' as const };
    expect((await verifier(p).verify(`${reg.host}/acme/signed:v1`)).status).toBe('failed');
    expect((await verifier({ ...p, unmatched: 'ignore' }).verify(`${reg.host}/acme/signed:v1`)).status).toBe('skipped');
  });

  it('the registry down is a clear error, not a crash', async () => {
    const port = await freePort();
    const down = `127.0.0.1:${port}`;
    const v = new ImageVerifier(
      new RegistryClient({ insecureRegistries: [down], retries: 1, timeoutMs: 2000 }),
      {
        unmatched: 'deny',
        policies: [{ name: 'p', images: ['**'], signers: [key], attestations: [], requireTlog: false }],
      },
      trustedRoot,
    );
    const r = await v.verify(`${down}/acme/signed:v1`);
    expect(r.status).toBe('error');
    expect(r.checks[0]?.message).toMatch(new RegExp(`cannot reach registry at ${down}`));
  });

  it('an HTTPS registry with a private CA: verified when the CA is trusted (--ca-file), a clear error when not', async () => {
    const { makeTestCa, signedCert } = await import('../helpers/pki.js');
    const pki = mkdtempSync(join(tmpdir(), 'kubeprint-regtls-'));
    makeTestCa(pki);
    signedCert(pki, 'tls', '/CN=registry', 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n');
    const ca = readFileSync(join(pki, 'ca.crt'), 'utf8');
    // the same storage as the plain registry, served over HTTPS only
    const secure = await startRegistry({
      dataDir: reg.dataDir,
      tls: { certificate: join(pki, 'tls.crt'), key: join(pki, 'tls.key'), ca },
    });
    try {
      const image = `${secure.host}/acme/https-signed:v1`;
      digests.httpsSigned = await pushImage(reg, 'acme/https-signed', 'v1', 'https-signed');
      // cosign signs through the HTTPS registry, trusting the CA as Go programs do (SSL_CERT_FILE)
      const prev = process.env.SSL_CERT_FILE;
      process.env.SSL_CERT_FILE = join(pki, 'ca.crt');
      try {
        cosign(
          ['sign', '--key', 'ci.key', '--tlog-upload=false', `${secure.host}/acme/https-signed@${digests.httpsSigned}`],
          dir,
        );
      } finally {
        if (prev === undefined) delete process.env.SSL_CERT_FILE;
        else process.env.SSL_CERT_FILE = prev;
      }
      const p: ImagesPolicy = {
        unmatched: 'deny',
        policies: [
          { name: 'tls', images: [`${secure.host}/**`], signers: [key], attestations: [], requireTlog: false },
        ],
      };
      const trusted = new ImageVerifier(new RegistryClient({ caPEM: ca, retries: 0 }), p, trustedRoot);
      expect((await trusted.verify(image)).status).toBe('verified');
      const untrusted = await new ImageVerifier(new RegistryClient({ retries: 0 }), p, trustedRoot).verify(image);
      expect(untrusted.status).toBe('error');
      expect(untrusted.checks.map((c) => c.message).join(' ')).toMatch(/certificate|self.signed|issuer/i);
      // the CLI takes the CA with --ca-file
      writeFileSync(
        join(dir, 'tls-deploy.yaml'),
        `apiVersion: v1\nkind: Pod\nmetadata: {name: tls, namespace: prod}\nspec:\n  containers:\n    - {name: app, image: "${image}"}\n`,
      );
      writeFileSync(
        join(dir, 'tls-policy.yaml'),
        `images:\n  allowUnloggedSignatures: true\n  policies:\n    - name: tls\n      images: ["${secure.host}/**"]\n      signers: [{key: ci.pub}]\n`,
      );
      const base = ['images', 'verify', 'tls-deploy.yaml', '--policy', 'tls-policy.yaml', '-o', 'json'];
      const ok = await runCli([...base, '--ca-file', join(pki, 'ca.crt')], { cwd: dir });
      expect(ok.code, ok.stderr).toBe(0);
      expect((JSON.parse(ok.stdout) as { images: Array<{ status: string }> }).images[0]?.status).toBe('verified');
      const bad = await runCli(base, { cwd: dir });
      expect(bad.code).toBe(2);

      // the same registry demanding basic auth (htpasswd, bcrypt): credentials from a
      // Docker config.json, inline or from a credential helper program
      if (!onPathHere('htpasswd')) {
        console.warn(
          'basic-auth registry case skipped: htpasswd not found (Debian package apache2-utils, scripts/ci/install-registry.sh)',
        );
        return;
      }
      const htpasswd = spawnSync('htpasswd', ['-Bbn', 'robot', 's3cret'], { encoding: 'utf8' });
      expect(htpasswd.status).toBe(0);
      writeFileSync(join(pki, 'htpasswd'), htpasswd.stdout);
      const locked = await startRegistry({
        dataDir: reg.dataDir,
        tls: { certificate: join(pki, 'tls.crt'), key: join(pki, 'tls.key'), ca },
        htpasswd: join(pki, 'htpasswd'),
      });
      try {
        const lockedImage = `${locked.host}/acme/https-signed:v1`;
        const lp: ImagesPolicy = {
          unmatched: 'deny',
          policies: [
            { name: 'tls', images: [`${locked.host}/**`], signers: [key], attestations: [], requireTlog: false },
          ],
        };
        const anonymous = await new ImageVerifier(
          new RegistryClient({ caPEM: ca, retries: 0 }),
          lp,
          trustedRoot,
        ).verify(lockedImage);
        expect(anonymous.status).toBe('error');
        expect(anonymous.checks.map((c) => c.message).join(' ')).toMatch(/401/);
        const inline = join(pki, 'inline.json');
        writeFileSync(
          inline,
          JSON.stringify({ auths: { [locked.host]: { auth: Buffer.from('robot:s3cret').toString('base64') } } }),
        );
        const withAuth = new RegistryClient({ caPEM: ca, retries: 0, ...(await loadDockerCredentials(inline, {})) });
        expect((await new ImageVerifier(withAuth, lp, trustedRoot).verify(lockedImage)).status).toBe('verified');
        // a credential helper program, as cloud registries hand out credentials
        writeFileSync(
          join(pki, 'docker-credential-kp-robot'),
          '#!/bin/sh\nread url\necho \'{"ServerURL":"\'$url\'","Username":"robot","Secret":"s3cret"}\'\n',
        );
        chmodSync(join(pki, 'docker-credential-kp-robot'), 0o755);
        const helperCfg = join(pki, 'helper.json');
        writeFileSync(helperCfg, JSON.stringify({ credHelpers: { [locked.host]: 'kp-robot' } }));
        const viaHelper = new RegistryClient({
          caPEM: ca,
          retries: 0,
          ...(await loadDockerCredentials(helperCfg, { PATH: `${pki}:${process.env.PATH ?? ''}` })),
        });
        expect((await new ImageVerifier(viaHelper, lp, trustedRoot).verify(lockedImage)).status).toBe('verified');
      } finally {
        await locked.stop();
      }
    } finally {
      await secure.stop();
      rmSync(pki, { recursive: true, force: true });
    }
  });

  it('kubeprint images verify: manifests, a policy file, exit codes and JSON', async () => {
    writeFileSync(
      join(dir, 'deploy.yaml'),
      [
        'apiVersion: apps/v1',
        'kind: Deployment',
        'metadata: {name: web, namespace: prod}',
        'spec:',
        '  selector: {matchLabels: {app: web}}',
        '  template:',
        '    metadata: {labels: {app: web}}',
        '    spec:',
        '      containers:',
        `        - name: web`,
        `          image: ${reg.host}/acme/signed:v1`,
        `        - name: side`,
        `          image: ${reg.host}/acme/unsigned:v1`,
        '',
      ].join('\n'),
    );
    writeFileSync(
      join(dir, 'policy.yaml'),
      [
        'images:',
        `  insecureRegistries: ["${reg.host}"]`,
        '  allowUnloggedSignatures: true',
        '  unmatched: deny',
        '  policies:',
        '    - name: acme',
        `      images: ["${reg.host}/acme/**"]`,
        '      signers: [{key: ci.pub}]',
        '',
      ].join('\n'),
    );
    const r = await runCli(['images', 'verify', 'deploy.yaml', '--policy', 'policy.yaml', '-o', 'json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(1);
    const out = JSON.parse(r.stdout) as { images: Array<{ image: string; status: string; locations: string[] }> };
    const byImage = Object.fromEntries(out.images.map((i) => [i.image, i]));
    expect(byImage[`${reg.host}/acme/signed:v1`]?.status).toBe('verified');
    expect(byImage[`${reg.host}/acme/unsigned:v1`]?.status).toBe('failed');
    expect(byImage[`${reg.host}/acme/signed:v1`]?.locations).toEqual(['deploy.yaml:11']);

    const list = await runCli(['images', 'list', 'deploy.yaml', '-o', 'json'], { cwd: dir });
    expect(list.code, list.stderr).toBe(0);
    const images = JSON.parse(list.stdout) as Array<{ image: string; pinned: boolean; registry: string }>;
    expect(images.map((i) => i.image).sort()).toEqual([`${reg.host}/acme/signed:v1`, `${reg.host}/acme/unsigned:v1`]);
    expect(images[0]?.registry).toBe(reg.host);
    expect(images[0]?.pinned).toBe(false);
  });

  it('kubeprint scan --verify-images adds supply-chain findings at the image line, for files and for cluster objects', async () => {
    // Reuses deploy.yaml and policy.yaml from the previous test.
    writeFileSync(join(dir, '.kubeprint.yaml'), readFileSync(join(dir, 'policy.yaml')));
    const r = await runCli(['scan', 'deploy.yaml', '--verify-images', '-o', 'json', '--fail-on', 'none'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as {
      findings: Array<{ ruleId: string; category: string; source: { line: number } | null; message: string }>;
    };
    const sig = out.findings.filter((f) => f.ruleId === 'image-signature-unverified');
    expect(sig).toHaveLength(1);
    expect(sig[0]?.category).toBe('supply-chain');
    expect(sig[0]?.source?.line).toBe(13);
    expect(sig[0]?.message).toContain('acme/unsigned:v1');
    const plain = await runCli(['scan', 'deploy.yaml', '-o', 'json', '--fail-on', 'none'], { cwd: dir });
    expect(plain.stdout).not.toContain('image-signature-unverified');
    // objects read from a cluster (here its snapshot: what scan --cluster --snapshot writes, or
    // kubectl get -o json) go through the same verification, named by object instead of line
    const { parse } = await import('yaml');
    writeFileSync(
      join(dir, 'snap.json'),
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'List',
        items: [parse(readFileSync(join(dir, 'deploy.yaml'), 'utf8'))],
      }),
    );
    const live = await runCli(
      ['scan', '--from-snapshot', 'snap.json', '--verify-images', '-o', 'json', '--fail-on', 'none'],
      {
        cwd: dir,
      },
    );
    expect(live.code, live.stderr).toBe(0);
    const liveOut = JSON.parse(live.stdout) as {
      findings: Array<{ ruleId: string; object?: { kind: string; name: string }; source?: unknown; message: string }>;
    };
    const liveSig = liveOut.findings.filter((f) => f.ruleId === 'image-signature-unverified');
    expect(liveSig.map((f) => [f.object?.kind, f.object?.name, f.source ?? null])).toEqual([
      ['Deployment', 'web', null],
    ]);
    expect(liveSig[0]?.message).toContain('acme/unsigned:v1');
    // without a kubeconfig, --cluster --verify-images fails on the cluster (exit 2, one line), not on the flag
    const cluster = await runCli(['scan', '--cluster', '--verify-images'], { cwd: dir });
    expect(cluster.code).toBe(2);
    expect(cluster.stderr).toMatch(/^kubeprint scan: [^\n]*kubeconfig[^\n]*\n$/);
  });

  it("the admission webhook verifies the images of admitted workloads against the config's image policy", async () => {
    // policy.yaml from the earlier tests: images of this registry must be signed by ci.pub
    const { loadConfig } = await import('../../src/config/config.js');
    const { imageChecker } = await import('../../src/cli/images.js');
    const { admissionPolicy } = await import('../../src/admission/decide.js');
    const { startWebhookServer } = await import('../../src/admission/server.js');
    const { generateWebhookTls } = await import('../../src/admission/certs.js');
    const { createServer } = await import('node:net');
    const { request } = await import('node:https');
    const io = { stdout: () => {}, stderr: () => {}, readStdin: async () => '', isTTY: false, cwd: dir, env: {} };
    const tls = generateWebhookTls(['127.0.0.1'], 1);
    writeFileSync(join(dir, 'wh.crt'), tls.cert);
    writeFileSync(join(dir, 'wh.key'), tls.key);
    // a "registry" that accepts connections and never answers: verification must not outlast the review
    const hanging = createServer(() => {});
    await new Promise<void>((r) => hanging.listen(0, '127.0.0.1', () => r()));
    const hangHost = `127.0.0.1:${(hanging.address() as { port: number }).port}`;
    writeFileSync(
      join(dir, 'admission.yaml'),
      `${readFileSync(join(dir, 'policy.yaml'), 'utf8').replace(
        `insecureRegistries: ["${reg.host}"]`,
        `insecureRegistries: ["${reg.host}", "${hangHost}"]`,
      )}    - name: slow\n      images: ["${hangHost}/**"]\n      signers: [{key: ci.pub}]\n`,
    );
    const config = loadConfig(dir, 'admission.yaml');
    const checker = await imageChecker({ timeoutSeconds: 5 }, io, config, { cacheTtlMs: 60_000, retries: 0 });
    const srv = await startWebhookServer({
      policy: admissionPolicy({ config, images: async (o) => (await checker.check([o])).entries }),
      tlsCert: join(dir, 'wh.crt'),
      tlsKey: join(dir, 'wh.key'),
      host: '127.0.0.1',
      deadlineMs: 1500,
      log: () => {},
    });
    const deployment = (image: string, labels: Record<string, string> = {}) => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'prod', labels },
      spec: {
        selector: { matchLabels: { app: 'web' } },
        template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image }] } },
      },
    });
    let n = 0;
    const admit = (object: Record<string, unknown>, oldObject?: Record<string, unknown>) =>
      new Promise<{ allowed: boolean; status?: { message: string }; warnings?: string[] }>((resolve, reject) => {
        const body = JSON.stringify({
          apiVersion: 'admission.k8s.io/v1',
          kind: 'AdmissionReview',
          request: {
            uid: `u${++n}`,
            kind: { group: 'apps', version: 'v1', kind: 'Deployment' },
            resource: { group: 'apps', version: 'v1', resource: 'deployments' },
            name: 'web',
            namespace: 'prod',
            operation: oldObject ? 'UPDATE' : 'CREATE',
            userInfo: { username: 'alice' },
            object,
            oldObject: oldObject ?? null,
            dryRun: false,
          },
        });
        const req = request(
          `${srv.url}/validate/all`,
          { method: 'POST', ca: tls.caCert, headers: { 'content-type': 'application/json' } },
          (res) => {
            let text = '';
            res.setEncoding('utf8');
            res.on('data', (c: string) => {
              text += c;
            });
            res.on('end', () => resolve((JSON.parse(text) as { response: never }).response));
          },
        );
        req.on('error', reject);
        req.end(body);
      });
    try {
      const signed = await admit(deployment(`${reg.host}/acme/signed:v1`));
      expect(signed.allowed, signed.status?.message).toBe(true);
      const unsigned = await admit(deployment(`${reg.host}/acme/unsigned:v1`));
      expect(unsigned.allowed).toBe(false);
      expect(unsigned.status?.message).toContain('image-signature-unverified');
      expect(unsigned.status?.message).toContain('acme/unsigned:v1');
      // an unrelated change to a workload whose unsigned image was already there: allowed, with a warning
      const relabel = await admit(
        deployment(`${reg.host}/acme/unsigned:v1`, { team: 'a' }),
        deployment(`${reg.host}/acme/unsigned:v1`),
      );
      expect(relabel.allowed).toBe(true);
      expect(relabel.warnings?.join('\n')).toContain('image-signature-unverified');
      // switching to the unsigned image is not such a change
      const swap = await admit(deployment(`${reg.host}/acme/unsigned:v1`), deployment(`${reg.host}/acme/signed:v1`));
      expect(swap.allowed).toBe(false);
      // a registry that never answers: denied with the reason, within the review's deadline (fail closed)
      const stuck = await admit(deployment(`${hangHost}/acme/app:v1`));
      expect(stuck.allowed).toBe(false);
      expect(stuck.status?.message).toContain('image-verification-error');
      expect(stuck.status?.message).toMatch(/did not finish within \d+ ms/);
    } finally {
      await srv.close(1000);
      hanging.close();
    }
  });
});

if (missing !== undefined) {
  describe('images verify against a real registry and cosign', () => {
    it.todo(`skipped: ${missing}`);
  });
}
