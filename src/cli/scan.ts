import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadConfig } from '../config/config.js';
import { KubeprintError } from '../errors.js';
import { failsAt, isSeverity, type Threshold } from '../model/severity.js';
import { reporterFor } from '../report/index.js';
import { RULES } from '../rules/registry.js';
import { scanPaths } from '../scan.js';
import { VERSION } from '../version.js';
import { parseCommandArgs } from './args.js';
import type { CliIO } from './io.js';

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
      --show-exempted     also list exempted findings and why
      --raw               scan every file as it is (no Kustomize/Helm rendering)
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

Exit status: 0 nothing at or above --fail-on, 1 findings at or above it,
2 usage, input or operational error.
`;

export async function run(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    output: { type: 'string', short: 'o' },
    'output-file': { type: 'string' },
    'fail-on': { type: 'string' },
    config: { type: 'string', short: 'c' },
    'show-exempted': { type: 'boolean' },
    raw: { type: 'boolean' },
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
  const reporter = reporterFor(values.output ?? 'table');
  const loaded = loadConfig(io.cwd, values.config);
  const failOnText = values['fail-on'] ?? loaded.config.failOn ?? 'high';
  if (failOnText !== 'none' && !isSeverity(failOnText))
    throw new KubeprintError(
      'USAGE',
      `--fail-on must be critical, high, medium, low, info or none (got "${failOnText}")`,
    );
  const failOn: Threshold = failOnText;
  if (values['verify-images'] && live)
    throw new KubeprintError('USAGE', '--verify-images works on files for now, not with --cluster or --from-snapshot');
  const verify = values['verify-images'] ? (await import('./images.js')).verifyObjects : undefined;

  const result = live
    ? await (await import('./scan-cluster.js')).scanLive(values, io, loaded)
    : await scanPaths(positionals, {
        cwd: io.cwd,
        stdin: io.readStdin,
        config: loaded,
        raw: values.raw ?? false,
        helm: {
          ...(values['release-name'] ? { releaseName: values['release-name'] } : {}),
          ...(values.namespace ? { namespace: values.namespace } : {}),
          valuesFiles: (values.values ?? []).map((v) => resolve(io.cwd, v)),
          set: values.set ?? [],
        },
        notice: (line) => io.stderr(`kubeprint: ${line}\n`),
        ...(verify ? { supplement: async (objects) => (await verify(objects, {}, io, loaded)).entries } : {}),
      });
  const color = io.isTTY && !values['no-color'] && !values['output-file'] && io.env.NO_COLOR === undefined;
  const text = reporter.render(result, {
    rules: verify ? [...RULES, ...(await import('../engines/supplychain/usage.js')).VERIFY_RULE_LIST] : RULES,
    color,
    failOn,
    showExempted: values['show-exempted'] ?? false,
    toolVersion: VERSION,
  });
  if (values['output-file']) {
    try {
      writeFileSync(resolve(io.cwd, values['output-file']), text);
    } catch (err) {
      throw new KubeprintError('USAGE', `cannot write ${values['output-file']}`, { cause: err });
    }
  } else {
    io.stdout(text.endsWith('\n') ? text : `${text}\n`);
  }
  return result.findings.some((f) => failsAt(f.severity, failOn)) ? 1 : 0;
}
