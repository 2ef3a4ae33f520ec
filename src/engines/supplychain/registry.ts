/**
 * A small OCI distribution client (an adapter: all registry I/O lives here).
 * Anonymous, bearer-token (the registry token flow) and basic auth; HTTPS with
 * an optional custom CA, plain HTTP only for registries named insecure;
 * bounded timeouts and retries; manifests are checked against their digest.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { KubeprintError } from '../../errors.js';
import { credentialLookup, helperConfigFrom, registryHost } from './credential-helpers.js';

export const MEDIA = {
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
} as const;

const MANIFEST_ACCEPT = [MEDIA.ociManifest, MEDIA.ociIndex, MEDIA.dockerManifest, MEDIA.dockerList].join(', ');

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  body: Buffer;
}

/** How bytes move; replaceable in tests, chosen by the client's options otherwise. */
export type Transport = (
  url: string,
  init: { method: string; headers: Record<string, string>; signal: AbortSignal },
) => Promise<HttpResponse>;

export interface Credentials {
  username: string;
  password: string;
}

export interface RegistryClientOptions {
  /** Registries (host[:port]) reached over plain HTTP. */
  insecureRegistries?: string[];
  /** PEM CA bundle trusted for HTTPS registries (in addition to nothing else: it replaces the default roots). */
  caPEM?: string;
  /** Credentials per registry host (from a Docker config.json). */
  credentials?: Record<string, Credentials>;
  /** Finds a registry's credentials when asked (credential helpers); takes the place of `credentials`. */
  credentialsFor?: (registry: string) => Promise<Credentials | undefined>;
  /** Per request, milliseconds (default 15000). */
  timeoutMs?: number;
  /** Retries after a network error, 429 or 5xx (default 2). */
  retries?: number;
  transport?: Transport;
}

export interface Manifest {
  digest: string;
  mediaType: string;
  body: Buffer;
  json: Record<string, unknown>;
}

export interface RepoRef {
  registry: string;
  repository: string;
}

/** Node's fetch (undici): the default transport. */
const fetchTransport: Transport = async (url, init) => {
  const res = await fetch(url, { method: init.method, headers: init.headers, signal: init.signal, redirect: 'follow' });
  const headers: Record<string, string> = {};
  res.headers.forEach((v, k) => {
    headers[k] = v;
  });
  return { status: res.status, headers, body: Buffer.from(await res.arrayBuffer()) };
};

/**
 * node:https with a custom CA. Node 20's built-in fetch takes no CA option
 * without the undici package, so a private CA goes through this transport.
 */
function caTransport(ca: string): Transport {
  const once = (url: string, init: Parameters<Transport>[1], hops: number): Promise<HttpResponse> =>
    new Promise((resolvePromise, reject) => {
      const u = new URL(url);
      const req = (u.protocol === 'https:' ? httpsRequest : httpRequest)(
        u,
        { method: init.method, headers: init.headers, signal: init.signal, ...(u.protocol === 'https:' ? { ca } : {}) },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('end', () => {
            const headers: Record<string, string> = {};
            for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers[k] = String(v);
            const status = res.statusCode ?? 0;
            if (status >= 300 && status < 400 && headers.location && hops < 5) {
              once(new URL(headers.location, u).toString(), init, hops + 1).then(resolvePromise, reject);
              return;
            }
            resolvePromise({ status, headers, body: Buffer.concat(chunks) });
          });
        },
      );
      req.on('error', reject);
      req.end();
    });
  return (url, init) => once(url, init, 0);
}

export class RegistryClient {
  private readonly insecure: Set<string>;
  private readonly credentialsFor: (registry: string) => Promise<Credentials | undefined>;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly transport: Transport;
  /** Bearer tokens by registry + scope. */
  private readonly tokens = new Map<string, string>();
  /** How each registry wants to be authenticated, learnt from its first 401. */
  private readonly challenges = new Map<string, Challenge>();

  constructor(opts: RegistryClientOptions = {}) {
    this.insecure = new Set(opts.insecureRegistries ?? []);
    const fixed = opts.credentials ?? {};
    this.credentialsFor = opts.credentialsFor ?? (async (registry) => fixed[registry]);
    this.timeoutMs = opts.timeoutMs ?? 15_000;
    this.retries = opts.retries ?? 2;
    this.transport = opts.transport ?? (opts.caPEM ? caTransport(opts.caPEM) : fetchTransport);
  }

  private base(registry: string): string {
    const host = registry === 'docker.io' ? 'registry-1.docker.io' : registry;
    return `${this.insecure.has(registry) ? 'http' : 'https'}://${host}`;
  }

  /** One request with timeout and retries; network failures become CONNECTION_FAILED / TIMEOUT. */
  private async send(url: string, headers: Record<string, string>, method = 'GET'): Promise<HttpResponse> {
    let lastErr: unknown;
    for (let attempt = 0; attempt <= this.retries; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, 100 * 2 ** attempt));
      try {
        const res = await this.transport(url, { method, headers, signal: AbortSignal.timeout(this.timeoutMs) });
        if ((res.status === 429 || res.status >= 500) && attempt < this.retries) {
          lastErr = new Error(`HTTP ${res.status}`);
          continue;
        }
        return res;
      } catch (err) {
        lastErr = err;
      }
    }
    const e = lastErr as { name?: string } | undefined;
    if (e?.name === 'TimeoutError' || e?.name === 'AbortError') {
      throw new KubeprintError('TIMEOUT', `${method} ${url} timed out after ${this.timeoutMs} ms`, { cause: lastErr });
    }
    throw new KubeprintError('CONNECTION_FAILED', `cannot reach registry at ${new URL(url).host} (${method} ${url})`, {
      cause: lastErr,
    });
  }

  /** GET with the registry's auth flow: anonymous first, then what a 401 asks for. */
  private async get(repo: RepoRef, path: string, accept?: string, method = 'GET'): Promise<HttpResponse> {
    const url = `${this.base(repo.registry)}/v2/${repo.repository}/${path}`;
    const scope = `repository:${repo.repository}:pull`;
    const headers: Record<string, string> = accept ? { accept } : {};
    const auth = await this.authorization(repo.registry, scope, false);
    if (auth) headers.authorization = auth;
    let res = await this.send(url, headers, method);
    if (res.status === 401) {
      const challenge = parseChallenge(res.headers['www-authenticate'] ?? '');
      if (!challenge) return res;
      this.challenges.set(repo.registry, challenge);
      const retryAuth = await this.authorization(repo.registry, scope, true);
      if (!retryAuth) return res;
      res = await this.send(url, { ...headers, authorization: retryAuth }, method);
    }
    return res;
  }

  private async authorization(registry: string, scope: string, fresh: boolean): Promise<string | undefined> {
    const challenge = this.challenges.get(registry);
    if (!challenge) return undefined;
    const creds = await this.credentialsFor(registry);
    if (challenge.scheme === 'basic') {
      return creds ? `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}` : undefined;
    }
    const key = `${registry} ${scope}`;
    const cached = this.tokens.get(key);
    if (cached && !fresh) return `Bearer ${cached}`;
    const realm = new URL(challenge.params.realm ?? '');
    if (challenge.params.service) realm.searchParams.set('service', challenge.params.service);
    realm.searchParams.set('scope', scope);
    const headers: Record<string, string> = {};
    if (creds) headers.authorization = `Basic ${Buffer.from(`${creds.username}:${creds.password}`).toString('base64')}`;
    const res = await this.send(realm.toString(), headers);
    if (res.status !== 200) {
      throw new KubeprintError(
        'CONNECTION_FAILED',
        `token endpoint ${realm.origin}${realm.pathname} answered ${res.status}`,
      );
    }
    let token: unknown;
    try {
      const body = JSON.parse(res.body.toString('utf8')) as Record<string, unknown>;
      token = body.token ?? body.access_token;
    } catch (err) {
      throw new KubeprintError('CONNECTION_FAILED', `token endpoint ${realm.origin} returned no JSON`, { cause: err });
    }
    if (typeof token !== 'string')
      throw new KubeprintError('CONNECTION_FAILED', `token endpoint ${realm.origin} returned no token`);
    this.tokens.set(key, token);
    return `Bearer ${token}`;
  }

  /**
   * A manifest by tag or digest. Its digest is computed from the bytes (and
   * must equal the digest asked for). Undefined when the registry says 404.
   */
  async manifest(repo: RepoRef, reference: string, accept = MANIFEST_ACCEPT): Promise<Manifest | undefined> {
    const res = await this.get(repo, `manifests/${reference}`, accept);
    if (res.status === 404) return undefined;
    this.expectOk(res, repo, `manifest ${reference}`);
    const digest = `sha256:${createHash('sha256').update(res.body).digest('hex')}`;
    if (reference.startsWith('sha256:') && reference !== digest) {
      throw new KubeprintError(
        'INPUT_INVALID',
        `${repo.registry}/${repo.repository}@${reference}: the registry served a manifest with digest ${digest}`,
      );
    }
    let json: Record<string, unknown>;
    try {
      json = JSON.parse(res.body.toString('utf8')) as Record<string, unknown>;
    } catch (err) {
      throw new KubeprintError(
        'INPUT_INVALID',
        `${repo.registry}/${repo.repository}:${reference}: manifest is not JSON`,
        {
          cause: err,
        },
      );
    }
    const mediaType = typeof json.mediaType === 'string' ? json.mediaType : (res.headers['content-type'] ?? '');
    return { digest, mediaType, body: res.body, json };
  }

  /** A blob, checked against its digest. */
  async blob(repo: RepoRef, digest: string): Promise<Buffer> {
    const res = await this.get(repo, `blobs/${digest}`);
    this.expectOk(res, repo, `blob ${digest}`);
    const [alg, hex] = digest.split(':');
    if (alg !== 'sha256' || createHash('sha256').update(res.body).digest('hex') !== hex) {
      throw new KubeprintError(
        'INPUT_INVALID',
        `${repo.registry}/${repo.repository}: blob does not match its digest ${digest}`,
      );
    }
    return res.body;
  }

  /**
   * Manifests that refer to `digest` (OCI 1.1 referrers API), as index
   * descriptors; falls back to the `sha256-<hex>` tag schema when the registry
   * has no referrers API.
   */
  async referrers(repo: RepoRef, digest: string): Promise<Array<Record<string, unknown>>> {
    const res = await this.get(repo, `referrers/${digest}`, MEDIA.ociIndex);
    if (res.status === 200 && (res.headers['content-type'] ?? '').includes(MEDIA.ociIndex)) {
      try {
        const index = JSON.parse(res.body.toString('utf8')) as { manifests?: Array<Record<string, unknown>> };
        return index.manifests ?? [];
      } catch {
        // fall through to the tag schema
      }
    } else if (res.status !== 404 && res.status !== 200) {
      this.expectOk(res, repo, `referrers of ${digest}`);
    }
    const fallback = await this.manifest(repo, digest.replace(':', '-'), MEDIA.ociIndex);
    const list = fallback?.json.manifests;
    return Array.isArray(list) ? (list as Array<Record<string, unknown>>) : [];
  }

  private expectOk(res: HttpResponse, repo: RepoRef, what: string): void {
    if (res.status === 200) return;
    const hint =
      res.status === 401 || res.status === 403
        ? ' (credentials missing or not allowed: check the Docker config.json)'
        : '';
    throw new KubeprintError(
      'CONNECTION_FAILED',
      `${repo.registry}/${repo.repository}: ${what}: registry answered HTTP ${res.status}${hint}`,
    );
  }
}

interface Challenge {
  scheme: 'bearer' | 'basic';
  params: Record<string, string>;
}

/** `Bearer realm="https://auth",service="registry",scope="..."` → its parts. */
export function parseChallenge(header: string): Challenge | undefined {
  const m = /^\s*(Bearer|Basic)\b(.*)$/i.exec(header);
  if (!m) return undefined;
  const params: Record<string, string> = {};
  for (const p of (m[2] ?? '').matchAll(/([a-zA-Z_]+)\s*=\s*(?:"([^"]*)"|([^,\s]*))/g)) {
    params[(p[1] as string).toLowerCase()] = p[2] ?? p[3] ?? '';
  }
  const scheme = (m[1] as string).toLowerCase() === 'bearer' ? 'bearer' : 'basic';
  if (scheme === 'bearer' && !params.realm) return undefined;
  return { scheme, params };
}

/**
 * Basic-auth credentials from a Docker `config.json` (`auths.<host>.auth`, or
 * username/password). Credential helpers are in credential-helpers.ts.
 */
export function credentialsFromDockerConfig(json: unknown): Record<string, Credentials> {
  const out: Record<string, Credentials> = {};
  const auths = (json as { auths?: unknown } | null)?.auths;
  if (!auths || typeof auths !== 'object') return out;
  for (const [key, entry] of Object.entries(auths as Record<string, unknown>)) {
    if (!entry || typeof entry !== 'object') continue;
    const e = entry as Record<string, unknown>;
    let username: string | undefined;
    let password: string | undefined;
    if (typeof e.auth === 'string' && e.auth !== '') {
      const decoded = Buffer.from(e.auth, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon > 0) {
        username = decoded.slice(0, colon);
        password = decoded.slice(colon + 1);
      }
    } else if (typeof e.username === 'string' && typeof e.password === 'string') {
      username = e.username;
      password = e.password;
    }
    if (username === undefined || password === undefined) continue;
    // Keys are hosts, or URLs such as https://index.docker.io/v1/.
    const host = registryHost(key);
    out[host] = { username, password };
  }
  return out;
}

/**
 * Reads the Docker config.json (`file`, or $DOCKER_CONFIG/config.json, or
 * ~/.docker/config.json; nothing when absent): its `auths` credentials, and
 * its `credHelpers`/`credsStore` credential helpers, run when a registry asks.
 */
export async function loadDockerCredentials(
  file: string | undefined,
  env: Record<string, string | undefined>,
): Promise<Pick<RegistryClientOptions, 'credentialsFor'>> {
  const path = file ?? join(env.DOCKER_CONFIG ?? join(homedir(), '.docker'), 'config.json');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if (file === undefined) return {};
    throw new KubeprintError('READ_FAILED', `cannot read registry config ${file}`, { cause: err });
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new KubeprintError('INPUT_INVALID', `registry config ${path} is not JSON`, { cause: err });
  }
  return { credentialsFor: credentialLookup(credentialsFromDockerConfig(json), helperConfigFrom(json), { env }) };
}
