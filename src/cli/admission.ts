import { isIP } from 'node:net';
import { resolve } from 'node:path';
import { DEFAULT_DEADLINE_MS, DEFAULT_MAX_BODY_BYTES } from '../admission/limits.js';
import { loadConfig } from '../config/config.js';
import { KubeprintError } from '../errors.js';
import { choice, parseCommandArgs } from './args.js';
import type { CliIO } from './io.js';

export const summary =
  'Admission: serve the validating webhook, print its manifests, or generate ValidatingAdmissionPolicies';

const USAGE = `Usage:
  kubeprint admission serve --tls-cert FILE --tls-key FILE [options]
  kubeprint admission manifests [--namespace NS] [--image IMAGE] [--apiserver-cidr CIDR]... [--cert-manager]
                                [--cluster-access] [--verify-images]
  kubeprint admission vap [--config FILE] [--namespace NS]

serve options:
  --port N               HTTPS port (default 8443)
  --host ADDR            address to listen on (default 0.0.0.0)
  --config FILE          .kubeprint.yaml: per-rule mode (enforce, warn, audit), severities, exemptions;
                         with an \`images\` policy, the images of every admitted workload are verified
                         (signatures, attestations; verdicts cached 5 minutes) within the deadline
  --registry-config FILE Docker config.json with registry credentials (default $DOCKER_CONFIG/config.json)
  --decision-log FILE    append every decision as a JSON line
  --max-body-bytes N     largest AdmissionReview read (default 4194304: the API server reads at most
                         3 MiB of an object, etcd stores at most 1.5 MiB); a larger one gets 413 unread
  --deadline-ms N        from a request's arrival to its answer, below the webhook timeout
                         (default 2500, 100 to 30000); a review not judged by then is decided by
                         the path's failure policy (config admission.budget bounds each review)
  --drain-seconds N      on SIGTERM, how long in-flight requests may take (default 10, at most 3600)
  --workers N            threads that parse and judge reviews over 64 KiB, so that a large review never
                         holds up the others and one out of time can be stopped (default 1; 0: all in the
                         server's thread; not used with --kubeconfig, --in-cluster or an images policy)
  --log-level LEVEL      debug, info, warn or error (default info); JSON lines on stderr
  --kubeconfig FILE      read the cluster (a cache kept by watches) so that cross-object rules run too
  --context NAME         kubeconfig context (with --kubeconfig)
  --in-cluster           read the cluster with the pod's service account

Paths: /validate (enforce-mode rules; register with failurePolicy Fail),
/validate/advisory (warn and audit rules; failurePolicy Ignore), /validate/all (both),
/healthz, /readyz, /metrics.

manifests options:
  --namespace NS         namespace to run in (default kubeprint)
  --image IMAGE          kubeprint image, pinned by digest
  --apiserver-cidr CIDR  where the API server calls the webhook from (control-plane nodes or the
                         managed control plane's network; repeat or comma-separate): the ingress
                         NetworkPolicy admits only these; without, any source reaches port 8443
  --cert-manager         use cert-manager (Issuer, Certificate, cainjector annotation) instead of
                         a generated CA and serving certificate (requires openssl)
  --cluster-access       let the webhook list and watch what cross-object rules read
  --verify-images        the config (ConfigMap kubeprint-webhook-config) has an \`images\` policy:
                         allow DNS and HTTPS egress so the webhook reaches registries
                         (a ClusterRole and binding; the pod runs with --in-cluster)

vap options:
  --config FILE          .kubeprint.yaml: rule modes pick the validation action (enforce → Deny, warn → Warn, audit → Audit)
  --namespace NS         kubeprint's own namespace, excluded from the bindings (default kubeprint)
`;

/** An integer flag within [min, max]; anything else (0 where 0 means nothing, a negative, a fraction, text) is a usage error. */
function intFlag(flag: string, v: string | undefined, dflt: number, min: number, max: number, what: string): number {
  if (v === undefined) return dflt;
  const n = /^-?\d+$/.test(v.trim()) ? Number(v) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max)
    throw new KubeprintError('USAGE', `${flag} must be ${what}, an integer from ${min} to ${max} (got "${v}")`);
  return n;
}

/** An IPv4 or IPv6 CIDR as a NetworkPolicy ipBlock takes it (address/prefix length). */
function isCidr(v: string): boolean {
  const m = /^([^/]+)\/(\d{1,3})$/.exec(v);
  if (!m?.[1] || !m[2]) return false;
  const family = isIP(m[1]);
  const bits = Number(m[2]);
  return family === 4 ? bits <= 32 : family === 6 ? bits <= 128 : false;
}

/** An address to listen on: an IP address or a host name (resolved by the system when the server binds). */
function hostFlag(v: string | undefined): string {
  if (v === undefined) return '0.0.0.0';
  const h = v.startsWith('[') && v.endsWith(']') ? v.slice(1, -1) : v;
  if (
    isIP(h) ||
    /^(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/.test(h)
  )
    return h;
  throw new KubeprintError('USAGE', `--host must be an IP address or a host name (got "${v}")`);
}

export async function run(args: string[], io: CliIO): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === '--help' || sub === '-h') {
    io.stdout(USAGE);
    return sub === undefined ? 2 : 0;
  }
  if (sub === 'serve') return serve(rest, io);
  if (sub === 'manifests') return manifests(rest, io);
  if (sub === 'vap') return vap(rest, io);
  throw new KubeprintError('USAGE', `unknown admission subcommand "${sub}" (serve, manifests, vap)`);
}

async function serve(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    'tls-cert': { type: 'string' },
    'tls-key': { type: 'string' },
    port: { type: 'string' },
    host: { type: 'string' },
    config: { type: 'string' },
    'registry-config': { type: 'string' },
    'decision-log': { type: 'string' },
    'max-body-bytes': { type: 'string' },
    'deadline-ms': { type: 'string' },
    'drain-seconds': { type: 'string' },
    workers: { type: 'string' },
    'log-level': { type: 'string' },
    kubeconfig: { type: 'string' },
    context: { type: 'string' },
    'in-cluster': { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    io.stdout(USAGE);
    return 0;
  }
  if (values.kubeconfig && values['in-cluster'])
    throw new KubeprintError('USAGE', '--kubeconfig and --in-cluster are alternatives');
  if (!values['tls-cert'] || !values['tls-key'])
    throw new KubeprintError('USAGE', 'admission serve needs --tls-cert FILE and --tls-key FILE');
  if (positionals.length > 0) throw new KubeprintError('USAGE', `unexpected argument "${positionals[0]}"`);
  // every value is checked before anything starts (the cluster cache, registries)
  const port = intFlag('--port', values.port, 8443, 0, 65535, 'a TCP port (0: any free port)');
  const host = hostFlag(values.host);
  // the API server waits at most 30 s for a webhook; below 100 ms no review could be answered
  const deadlineMs = intFlag('--deadline-ms', values['deadline-ms'], DEFAULT_DEADLINE_MS, 100, 30_000, 'milliseconds');
  // a review is a few KiB at least; 64 MiB is far beyond what the API server sends
  const maxBodyBytes = intFlag(
    '--max-body-bytes',
    values['max-body-bytes'],
    DEFAULT_MAX_BODY_BYTES,
    16 * 1024,
    64 * 1024 * 1024,
    'a size in bytes',
  );
  const drainMs = intFlag('--drain-seconds', values['drain-seconds'], 10, 0, 3600, 'seconds') * 1000;
  const workers = intFlag('--workers', values.workers, 1, 0, 16, 'a number of threads');
  const logLevel = choice('--log-level', values['log-level'], ['debug', 'info', 'warn', 'error'] as const, 'info');
  const { RULE_CATALOGUE } = await import('../rules/registry.js');
  const config = loadConfig(io.cwd, values.config, { ruleIds: RULE_CATALOGUE.map((r) => r.id) });
  const { admissionPolicy } = await import('../admission/decide.js');
  const { startWebhookServer } = await import('../admission/server.js');
  const log = (level: string, msg: string, fields: Record<string, unknown> = {}) =>
    io.stderr(`${JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields })}\n`);
  let cache: import('../admission/cluster-cache.js').ClusterCache | undefined;
  if (values.kubeconfig || values['in-cluster']) {
    const { startClusterCache } = await import('../admission/cluster-cache.js');
    cache = await startClusterCache({
      ...(values.kubeconfig ? { kubeconfig: resolve(io.cwd, values.kubeconfig) } : {}),
      ...(values.context ? { context: values.context } : {}),
      // in-cluster: the service account only, whatever kubeconfig files lie around
      env: values['in-cluster']
        ? {
            KUBERNETES_SERVICE_HOST: io.env.KUBERNETES_SERVICE_HOST,
            KUBERNETES_SERVICE_PORT: io.env.KUBERNETES_SERVICE_PORT,
            HOME: '/nonexistent',
          }
        : io.env,
      log,
    });
  }
  let images: import('../admission/decide.js').ImageCheck | undefined;
  if ((config.config.images?.policies ?? []).length > 0) {
    const { imageChecker } = await import('./images.js');
    const checker = await imageChecker(
      {
        registryConfig: values['registry-config'],
        // one registry request may not outlast the review
        timeoutSeconds: deadlineMs / 1000,
      },
      io,
      config,
      { cacheTtlMs: 5 * 60_000, retries: 0 },
    );
    images = async (obj) => (await checker.check([obj])).entries;
    log('info', 'image policy configured: the images of admitted workloads are verified', {
      policies: checker.policies,
    });
  } else if (values['registry-config']) {
    throw new KubeprintError('USAGE', '--registry-config needs an `images` policy in the config (--config)');
  }
  const server = await startWebhookServer({
    policy: admissionPolicy({
      config,
      ...(cache ? { clusterState: true, neighbours: cache.neighbours } : {}),
      ...(images ? { images } : {}),
    }),
    tlsCert: resolve(io.cwd, values['tls-cert']),
    tlsKey: resolve(io.cwd, values['tls-key']),
    port,
    host,
    maxBodyBytes,
    deadlineMs,
    workers,
    ...(values['decision-log'] ? { decisionLog: resolve(io.cwd, values['decision-log']) } : {}),
    log: io.stderr,
    logLevel,
  });
  await new Promise<void>((done) => {
    const stop = () => {
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      cache?.stop();
      server.close(drainMs).then(done, done);
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
  return 0;
}

async function manifests(args: string[], io: CliIO): Promise<number> {
  const { values } = parseCommandArgs(args, {
    namespace: { type: 'string' },
    image: { type: 'string' },
    'cert-manager': { type: 'boolean' },
    'cluster-access': { type: 'boolean' },
    'verify-images': { type: 'boolean' },
    'apiserver-cidr': { type: 'string', multiple: true },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    io.stdout(USAGE);
    return 0;
  }
  const cidrs = (values['apiserver-cidr'] ?? []).flatMap((v) => v.split(',')).map((c) => c.trim());
  for (const c of cidrs)
    if (!isCidr(c))
      throw new KubeprintError(
        'USAGE',
        `--apiserver-cidr must be a CIDR such as 10.0.0.0/24 or fd00::/64 (got "${c}")`,
      );
  if (cidrs.length === 0)
    io.stderr(
      'kubeprint: the webhook NetworkPolicy admits any source on port 8443: pass --apiserver-cidr with the addresses the API server calls from (docs/admission.md)\n',
    );
  const { admissionManifests, manifestsYaml } = await import('../admission/manifests.js');
  const objects = admissionManifests({
    namespace: values.namespace ?? 'kubeprint',
    ...(values.image ? { image: values.image } : {}),
    tls: values['cert-manager'] ? 'cert-manager' : 'generated',
    clusterAccess: values['cluster-access'] === true,
    verifyImages: values['verify-images'] === true,
    apiserverCidrs: cidrs,
  });
  io.stdout(manifestsYaml(objects));
  return 0;
}

async function vap(args: string[], io: CliIO): Promise<number> {
  const { values } = parseCommandArgs(args, {
    config: { type: 'string' },
    namespace: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    io.stdout(USAGE);
    return 0;
  }
  const { RULE_CATALOGUE } = await import('../rules/registry.js');
  const config = loadConfig(io.cwd, values.config, { ruleIds: RULE_CATALOGUE.map((r) => r.id) });
  const { validatingAdmissionPolicies } = await import('../admission/vap.js');
  const { manifestsYaml } = await import('../admission/manifests.js');
  const objects = validatingAdmissionPolicies({ config, namespace: values.namespace ?? 'kubeprint' });
  io.stdout(manifestsYaml(objects));
  return 0;
}
