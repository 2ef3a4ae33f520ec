/**
 * Docker credential helpers (`credHelpers` and `credsStore` in a Docker
 * config.json): `docker-credential-<name> get` reads the registry's server URL
 * on stdin and prints `{"ServerURL","Username","Secret"}`. This is how
 * registries of the cloud providers hand out short-lived credentials
 * (docker-credential-ecr-login, -gcloud, -acr-env, ...) and how desktop
 * keychains keep them (-osxkeychain, -pass, -secretservice).
 */
import { spawn } from 'node:child_process';
import { KubeprintError } from '../../errors.js';
import type { Credentials } from './registry.js';

/** Which helper answers for which registry host, from a Docker config.json. */
export interface HelperConfig {
  /** `credHelpers`: registry host → helper name (the part after `docker-credential-`). */
  perRegistry: Record<string, string>;
  /** `credsStore`: the helper for every registry the config has no other credentials for. */
  store: string | undefined;
}

export function helperConfigFrom(json: unknown): HelperConfig {
  const j = (json && typeof json === 'object' ? json : {}) as Record<string, unknown>;
  const perRegistry: Record<string, string> = {};
  if (j.credHelpers && typeof j.credHelpers === 'object') {
    for (const [key, name] of Object.entries(j.credHelpers as Record<string, unknown>)) {
      if (typeof name === 'string' && name !== '') perRegistry[registryHost(key)] = name;
    }
  }
  const store = typeof j.credsStore === 'string' && j.credsStore !== '' ? j.credsStore : undefined;
  return { perRegistry, store };
}

/** `https://index.docker.io/v1/` → `docker.io`; `ghcr.io` → `ghcr.io`. */
export function registryHost(key: string): string {
  const host = key.replace(/^https?:\/\//, '').replace(/\/.*$/, '');
  return host === 'index.docker.io' || host === 'registry-1.docker.io' ? 'docker.io' : host;
}

/** The server URL a helper is asked about: Docker Hub keeps its historical key. */
function serverURL(registry: string): string {
  return registry === 'docker.io' ? 'https://index.docker.io/v1/' : registry;
}

export interface HelperRunOptions {
  env: Record<string, string | undefined>;
  /** Milliseconds before the helper is killed (default 10 s). */
  timeoutMs?: number;
}

/**
 * Ask a helper for a registry's credentials. Undefined when the helper has
 * none (it says "credentials not found", as the protocol has it): the registry
 * is then tried anonymously.
 *
 * @throws KubeprintError CONNECTION_FAILED when the helper is missing, fails,
 *   times out or answers something other than the protocol's JSON; the message
 *   names the helper and the registry, never the secret.
 */
export async function runCredentialHelper(
  helper: string,
  registry: string,
  opts: HelperRunOptions,
): Promise<Credentials | undefined> {
  const bin = `docker-credential-${helper}`;
  const fail = (why: string, cause?: unknown) =>
    new KubeprintError('CONNECTION_FAILED', `credential helper ${bin} for ${registry}: ${why}`, { cause });
  const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>(
    (resolve, reject) => {
      const child = spawn(bin, ['get'], {
        env: opts.env as NodeJS.ProcessEnv,
        stdio: ['pipe', 'pipe', 'pipe'],
        timeout: opts.timeoutMs ?? 10_000,
        killSignal: 'SIGKILL',
      });
      let out = '';
      let err = '';
      child.stdout.setEncoding('utf8').on('data', (d: string) => {
        out += d;
      });
      child.stderr.setEncoding('utf8').on('data', (d: string) => {
        err += d;
      });
      child.on('error', (e: NodeJS.ErrnoException) =>
        reject(e.code === 'ENOENT' ? fail(`${bin} is not on PATH`, e) : fail(e.message, e)),
      );
      // killed (timeout): answer at once, without waiting for grandchildren that still hold the pipes
      child.on('exit', (_c, signal) => {
        if (!signal) return;
        child.stdout.destroy();
        child.stderr.destroy();
        reject(fail(`killed by ${signal} (no answer within ${(opts.timeoutMs ?? 10_000) / 1000} s?)`));
      });
      child.on('close', (c, signal) => {
        if (!signal) resolve({ code: c, stdout: out, stderr: err });
      });
      child.stdin.on('error', () => {
        // a helper that exits without reading stdin: its exit status tells
      });
      child.stdin.end(serverURL(registry));
    },
  );
  if (code !== 0) {
    const said = (stdout.trim() || stderr.trim()).split('\n')[0] ?? '';
    if (/credentials not found/i.test(said)) return undefined;
    throw fail(`exited with ${code}${said ? `: ${said}` : ''}`);
  }
  let answer: unknown;
  try {
    answer = JSON.parse(stdout);
  } catch (err) {
    throw fail('did not print JSON', err);
  }
  const a = (answer && typeof answer === 'object' ? answer : {}) as Record<string, unknown>;
  if (typeof a.Username !== 'string' || typeof a.Secret !== 'string')
    throw fail('printed JSON without Username and Secret');
  if (a.Username === '<token>')
    throw fail(
      'returned an identity token (Username "<token>"), which kubeprint does not exchange; use a helper that returns a username and password or access token',
    );
  return { username: a.Username, password: a.Secret };
}

/**
 * Credentials for a registry as Docker finds them: its `credHelpers` helper,
 * else the config's own `auths` entry, else the `credsStore` helper, else none
 * (anonymous). Each registry's helper runs once per process; its answer (or
 * failure) is kept.
 */
export function credentialLookup(
  fromFile: Record<string, Credentials>,
  cfg: HelperConfig,
  opts: HelperRunOptions,
): (registry: string) => Promise<Credentials | undefined> {
  const asked = new Map<string, Promise<Credentials | undefined>>();
  return (registry) => {
    let p = asked.get(registry);
    if (!p) {
      const own = cfg.perRegistry[registry];
      const file = fromFile[registry];
      if (own) p = runCredentialHelper(own, registry, opts);
      else if (file) p = Promise.resolve(file);
      else if (cfg.store) p = runCredentialHelper(cfg.store, registry, opts);
      else p = Promise.resolve(undefined);
      asked.set(registry, p);
    }
    return p;
  };
}
