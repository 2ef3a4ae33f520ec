/**
 * Kubeconfig resolution for the cluster source, as kubectl does it: the file
 * from --kubeconfig, else the files of $KUBECONFIG merged (the first file that
 * sets a name or the current context wins), else ~/.kube/config, else the
 * in-cluster service account.
 *
 * Entries are parsed and credentials obtained with @kubernetes/client-node's
 * own small modules (config_types, exec_auth, file_auth: client certificates,
 * tokens, basic auth, impersonation, exec credential plugins). Its full
 * KubeConfig class costs some 65 MB and half a second to load because it pulls
 * in every generated API model, so it is loaded only for what the small path
 * does not cover: auth-provider plugins (OIDC, GCP, Azure), proxy-url and
 * in-cluster configuration.
 */
import { existsSync, readFileSync } from 'node:fs';
import { Agent, type RequestOptions } from 'node:https';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import yaml from 'js-yaml';
import { KubeprintError } from '../errors.js';

type Cluster = import('@kubernetes/client-node').Cluster;
type User = import('@kubernetes/client-node').User;
type Context = import('@kubernetes/client-node').Context;

export interface KubeconfigOptions {
  kubeconfig?: string;
  context?: string;
  env?: Record<string, string | undefined>;
}

export interface ResolvedKubeconfig {
  contextName: string;
  /** The context's namespace, when it sets one. */
  namespace: string | undefined;
  /** The API server URL, without a trailing slash. */
  server: string;
  /** node:https request options with TLS material, credentials and an agent. */
  requestOptions(): Promise<RequestOptions>;
}

interface Entries {
  clusters: Cluster[];
  users: User[];
  contexts: Context[];
  currentContext: string | undefined;
}

/**
 * @throws KubeprintError USAGE when no kubeconfig is found, a file cannot be
 *   read, or the context does not exist; CONNECTION_FAILED when credentials cannot be had.
 */
export async function resolveKubeconfig(opts: KubeconfigOptions): Promise<ResolvedKubeconfig> {
  const env = opts.env ?? process.env;
  const files = kubeconfigFiles(opts, env);
  if (files === 'in-cluster') return inCluster(opts);
  const types = await import('@kubernetes/client-node/dist/config_types.js');
  const entries: Entries = { clusters: [], users: [], contexts: [], currentContext: undefined };
  for (const f of files) mergeFirstWins(entries, parseFile(f, types));
  const contextName = opts.context ?? entries.currentContext;
  const known = () => entries.contexts.map((c) => c.name).join(', ') || 'none';
  if (!contextName)
    throw new KubeprintError('USAGE', `the kubeconfig has no current context; pass --context (contexts: ${known()})`);
  const context = entries.contexts.find((c) => c.name === contextName);
  if (!context)
    throw new KubeprintError('USAGE', `context "${contextName}" not found in the kubeconfig (contexts: ${known()})`);
  const cluster = entries.clusters.find((c) => c.name === context.cluster);
  if (!cluster?.server)
    throw new KubeprintError(
      'USAGE',
      `context "${contextName}" names cluster "${context.cluster}", which has no server`,
    );
  const user = entries.users.find((u) => u.name === context.user);
  const heavy =
    cluster.proxyUrl !== undefined || (user?.authProvider !== undefined && !user.authProvider?.config?.tokenFile);
  const withCause = (p: Promise<RequestOptions>) =>
    p.catch((err: unknown) => {
      throw new KubeprintError('CONNECTION_FAILED', `cannot get credentials for context "${contextName}"`, {
        cause: err,
      });
    });
  return {
    contextName,
    namespace: context.namespace || undefined,
    server: cluster.server.replace(/\/+$/, ''),
    requestOptions: () => withCause(heavy ? heavyOptions(entries, contextName) : lightOptions(cluster, user)),
  };
}

function kubeconfigFiles(opts: KubeconfigOptions, env: Record<string, string | undefined>): string[] | 'in-cluster' {
  if (opts.kubeconfig) {
    if (!existsSync(opts.kubeconfig)) throw new KubeprintError('USAGE', `kubeconfig ${opts.kubeconfig} does not exist`);
    return [opts.kubeconfig];
  }
  const listed = (env.KUBECONFIG ?? '').split(':').filter((f) => f !== '');
  if (listed.length > 0) {
    // as kubectl: files in $KUBECONFIG that do not exist are ignored
    const files = listed.filter((f) => existsSync(f));
    if (files.length === 0)
      throw new KubeprintError(
        'USAGE',
        `no kubeconfig found: none of the files in KUBECONFIG exist (${listed.join(':')})`,
      );
    return files;
  }
  const file = join(env.HOME ?? homedir(), '.kube', 'config');
  if (existsSync(file)) return [file];
  if (env.KUBERNETES_SERVICE_HOST && env.KUBERNETES_SERVICE_PORT) return 'in-cluster';
  throw new KubeprintError(
    'USAGE',
    `no kubeconfig found (looked at --kubeconfig, $KUBECONFIG, ${file} and the in-cluster service account)`,
  );
}

function parseFile(file: string, types: typeof import('@kubernetes/client-node/dist/config_types.js')): Entries {
  let doc: unknown;
  try {
    doc = yaml.load(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new KubeprintError('USAGE', `cannot read kubeconfig ${file}`, { cause: err });
  }
  const d = (doc && typeof doc === 'object' ? doc : {}) as Record<string, unknown>;
  const filter = { onInvalidEntry: types.ActionOnInvalid.FILTER };
  const root = dirname(file);
  const abs = (p: string | undefined) => (p && !isAbsolute(p) ? join(root, p) : p);
  // relative certificate paths are relative to the file that names them
  const clusters = types.newClusters(d.clusters ?? [], filter).map((c) => ({ ...c, caFile: abs(c.caFile) }));
  const users = types
    .newUsers(d.users ?? [], filter)
    .map((u) => ({ ...u, certFile: abs(u.certFile), keyFile: abs(u.keyFile) }));
  const contexts = types.newContexts(d.contexts ?? [], filter);
  const current = typeof d['current-context'] === 'string' && d['current-context'] ? d['current-context'] : undefined;
  return { clusters, users, contexts, currentContext: current };
}

function mergeFirstWins(into: Entries, from: Entries): void {
  const add = <T extends { name: string }>(list: T[], more: T[]) => {
    for (const m of more) if (!list.some((x) => x.name === m.name)) list.push(m);
  };
  add(into.clusters, from.clusters);
  add(into.users, from.users);
  add(into.contexts, from.contexts);
  into.currentContext ??= from.currentContext;
}

function bytes(file: string | undefined, data: string | undefined): Buffer | undefined {
  if (file) return readFileSync(file);
  if (data) return Buffer.from(data, 'base64');
  return undefined;
}

let execAuth: import('@kubernetes/client-node/dist/exec_auth.js').ExecAuth | undefined;
let fileAuth: import('@kubernetes/client-node/dist/file_auth.js').FileAuth | undefined;

/** What KubeConfig.applyToHTTPSOptions does, for the common cases, without loading the API models. */
async function lightOptions(cluster: Cluster, user: User | undefined): Promise<RequestOptions> {
  const o: RequestOptions = { headers: {} };
  const headers = o.headers as Record<string, string>;
  if (cluster.skipTLSVerify) o.rejectUnauthorized = false;
  if (cluster.tlsServerName) o.servername = cluster.tlsServerName;
  const ca = bytes(cluster.caFile, cluster.caData);
  if (ca) o.ca = ca;
  if (user) {
    const cert = bytes(user.certFile, user.certData);
    const key = bytes(user.keyFile, user.keyData);
    if (cert) o.cert = cert;
    if (key) o.key = key;
    if (user.impersonateUser) headers['Impersonate-User'] = user.impersonateUser;
    if (user.exec) {
      execAuth ??= new (await import('@kubernetes/client-node/dist/exec_auth.js')).ExecAuth();
      await execAuth.applyAuthentication(user, o);
    } else if (user.authProvider?.config?.tokenFile) {
      fileAuth ??= new (await import('@kubernetes/client-node/dist/file_auth.js')).FileAuth();
      await fileAuth.applyAuthentication(user, o);
    }
    if (user.token) headers.Authorization = `Bearer ${user.token}`;
    if (user.username) o.auth = `${user.username}:${user.password ?? ''}`;
  }
  o.agent = new Agent({
    keepAlive: true,
    ...(o.ca ? { ca: o.ca } : {}),
    ...(o.cert ? { cert: o.cert } : {}),
    ...(o.key ? { key: o.key } : {}),
    ...(o.rejectUnauthorized === false ? { rejectUnauthorized: false } : {}),
    ...(o.servername ? { servername: o.servername } : {}),
  });
  return o;
}

async function heavyOptions(entries: Entries, contextName: string): Promise<RequestOptions> {
  const { KubeConfig } = await import('@kubernetes/client-node');
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: entries.clusters,
    users: entries.users,
    contexts: entries.contexts,
    currentContext: contextName,
  });
  const o: RequestOptions = {};
  await kc.applyToHTTPSOptions(o);
  return o;
}

async function inCluster(opts: KubeconfigOptions): Promise<ResolvedKubeconfig> {
  const { KubeConfig } = await import('@kubernetes/client-node');
  const kc = new KubeConfig();
  try {
    kc.loadFromCluster();
  } catch (err) {
    throw new KubeprintError('USAGE', 'cannot load the in-cluster configuration', { cause: err });
  }
  if (opts.context && opts.context !== kc.getCurrentContext())
    throw new KubeprintError(
      'USAGE',
      `context "${opts.context}" not found (in-cluster configuration has "${kc.getCurrentContext()}")`,
    );
  const server = kc.getCurrentCluster()?.server ?? '';
  let namespace: string | undefined;
  try {
    namespace = readFileSync('/var/run/secrets/kubernetes.io/serviceaccount/namespace', 'utf8').trim() || undefined;
  } catch {
    namespace = undefined;
  }
  return {
    contextName: kc.getCurrentContext(),
    namespace,
    server: server.replace(/\/+$/, ''),
    requestOptions: async () => {
      const o: RequestOptions = {};
      await kc.applyToHTTPSOptions(o);
      return o;
    },
  };
}
