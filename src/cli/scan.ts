import { closeSync, openSync, writeSync } from 'node:fs';
import { resolve } from 'node:path';
import { type LoadedConfig, loadConfig } from '../config/config.js';
import { KubeprintError } from '../errors.js';
import type { ScanResult } from '../model/finding.js';
import type { KubeObject } from '../model/kube-object.js';
import { parseKubernetesMinor } from '../model/kubernetes-version.js';
import { failsAt, isSeverity, type Threshold } from '../model/severity.js';
import { reporterFor } from '../report/index.js';
import { RULE_CATALOGUE, RULES } from '../rules/registry.js';
import { type ScanOptions, type ScanOutput, scanPaths } from '../scan.js';
import { LOAD_RESTRICTORS } from '../sources/kustomize.js';
import { VERSION } from '../version.js';
import { choice, parseCommandArgs } from './args.js';
import type { CliIO } from './io.js';
import { noObjects } from './live-source.js';
import { BASELINE_HELP, BASELINE_OPTIONS, baselineSource } from './scan-baseline.js';

export const summary = 'Scan manifests, Kustomize overlays and Helm charts for problems';

const HELP = `Usage: kubeprint scan PATH... [options]
       kubeprint scan --cluster [--context C] [--kubeconfig F] [-n NS | -A] [options]
       kubeprint scan --from-snapshot FILE [options]

PATH is a file, a directory (recursive: .yaml, .yml, .json; root kustomizations
and Helm charts are rendered), or - for stdin.

Options:
  -o, --output FORMAT     table (default), json, sarif, junit, markdown
      --output-file FILE  write the report to FILE instead of stdout
      --fail-on SEVERITY  exit 1 when a finding is at or above it: critical, high
                          (default), medium, low, info, or none
  -c, --config FILE       configuration (default: ./.kubeprint.yaml when present)
      --kubernetes-version V  the release the manifests are deployed to (1.33):
                          API versions it no longer serves or deprecates are
                          reported (default: the config's, else the newest known)
      --show-exempted     also list exempted findings and why
      --raw               scan every file as it is (no Kustomize/Helm rendering)
      --allow-empty       exit 0 when the PATHs hold no Kubernetes object (default:
                          exit 2, since nothing was judged)
      --scope-by MODE     how plain directories are grouped for cross-object rules:
                          merged (default: until two define the same object) or
                          directory (each directory alone)
      --load-restrictor R Kustomize file loading, as kubectl: LoadRestrictionsRootOnly
                          (default: only files inside each kustomization) or
                          LoadRestrictionsNone (any file the user can read)
      --allow-remote      let kustomize fetch remote resources (git, http, chart
                          repositories; 60 s limit); refused without it
      --repo-url URL      the URL of the scanned repository, when its git remote does
                          not say: Argo CD Applications and Flux sources that name it
                          are followed and what they deploy is rendered (docs/gitops.md)
  -f, --values FILE       Helm values file (repeatable)
      --set KEY=VALUE     Helm value (repeatable)
      --release-name NAME Helm release name (default: release)
  -n, --namespace NS      Helm release namespace; with --cluster, the namespace to read
                          (default: the context's namespace, as kubectl)

Live clusters (docs/cluster.md):
      --cluster           scan the cluster of the current kubeconfig context
      --context NAME      kubeconfig context to use
      --kubeconfig FILE   kubeconfig (default: $KUBECONFIG, ~/.kube/config, in-cluster)
  -A, --all-namespaces    read every namespace
      --snapshot FILE     also save what was read (holds Secrets: keep it private)
      --from-snapshot FILE  scan a saved snapshot or kubectl get -A -o json output
      --include-owned     also check Pods/ReplicaSets/Jobs whose owner was read
      --no-color          no colour even on a terminal
      --verify-images     also verify image signatures and attestations against the
                          \`images\` policy of the config (docs/supply-chain-verify.md)

${BASELINE_HELP}
Exit status: 0 nothing at or above --fail-on, 1 findings at or above it (with
a baseline: new findings), 2 usage, input or operational error.
`;

export async function run(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    output: { type: 'string', short: 'o' },
    'output-file': { type: 'string' },
    'fail-on': { type: 'string' },
    config: { type: 'string', short: 'c' },
    'kubernetes-version': { type: 'string' },
    'show-exempted': { type: 'boolean' },
    raw: { type: 'boolean' },
    'allow-empty': { type: 'boolean' },
    'scope-by': { type: 'string' },
    'load-restrictor': { type: 'string' },
    'allow-remote': { type: 'boolean' },
    'repo-url': { type: 'string' },
    values: { type: 'string', short: 'f', multiple: true },
    set: { type: 'string', multiple: true },
    'release-name': { type: 'string' },
    namespace: { type: 'string', short: 'n' },
    cluster: { type: 'boolean' },
    context: { type: 'string' },
    kubeconfig: { type: 'string' },
    'all-namespaces': { type: 'boolean', short: 'A' },
    snapshot: { type: 'string' },
    'from-snapshot': { type: 'string' },
    'include-owned': { type: 'boolean' },
    'no-color': { type: 'boolean' },
    'verify-images': { type: 'boolean' },
    ...BASELINE_OPTIONS,
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    io.stdout(HELP);
    return 0;
  }
  const live = values.cluster || values['from-snapshot'] !== undefined;
  if (live && positionals.length > 0)
    throw new KubeprintError('USAGE', '--cluster and --from-snapshot take no PATH (scan them separately)');
  if (!live && positionals.length === 0) throw new KubeprintError('USAGE', 'no PATH given (kubeprint scan --help)');
  if (live && values['scope-by'] !== undefined)
    throw new KubeprintError('USAGE', '--scope-by groups files; a cluster is one scope');
  if (live && values['allow-empty']) throw new KubeprintError('USAGE', '--allow-empty is for PATHs');
  if (live && values['repo-url'] !== undefined)
    throw new KubeprintError('USAGE', '--repo-url names the repository scanned from PATHs; a cluster has none');
  const gate = baselineSource(values, live, positionals);
  const reporter = reporterFor(values.output ?? 'table');
  const loaded = withKubernetesVersion(
    loadConfig(io.cwd, values.config, { ruleIds: RULE_CATALOGUE.map((r) => r.id) }),
    values['kubernetes-version'],
  );
  const failOnText = values['fail-on'] ?? loaded.config.failOn ?? 'high';
  if (failOnText !== 'none' && !isSeverity(failOnText))
    throw new KubeprintError(
      'USAGE',
      `--fail-on must be critical, high, medium, low, info or none (got "${failOnText}")`,
    );
  const failOn: Threshold = failOnText;
  const verify = values['verify-images'] ? (await import('./images.js')).verifyObjects : undefined;
  const supplement = verify
    ? async (objects: readonly KubeObject[]) => (await verify(objects, {}, io, loaded)).entries
    : undefined;

  const options: ScanOptions | undefined = live
    ? undefined
    : {
        cwd: io.cwd,
        stdin: io.readStdin,
        config: loaded,
        raw: values.raw ?? false,
        scopeBy: choice('--scope-by', values['scope-by'], ['merged', 'directory'] as const, 'merged'),
        kustomize: {
          loadRestrictor: choice(
            '--load-restrictor',
            values['load-restrictor'],
            LOAD_RESTRICTORS,
            'LoadRestrictionsRootOnly',
          ),
          allowRemote: values['allow-remote'] ?? false,
        },
        ...(values['repo-url'] !== undefined ? { gitops: { repoURL: values['repo-url'] } } : {}),
        helm: {
          ...(values['release-name'] ? { releaseName: values['release-name'] } : {}),
          ...(values.namespace ? { namespace: values.namespace } : {}),
          valuesFiles: (values.values ?? []).map((v) => resolve(io.cwd, v)),
          set: values.set ?? [],
        },
        notice: (line) => io.stderr(`kubeprint: ${line}\n`),
        ...(supplement ? { supplement } : {}),
      };
  const scanned = options
    ? await scanPaths(positionals, options)
    : await (await import('./scan-cluster.js')).scanLive(values, io, loaded, supplement);
  // SARIF offers the change of each fixable finding (src/fix), computed against the files as scanned
  const fixes =
    options && values.output === 'sarif'
      ? (await import('../fix/sarif-fixes.js')).findingFixes(scanned, io.cwd)
      : undefined;
  // with a baseline, the findings are the new ones: the report and the exit status count only those
  const result = gate
    ? await (await import('./scan-baseline.js')).againstBaseline(gate, scanned, {
        io,
        paths: positionals,
        options,
        config: loaded,
      })
    : withoutObjects(scanned);
  const color = io.isTTY && !values['no-color'] && !values['output-file'] && io.env.NO_COLOR === undefined;
  const chunks = reporter.chunks(result, {
    rules: verify ? [...RULES, ...(await import('../engines/supplychain/usage.js')).VERIFY_RULE_LIST] : RULES,
    color,
    failOn,
    showExempted: values['show-exempted'] ?? false,
    toolVersion: VERSION,
    ...(fixes ? { fixes } : {}),
  });
  if (values['output-file']) writeReportFile(resolve(io.cwd, values['output-file']), values['output-file'], chunks);
  else writeReportStdout(io, chunks);
  if (!live && result.stats.objects === 0 && !values['allow-empty']) {
    // the report is written (CI keeps its artefact), but a gate that judged nothing does not pass
    io.stderr(`kubeprint scan: ${noObjects(positionals, result.stats.files).message}\n`);
    return 2;
  }
  return result.findings.some((f) => failsAt(f.severity, failOn)) ? 1 : 0;
}

/** The result without the scanned objects, which the report does not need: they are freed before it is written. */
function withoutObjects({ objects: _objects, ...result }: ScanOutput): ScanResult {
  return result;
}

/**
 * Pieces are gathered up to this many characters before each write: few
 * writes, and strings small enough for V8's young generation (larger ones go
 * straight to the old one, and would pile up there until a full collection).
 */
const WRITE_CHUNK = 32 * 1024;

/**
 * The pieces gathered into writes of about WRITE_CHUNK characters. A write
 * never ends between the two halves of a surrogate pair, which are encoded
 * to UTF-8 together.
 */
function* batches(chunks: Iterable<string>): Generator<string> {
  let pending = '';
  for (const c of chunks) {
    pending += c;
    if (pending.length >= WRITE_CHUNK) {
      const code = pending.charCodeAt(pending.length - 1);
      const keep = code >= 0xd800 && code <= 0xdbff ? 1 : 0;
      yield pending.slice(0, pending.length - keep);
      pending = pending.slice(pending.length - keep);
    }
  }
  if (pending !== '') yield pending;
}

/** The report written to FILE piece by piece, never held whole. @throws KubeprintError USAGE when it cannot be written. */
export function writeReportFile(file: string, shown: string, chunks: Iterable<string>): void {
  const fs = <T>(call: () => T): T => {
    try {
      return call();
    } catch (err) {
      throw new KubeprintError('USAGE', `cannot write ${shown}`, { cause: err });
    }
  };
  const fd = fs(() => openSync(file, 'w'));
  try {
    for (const text of batches(chunks)) fs(() => writeAll(fd, text));
  } finally {
    closeSync(fd);
  }
}

function writeAll(fd: number, text: string): void {
  const written = writeSync(fd, text);
  if (written === Buffer.byteLength(text)) return;
  // A short write (a pipe given as the file): the rest from its bytes.
  const bytes = Buffer.from(text, 'utf8');
  for (let off = written; off < bytes.length; ) off += writeSync(fd, bytes, off);
}

/** The report on stdout piece by piece, ending in a newline. */
export function writeReportStdout(io: CliIO, chunks: Iterable<string>): void {
  // The last write is held back to add the newline if the report lacks one.
  let held: string | undefined;
  for (const text of batches(chunks)) {
    if (held !== undefined) io.stdout(held);
    held = text;
  }
  held ??= '';
  io.stdout(held.endsWith('\n') ? held : `${held}\n`);
}

/** The config with `--kubernetes-version` in place of its own `kubernetesVersion`. */
function withKubernetesVersion(loaded: LoadedConfig, version: string | undefined): LoadedConfig {
  if (version === undefined) return loaded;
  parseKubernetesMinor(version); // a usage error when malformed
  return { ...loaded, config: { ...loaded.config, kubernetesVersion: version } };
}
