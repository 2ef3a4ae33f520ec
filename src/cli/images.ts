import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { type Config, type LoadedConfig, loadConfig } from '../config/config.js';
import type { ImagesConfig } from '../config/schema.js';
import type { ImageUse } from '../engines/supplychain/usage.js';
import { KubeprintError } from '../errors.js';
import type { Finding } from '../model/finding.js';
import type { KubeObject } from '../model/kube-object.js';
import { choice, parseCommandArgs } from './args.js';
import type { CliIO } from './io.js';
import { LIVE_OPTIONS, loadObjectsFrom, WORKLOAD_KINDS } from './live-source.js';

export const summary = 'Supply chain: list images and verify their Sigstore signatures and attestations';

const USAGE = `Usage:
  kubeprint images list PATH... [-o table|json]
  kubeprint images verify PATH... [--policy FILE] [-o table|json|sarif] [options]
  (instead of PATH...: --cluster [--context C] [--kubeconfig F] reads the
  workloads of every namespace of a live cluster)

verify options:
  --policy FILE            file with an \`images:\` section (default: ./.kubeprint.yaml)
  --trusted-root FILE      Sigstore trusted root (default: embedded public-good production root)
  --insecure-registry HOST plain-HTTP registry (host:port; repeatable)
  --registry-config FILE   Docker config.json with registry credentials
                           (default: $DOCKER_CONFIG/config.json or ~/.docker/config.json)
  --ca-file FILE           PEM CA bundle for HTTPS registries
  --timeout SECONDS        per registry request (default 15)

Exit status: 0 every image verified (or skipped/warned); 1 an image failed its policy;
2 usage error, or an image could not be verified (registry unreachable, not found).
PATHs that hold no Kubernetes object are exit status 2 (nothing was judged) unless --allow-empty.
`;

export interface VerifyOptions {
  policy?: string | undefined;
  trustedRoot?: string | undefined;
  insecureRegistries?: string[] | undefined;
  registryConfig?: string | undefined;
  caFile?: string | undefined;
  timeoutSeconds?: number | undefined;
}

/** The images section and the folder its relative paths are read from. */
function imagesConfig(
  io: CliIO,
  policyFile: string | undefined,
  loaded: LoadedConfig | undefined,
  ruleIds: Iterable<string>,
): { cfg: ImagesConfig | undefined; config: Config; base: string; file: string } {
  const l =
    policyFile !== undefined
      ? loadConfig(io.cwd, policyFile, { ruleIds })
      : (loaded ?? loadConfig(io.cwd, undefined, { ruleIds }));
  const file = l.file ?? '.kubeprint.yaml';
  return { cfg: l.config.images, config: l.config, base: dirname(resolve(io.cwd, file)), file };
}

/** Options of a long-lived image checker (the admission webhook). */
export interface CheckerOptions {
  /** Forget verdicts after this long, so a moved tag or a new signature is seen (default: never, one run). */
  cacheTtlMs?: number;
  /** Retries of a failed registry request (default 2). */
  retries?: number;
}

/**
 * An image verifier set up once (policy, trust root, registry client) that
 * verifies the images of any objects given to it: verdicts per image and the
 * findings they make. Verdicts are cached by digest and tags by reference, for
 * `cacheTtlMs` (the whole life of the checker by default).
 */
export async function imageChecker(opts: VerifyOptions, io: CliIO, loaded?: LoadedConfig, more: CheckerOptions = {}) {
  const sc = await import('../engines/supplychain/index.js');
  const usage = await import('../engines/supplychain/usage.js');
  const { RULE_CATALOGUE } = await import('../rules/registry.js');
  const { cfg, config, base, file } = imagesConfig(
    io,
    opts.policy,
    loaded,
    RULE_CATALOGUE.map((r) => r.id),
  );
  const policy = sc.imagesPolicyFromConfig(cfg, base, file);
  const trustedRootFile = opts.trustedRoot
    ? resolve(io.cwd, opts.trustedRoot)
    : cfg?.trustedRoot
      ? resolve(base, cfg.trustedRoot)
      : undefined;
  const trustedRoot = await sc.loadTrustedRoot(trustedRootFile);
  let caPEM: string | undefined;
  if (opts.caFile) {
    try {
      caPEM = readFileSync(resolve(io.cwd, opts.caFile), 'utf8');
    } catch (err) {
      throw new KubeprintError('READ_FAILED', `cannot read CA file ${opts.caFile}`, { cause: err });
    }
  }
  const client = new sc.RegistryClient({
    insecureRegistries: [...(cfg?.insecureRegistries ?? []), ...(opts.insecureRegistries ?? [])],
    ...(await sc.loadDockerCredentials(opts.registryConfig && resolve(io.cwd, opts.registryConfig), io.env)),
    ...(caPEM ? { caPEM } : {}),
    ...(opts.timeoutSeconds ? { timeoutMs: opts.timeoutSeconds * 1000 } : {}),
    ...(more.retries !== undefined ? { retries: more.retries } : {}),
  });
  let verifier = new sc.ImageVerifier(client, policy, trustedRoot);
  let since = Date.now();
  return {
    /** The number of image policies configured (0: nothing to verify against but `unmatched`). */
    policies: policy.policies.length,
    async check(objects: readonly KubeObject[]) {
      if (more.cacheTtlMs !== undefined && Date.now() - since > more.cacheTtlMs) {
        verifier = new sc.ImageVerifier(client, policy, trustedRoot);
        since = Date.now();
      }
      const images = usage.imageUsage(objects);
      const current = verifier;
      const verdicts = await mapLimit(images, 8, (u) => current.verify(u.image));
      const entries: Array<{ finding: Finding; object: KubeObject | undefined }> = [];
      verdicts.forEach((v, i) => {
        entries.push(...usage.verdictFindings(v, (images[i] as (typeof images)[number]).uses, config));
      });
      return { images, verdicts, entries };
    },
  };
}

/**
 * Verify every image used by `objects`: verdicts per image and the findings
 * they make. Used by `images verify` and `scan --verify-images`.
 */
export async function verifyObjects(
  objects: readonly KubeObject[],
  opts: VerifyOptions,
  io: CliIO,
  loaded?: LoadedConfig,
) {
  const usage = await import('../engines/supplychain/usage.js');
  const r = await (await imageChecker(opts, io, loaded)).check(objects);
  return { ...r, rules: Object.values(usage.VERIFY_RULES), locationOf: usage.locationOf };
}

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

export async function run(args: string[], io: CliIO): Promise<number> {
  const [sub, ...rest] = args;
  if (sub === undefined || sub === '--help' || sub === '-h' || sub === 'help') {
    io.stdout(USAGE);
    return sub === undefined ? 2 : 0;
  }
  const { values, positionals } = parseCommandArgs(rest, {
    output: { type: 'string', short: 'o' },
    policy: { type: 'string' },
    'trusted-root': { type: 'string' },
    'insecure-registry': { type: 'string', multiple: true },
    'registry-config': { type: 'string' },
    'ca-file': { type: 'string' },
    timeout: { type: 'string' },
    ...LIVE_OPTIONS,
    help: { type: 'boolean', short: 'h' },
  });
  const load = () => loadObjectsFrom('images', positionals, values, WORKLOAD_KINDS, io);
  if (values.help) {
    io.stdout(USAGE);
    return 0;
  }
  if (sub === 'list') {
    const format = choice('-o', values.output, ['table', 'json'] as const, 'table');
    const { imageUsage, locationOf } = await import('../engines/supplychain/usage.js');
    const images = imageUsage(await load());
    if (format === 'json') {
      const out = images.map((u) => ({
        image: u.image,
        registry: u.registry ?? null,
        repository: u.repository ?? null,
        tag: u.tag ?? null,
        digest: u.digest ?? null,
        pinned: u.pinned,
        locations: distinctLocations(u.uses, locationOf),
      }));
      io.stdout(`${JSON.stringify(out, null, 2)}\n`);
    } else {
      io.stdout(
        table(
          ['IMAGE', 'REGISTRY', 'PINNED', 'USED AT'],
          images.map((u) => [
            u.image,
            u.registry ?? '?',
            u.pinned ? 'yes' : 'no',
            distinctLocations(u.uses, locationOf).join(', '),
          ]),
        ),
      );
    }
    return 0;
  }
  if (sub !== 'verify') throw new KubeprintError('USAGE', `unknown subcommand "${sub}" (expected list or verify)`);
  const format = choice('-o', values.output, ['table', 'json', 'sarif'] as const, 'table');
  let timeoutSeconds: number | undefined;
  if (values.timeout !== undefined) {
    timeoutSeconds = Number(values.timeout);
    if (!(timeoutSeconds > 0))
      throw new KubeprintError('USAGE', `--timeout must be a positive number of seconds (got "${values.timeout}")`);
  }
  const objects = await load();
  const r = await verifyObjects(
    objects,
    {
      policy: values.policy,
      trustedRoot: values['trusted-root'],
      insecureRegistries: values['insecure-registry'],
      registryConfig: values['registry-config'],
      caFile: values['ca-file'],
      timeoutSeconds,
    },
    io,
  );
  if (format === 'json') {
    const out = r.verdicts.map((v, i) => ({
      image: v.image,
      digest: v.digest ?? null,
      policy: v.policy ?? null,
      status: v.status,
      checks: v.checks,
      locations: distinctLocations(r.images[i]?.uses ?? [], r.locationOf),
    }));
    io.stdout(`${JSON.stringify({ images: out }, null, 2)}\n`);
  } else if (format === 'sarif') {
    const { reporterFor } = await import('../report/index.js');
    const { VERSION } = await import('../version.js');
    const findings = r.entries.map((e) => e.finding);
    const text = reporterFor('sarif').render(
      {
        findings,
        exempted: [],
        stats: { files: 0, objects: objects.length, skippedDocuments: 0, skippedFiles: 0, durationMs: 0 },
      },
      { rules: r.rules, color: false, failOn: 'high', showExempted: false, toolVersion: VERSION },
    );
    io.stdout(text.endsWith('\n') ? text : `${text}\n`);
  } else {
    io.stdout(
      table(
        ['IMAGE', 'STATUS', 'DIGEST', 'DETAIL'],
        r.verdicts.map((v) => [
          v.image,
          v.status,
          v.digest ? v.digest.slice(0, 19) : '-',
          v.checks.map((c) => `${c.ok ? 'ok' : 'FAIL'}: ${c.message}`).join('; '),
        ]),
      ),
    );
  }
  for (const v of r.verdicts)
    if (v.status === 'error') io.stderr(`kubeprint images: ${v.image}: ${v.checks[0]?.message ?? 'error'}\n`);
  if (r.verdicts.some((v) => v.status === 'error')) return 2;
  return r.verdicts.some((v) => v.status === 'failed') ? 1 : 0;
}

/**
 * Where an image is used, each place in a file once: overlays that share a
 * kustomize base render the same base line once per overlay. Objects read
 * from a cluster (named Kind/name) are distinct objects and all kept.
 */
function distinctLocations(uses: readonly ImageUse[], locationOf: (u: ImageUse) => string): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const u of uses) {
    const l = locationOf(u);
    if (u.file !== undefined) {
      if (seen.has(l)) continue;
      seen.add(l);
    }
    out.push(l);
  }
  return out;
}

function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return `${[line(head), ...rows.map(line)].join('\n')}\n`;
}
