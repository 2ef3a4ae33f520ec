/**
 * Where the rbac, identities and images commands get their objects: manifest
 * PATHs, or the live cluster of a kubeconfig context with `--cluster`.
 */
import { resolve } from 'node:path';
import { KubeprintError } from '../errors.js';
import type { Finding } from '../model/finding.js';
import type { KubeObject } from '../model/kube-object.js';
import type { WantedKind } from '../sources/cluster.js';
import type { CliIO } from './io.js';

/** parseArgs options every command with a `--cluster` source takes. */
export const LIVE_OPTIONS = {
  cluster: { type: 'boolean' },
  context: { type: 'string' },
  kubeconfig: { type: 'string' },
  'allow-empty': { type: 'boolean' },
} as const;

export interface LiveFlags {
  cluster?: boolean | undefined;
  /** With --cluster: read only this namespace (and cluster-scoped kinds), where the command allows it. */
  namespace?: string | undefined;
  context?: string | undefined;
  kubeconfig?: string | undefined;
  /** PATHs that hold no object are fine (otherwise a usage/input error: nothing was judged). */
  'allow-empty'?: boolean | undefined;
}

/** Workload kinds: what runs as a service account or runs an image. */
export const WORKLOAD_KINDS: readonly WantedKind[] = [
  ...['Pod', 'ReplicationController', 'PodTemplate'].map((kind) => ({ group: '', kind })),
  ...['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet'].map((kind) => ({ group: 'apps', kind })),
  ...['Job', 'CronJob'].map((kind) => ({ group: 'batch', kind })),
  { group: 'argoproj.io', kind: 'Rollout' },
];

/**
 * What the RBAC engine and the identity inventory read: RBAC objects, service
 * accounts and their legacy token Secrets, namespaces (Pod Security labels),
 * the workloads that run as each account, SPIRE's ClusterSPIFFEIDs.
 */
export const IDENTITY_KINDS: readonly WantedKind[] = [
  ...['Role', 'RoleBinding', 'ClusterRole', 'ClusterRoleBinding'].map((kind) => ({
    group: 'rbac.authorization.k8s.io',
    kind,
  })),
  ...['ServiceAccount', 'Secret', 'Namespace'].map((kind) => ({ group: '', kind })),
  { group: 'spire.spiffe.io', kind: 'ClusterSPIFFEID' },
  ...WORKLOAD_KINDS,
];

/** What Pod Security evaluation reads: workloads, and namespaces for their enforce labels. */
export const PSS_KINDS: readonly WantedKind[] = [...WORKLOAD_KINDS, { group: '', kind: 'Namespace' }];

/** What the NetworkPolicy engine reads: workloads, namespaces, Services, policies and ingress objects. */
export const NETPOL_KINDS: readonly WantedKind[] = [
  ...WORKLOAD_KINDS,
  ...['Namespace', 'Service'].map((kind) => ({ group: '', kind })),
  ...['NetworkPolicy', 'Ingress'].map((kind) => ({ group: 'networking.k8s.io', kind })),
  ...['AdminNetworkPolicy', 'BaselineAdminNetworkPolicy'].map((kind) => ({ group: 'policy.networking.k8s.io', kind })),
  { group: 'route.openshift.io', kind: 'Route' },
];

/**
 * Objects from PATHs, or from every namespace of the cluster with `--cluster`
 * (the kinds given; objects a controller owns are judged through their owner,
 * as `scan --cluster` does). Input problems and skipped kinds go to stderr, one
 * line each; the run goes on.
 *
 * @throws KubeprintError USAGE (no PATH, PATH with --cluster, --context without
 *   --cluster), CONNECTION_FAILED / TIMEOUT from the cluster reader.
 */
export async function loadObjectsFrom(
  cmd: string,
  paths: string[],
  flags: LiveFlags,
  kinds: readonly WantedKind[],
  io: CliIO,
): Promise<KubeObject[]> {
  return (await loadFrom(cmd, paths, flags, kinds, io)).objects;
}

/** As loadObjectsFrom, with the input problems too (invalid YAML, failed renders: none from a cluster). */
export async function loadFrom(
  cmd: string,
  paths: string[],
  flags: LiveFlags,
  kinds: readonly WantedKind[],
  io: CliIO,
): Promise<{ objects: KubeObject[]; problems: Finding[] }> {
  const say = (line: string) => io.stderr(`kubeprint ${cmd}: ${line}\n`);
  if (!flags.cluster) {
    for (const f of ['context', 'kubeconfig'] as const)
      if (flags[f] !== undefined) throw new KubeprintError('USAGE', `--${f} needs --cluster`);
    if (paths.length === 0)
      throw new KubeprintError('USAGE', 'give at least one PATH (file, directory or -), or --cluster');
    const { loadInputs } = await import('../sources/index.js');
    const loaded = await loadInputs(paths, { cwd: io.cwd, stdin: io.readStdin, notice: say });
    for (const p of loaded.problems) {
      const at = p.source ? `${p.source.file}${p.source.line ? `:${p.source.line}` : ''}: ` : '';
      say(`${at}${p.message}`);
    }
    if (loaded.objects.length === 0 && !flags['allow-empty']) throw noObjects(paths, loaded.files);
    if (loaded.problems.some((p) => p.severity === 'high' || p.severity === 'critical')) incomplete.add(io);
    return { objects: loaded.objects, problems: loaded.problems };
  }
  if (paths.length > 0)
    throw new KubeprintError('USAGE', `--cluster takes no PATH (got ${paths.join(' ')}); run the two separately`);
  const { readCluster } = await import('../sources/cluster.js');
  const read = await readCluster({
    ...(flags.namespace !== undefined ? { namespace: flags.namespace } : { allNamespaces: true }),
    kinds,
    env: io.env,
    notice: say,
    ...(flags.context !== undefined ? { context: flags.context } : {}),
    ...(flags.kubeconfig !== undefined ? { kubeconfig: resolve(io.cwd, flags.kubeconfig) } : {}),
  });
  return { objects: read.objects, problems: [] };
}

/** Runs whose result leaves out input that could not be read (invalid YAML, a failed render, a skipped file). */
const incomplete = new WeakSet<CliIO>();

/**
 * Whether a command's input was incomplete: the one rule for every command
 * that reads manifests (pss, netpol, rbac, identities, images) is that it
 * prints its result for what it could read, names each problem on stderr, and
 * then exits 2, so that a gate never passes on input it did not judge.
 * (`scan` reports such input as high findings instead.)
 */
export function inputWasIncomplete(io: CliIO): boolean {
  return incomplete.has(io);
}

/** The error of a run over PATHs that held no Kubernetes object: a gate that judged nothing must not pass. */
export function noObjects(paths: readonly string[], files: number): KubeprintError {
  return new KubeprintError(
    'INPUT_INVALID',
    `no Kubernetes object in ${paths.join(' ')} (${files} file${files === 1 ? '' : 's'} read): nothing was judged; pass --allow-empty if an empty input is expected`,
  );
}
