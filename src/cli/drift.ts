import { resolve } from 'node:path';
import { KubeprintError } from '../errors.js';
import { failsAt } from '../model/severity.js';
import { LOAD_RESTRICTORS } from '../sources/kustomize.js';
import { choice, parseCommandArgs } from './args.js';
import type { CliIO } from './io.js';
import { noObjects } from './live-source.js';

export const summary = 'Compare manifests (the desired state) with a live cluster: missing, changed and extra objects';

const HELP = `Usage: kubeprint drift PATH... --cluster [--context C] [--kubeconfig F] [options]

The desired state is what \`kubeprint scan PATH\` reads: files, rendered
kustomizations and Helm charts, and what the Argo CD Applications and Flux
Kustomizations/HelmReleases of the repository deploy from it. Each desired
object is normalised by the API server with a server-side dry-run apply
(field manager kubeprint), as \`kubectl diff --server-side\` does, so values
the server fills in are never drift; then compared with its live copy:

  missing  the cluster has no such object
  changed  a field the desired object sets differs in the cluster
  extra    an object the same GitOps owner tracks (Argo CD tracking-id or
           app.kubernetes.io/instance, Flux Kustomization/HelmRelease labels,
           Helm release annotations, or --owner-label) that the desired state lacks

Options:
  -o, --output FORMAT     table (default), json, markdown
      --cluster           compare with the cluster of the current kubeconfig context (required)
      --context NAME      kubeconfig context to use
      --kubeconfig FILE   kubeconfig (default: $KUBECONFIG, ~/.kube/config, in-cluster)
  -n, --namespace NS      namespace of objects that name none (default: the context's, as
                          kubectl); also the Helm release namespace
      --owner-label K=V   the labels that mark the owner's objects (repeatable, all must
                          match); default: the tracking found on the desired objects and
                          their live copies
      --field-manager M   field manager of the dry-run apply (default kubeprint); the
                          manager that applies the objects (kustomize-controller,
                          argocd-controller) also shows fields git no longer sets
      --repo-url URL      the URL of the scanned repository, when its git remote does not
                          say it: Argo CD Applications and Flux objects whose source it
                          is are followed to what they deploy, which is then desired too
      --raw               read every file as it is (no Kustomize/Helm rendering, no following)
  -c, --config FILE       configuration: gitops.repoURL, maxFileBytes, kubernetesVersion (Helm's
                          --kube-version) (default: ./.kubeprint.yaml when present)
  -f, --values FILE       Helm values file (repeatable)
      --set KEY=VALUE     Helm value (repeatable)
      --release-name NAME Helm release name (default: release)
      --load-restrictor R Kustomize file loading (LoadRestrictionsRootOnly, LoadRestrictionsNone)
      --allow-remote      let kustomize fetch remote resources

Exit status: 0 no drift, 1 drift, 2 usage, input or operational error (including
an object the cluster would not let kubeprint read or dry-run apply).
See docs/gitops.md.
`;

export async function run(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    output: { type: 'string', short: 'o' },
    cluster: { type: 'boolean' },
    context: { type: 'string' },
    kubeconfig: { type: 'string' },
    namespace: { type: 'string', short: 'n' },
    'owner-label': { type: 'string', multiple: true },
    'field-manager': { type: 'string' },
    'repo-url': { type: 'string' },
    config: { type: 'string', short: 'c' },
    raw: { type: 'boolean' },
    values: { type: 'string', short: 'f', multiple: true },
    set: { type: 'string', multiple: true },
    'release-name': { type: 'string' },
    'load-restrictor': { type: 'string' },
    'allow-remote': { type: 'boolean' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    io.stdout(HELP);
    return 0;
  }
  const { DRIFT_FORMATS } = await import('../gitops/drift-output.js');
  const format = choice('-o', values.output, [...DRIFT_FORMATS.keys()], 'table');
  if (positionals.length === 0)
    throw new KubeprintError(
      'USAGE',
      'give the PATH of the desired state (file, directory or -) (kubeprint drift --help)',
    );
  if (!values.cluster)
    throw new KubeprintError(
      'USAGE',
      'drift compares PATH with a live cluster: add --cluster (and --context to choose one)',
    );
  if (values['field-manager'] !== undefined && !/^[\w.:/-]{1,128}$/.test(values['field-manager']))
    throw new KubeprintError(
      'USAGE',
      `--field-manager must be a field manager name (got "${values['field-manager']}")`,
    );
  const { parseLabelPairs } = await import('../gitops/drift.js');
  let ownerLabels: Record<string, string> | undefined;
  if (values['owner-label']) {
    const { labels, bad } = parseLabelPairs(values['owner-label']);
    if (bad.length > 0 || Object.keys(labels).length === 0)
      throw new KubeprintError('USAGE', `--owner-label takes KEY=VALUE label pairs (got "${bad[0] ?? ''}")`);
    ownerLabels = labels;
  }

  const say = (line: string) => io.stderr(`kubeprint drift: ${line}\n`);
  const { loadConfig } = await import('../config/config.js');
  const config = loadConfig(io.cwd, values.config).config;
  const repoURL = values['repo-url'] ?? config.gitops?.repoURL;
  const { loadInputs } = await import('../sources/index.js');
  const loaded = await loadInputs(positionals, {
    cwd: io.cwd,
    stdin: io.readStdin,
    raw: values.raw ?? false,
    kustomize: {
      loadRestrictor: choice(
        '--load-restrictor',
        values['load-restrictor'],
        LOAD_RESTRICTORS,
        'LoadRestrictionsRootOnly',
      ),
      allowRemote: values['allow-remote'] ?? false,
    },
    ...(config.maxFileBytes !== undefined ? { maxFileBytes: config.maxFileBytes } : {}),
    helm: {
      ...(config.kubernetesVersion ? { kubeVersion: config.kubernetesVersion.trim() } : {}),
      ...(values['release-name'] ? { releaseName: values['release-name'] } : {}),
      ...(values.namespace ? { namespace: values.namespace } : {}),
      valuesFiles: (values.values ?? []).map((v) => resolve(io.cwd, v)),
      set: values.set ?? [],
    },
    ...(repoURL !== undefined ? { gitops: { repoURL } } : {}),
    notice: say,
  });
  if (loaded.objects.length === 0) throw noObjects(positionals, loaded.files);

  const { driftAgainstCluster } = await import('../gitops/drift-cluster.js');
  const { driftExitCode } = await import('../gitops/drift.js');
  const report = await driftAgainstCluster(loaded.objects, {
    env: io.env,
    notice: say,
    ...(values.context !== undefined ? { context: values.context } : {}),
    ...(values.kubeconfig !== undefined ? { kubeconfig: resolve(io.cwd, values.kubeconfig) } : {}),
    ...(values.namespace !== undefined ? { namespace: values.namespace } : {}),
    ...(values['field-manager'] !== undefined ? { fieldManager: values['field-manager'] } : {}),
    ...(ownerLabels ? { ownerLabels } : {}),
  });
  // a desired state read only in part (invalid YAML, a failed render) is not a desired state to pass
  for (const p of loaded.problems) {
    const at = p.source ? `${p.source.file}${p.source.line ? `:${p.source.line}` : ''}: ` : '';
    if (failsAt(p.severity, 'high'))
      report.problems.push({
        code: 'INPUT',
        message: p.message,
        ...(p.source
          ? { source: { file: p.source.file, line: p.source.line ?? 1, column: p.source.column ?? 1 } }
          : {}),
      });
    else report.notes.push(`${at}${p.message}`);
  }
  const render = DRIFT_FORMATS.get(format);
  if (render) io.stdout(render(report));
  if (report.problems.length > 0)
    say(
      `${report.problems.length} problem${report.problems.length === 1 ? '' : 's'} (listed in the report): the comparison is incomplete`,
    );
  return driftExitCode(report);
}
