import { createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { credentialsFromDockerConfig, parseChallenge, RegistryClient } from './registry.js';

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
