import { createHash } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCredentialHelper } from './credential-helpers.js';
import { credentialsFromDockerConfig, loadDockerCredentials, parseChallenge, RegistryClient } from './registry.js';

describe('registry auth helpers', () => {
  it('parses bearer and basic challenges', () => {
    expect(
      parseChallenge('Bearer realm="https://auth.io/token",service="registry.io",scope="repository:a/b:pull"'),
    ).toEqual({
      scheme: 'bearer',
      params: { realm: 'https://auth.io/token', service: 'registry.io', scope: 'repository:a/b:pull' },
    });
    expect(parseChallenge('Basic realm="Registry Realm"')?.scheme).toBe('basic');
    expect(parseChallenge('Bearer service="x"')).toBeUndefined();
    expect(parseChallenge('')).toBeUndefined();
  });
  it('reads credentials from a Docker config.json', () => {
    const creds = credentialsFromDockerConfig({
      auths: {
        'ghcr.io': { auth: Buffer.from('me:tok:en').toString('base64') },
        'https://index.docker.io/v1/': { username: 'u', password: 'p' },
        'broken.io': { auth: 'bm9jb2xvbg==' },
      },
    });
    expect(creds).toEqual({
      'ghcr.io': { username: 'me', password: 'tok:en' },
      'docker.io': { username: 'u', password: 'p' },
    });
  });
});

/** A registry that demands a bearer token from its token endpoint, which demands basic credentials. */
describe('registry token flow over HTTP', () => {
  let server: Server;
  let host = '';
  const manifest = Buffer.from(
    JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json', layers: [] }),
  );
  const digest = `sha256:${createHash('sha256').update(manifest).digest('hex')}`;
  let tokenRequests = 0;
  let failures = 0;

  beforeAll(async () => {
    server = createServer((req, res) => {
      const u = new URL(req.url ?? '/', `http://${host}`);
      if (u.pathname === '/token') {
        tokenRequests++;
        if (req.headers.authorization !== `Basic ${Buffer.from('alice:secret').toString('base64')}`) {
          res.writeHead(401).end();
          return;
        }
        if (!/^repository:team\/[a-z]+:pull$/.test(u.searchParams.get('scope') ?? '')) {
          res.writeHead(400).end();
          return;
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token: 'T1' }));
        return;
      }
      if (u.pathname === '/v2/team/flaky/manifests/v1' && failures++ < 1) {
        res.writeHead(503).end();
        return;
      }
      if (req.headers.authorization !== 'Bearer T1') {
        res
          .writeHead(401, { 'www-authenticate': `Bearer realm="http://${host}/token",service="test"` })
          .end('{"errors":[{"code":"UNAUTHORIZED"}]}');
        return;
      }
      if (/^\/v2\/team\/(app|flaky)\/manifests\/(?!missing)/.test(u.pathname)) {
        res.writeHead(200, { 'content-type': 'application/vnd.oci.image.manifest.v1+json' }).end(manifest);
        return;
      }
      res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it('gets a token with the configured basic credentials and reuses it', async () => {
    const c = new RegistryClient({
      insecureRegistries: [host],
      credentials: { [host]: { username: 'alice', password: 'secret' } },
    });
    const m = await c.manifest({ registry: host, repository: 'team/app' }, 'v1');
    expect(m?.digest).toBe(digest);
    await c.manifest({ registry: host, repository: 'team/app' }, 'v1');
    expect(tokenRequests).toBe(1);
    expect(await c.manifest({ registry: host, repository: 'team/app' }, 'missing')).toBeUndefined();
  });
  it('without credentials the token endpoint refuses: CONNECTION_FAILED naming it', async () => {
    const c = new RegistryClient({ insecureRegistries: [host] });
    await expect(c.manifest({ registry: host, repository: 'team/app' }, 'v1')).rejects.toMatchObject({
      code: 'CONNECTION_FAILED',
      message: expect.stringContaining('token endpoint'),
    });
  });
  it('asks the credential helpers of a Docker config: credHelpers first, then auths, then credsStore', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubeprint-credhelper-'));
    try {
      const log = join(dir, 'asked.log');
      // a real helper program speaking the protocol: server URL on stdin, JSON on stdout
      const helper = (name: string, body: string) => {
        writeFileSync(
          join(dir, `docker-credential-${name}`),
          `#!/bin/sh\nread url\necho "${name} $1 $url" >> ${log}\n${body}\n`,
        );
        chmodSync(join(dir, `docker-credential-${name}`), 0o755);
      };
      helper(
        'kp-good',
        `[ "$url" = "${host}" ] && { echo '{"ServerURL":"'$url'","Username":"alice","Secret":"secret"}'; exit 0; }\necho "credentials not found in native keychain"; exit 1`,
      );
      helper('kp-none', 'echo "credentials not found in native keychain"; exit 1');
      helper('kp-broken', 'echo "not json"; exit 0');
      helper('kp-slow', 'sleep 5');
      helper('kp-token', `echo '{"ServerURL":"x","Username":"<token>","Secret":"refresh"}'`);
      const env = { PATH: `${dir}:${process.env.PATH ?? ''}` };
      const configFile = join(dir, 'config.json');
      const clientWith = async (config: unknown) => {
        writeFileSync(configFile, JSON.stringify(config));
        return new RegistryClient({ insecureRegistries: [host], ...(await loadDockerCredentials(configFile, env)) });
      };
      const ref = { registry: host, repository: 'team/app' };

      // credHelpers for this host wins over a wrong password in auths
      const wrong = { [host]: { auth: Buffer.from('alice:wrong').toString('base64') } };
      let c = await clientWith({ auths: wrong, credHelpers: { [host]: 'kp-good' } });
      expect((await c.manifest(ref, 'v1'))?.digest).toBe(digest);
      await c.manifest(ref, 'v1');
      expect(readFileSync(log, 'utf8')).toBe(`kp-good get ${host}\n`); // asked once per registry
      // credsStore answers for a registry with no other credentials ...
      c = await clientWith({ credsStore: 'kp-good' });
      expect((await c.manifest(ref, 'v1'))?.digest).toBe(digest);
      // ... but not for one that has its own auths entry
      c = await clientWith({ auths: wrong, credsStore: 'kp-good' });
      await expect(c.manifest(ref, 'v1')).rejects.toMatchObject({ code: 'CONNECTION_FAILED' });
      // "credentials not found" means anonymous: the registry then refuses, as without a config
      c = await clientWith({ credsStore: 'kp-none' });
      await expect(c.manifest(ref, 'v1')).rejects.toThrow(/token endpoint/);
      // a missing, broken, slow or token-only helper is one clear error naming it, never the secret
      for (const [name, why] of [
        ['kp-missing', /docker-credential-kp-missing is not on PATH/],
        ['kp-broken', /did not print JSON/],
        ['kp-token', /identity token/],
      ] as const) {
        c = await clientWith({ credHelpers: { [host]: name } });
        await expect(c.manifest(ref, 'v1')).rejects.toMatchObject({
          code: 'CONNECTION_FAILED',
          message: expect.stringMatching(why),
        });
      }
      await expect(runCredentialHelper('kp-slow', host, { env, timeoutMs: 300 })).rejects.toThrow(/killed by SIGKILL/);
      // Docker Hub is asked under its historical server URL
      helper('kp-echo', 'echo "{\\"Username\\":\\"u\\",\\"Secret\\":\\"$url\\"}"');
      expect(await runCredentialHelper('kp-echo', 'docker.io', { env })).toEqual({
        username: 'u',
        password: 'https://index.docker.io/v1/',
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it('retries a 503, and a digest reference must match the bytes served', async () => {
    const c = new RegistryClient({
      insecureRegistries: [host],
      credentials: { [host]: { username: 'alice', password: 'secret' } },
    });
    expect((await c.manifest({ registry: host, repository: 'team/flaky' }, 'v1'))?.digest).toBe(digest);
    await expect(
      c.manifest({ registry: host, repository: 'team/app' }, `sha256:${'0'.repeat(64)}`),
    ).rejects.toMatchObject({
      code: 'INPUT_INVALID',
    });
  });
});
