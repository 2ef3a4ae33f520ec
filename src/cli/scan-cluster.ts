/**
 * The `--cluster` and `--from-snapshot` halves of `kubeprint scan` (loaded
 * only when asked for, so that scanning files starts fast).
 */
import { resolve } from 'node:path';
import { scanCluster, scanSnapshot } from '../cluster-scan.js';
import type { LoadedConfig } from '../config/config.js';
import { KubeprintError } from '../errors.js';
import type { ScanOptions, ScanOutput } from '../scan.js';
import type { CliIO } from './io.js';

export interface LiveScanFlags {
  cluster?: boolean;
  context?: string;
  kubeconfig?: string;
  namespace?: string;
  'all-namespaces'?: boolean;
  snapshot?: string;
  'from-snapshot'?: string;
  'include-owned'?: boolean;
}

export async function scanLive(
  flags: LiveScanFlags,
  io: CliIO,
  config: LoadedConfig,
  supplement?: ScanOptions['supplement'],
): Promise<ScanOutput> {
  const notice = (line: string) => io.stderr(`kubeprint: ${line}\n`);
  const includeOwned = flags['include-owned'] ?? false;
  if (flags['from-snapshot'] !== undefined) {
    if (flags.cluster) throw new KubeprintError('USAGE', '--cluster and --from-snapshot cannot be used together');
    for (const f of ['context', 'kubeconfig', 'snapshot', 'all-namespaces'] as const)
      if (flags[f] !== undefined) throw new KubeprintError('USAGE', `--${f} needs --cluster`);
    return scanSnapshot(resolve(io.cwd, flags['from-snapshot']), {
      config,
      includeOwned,
      notice,
      ...(supplement ? { supplement } : {}),
    });
  }
  if (flags['all-namespaces'] && flags.namespace !== undefined)
    throw new KubeprintError('USAGE', '-n/--namespace and -A/--all-namespaces cannot be used together');
  let shown = false;
  const progress = io.isTTY
    ? (p: { kindsDone: number; kinds: number; objects: number }) => {
        shown = true;
        io.stderr(`\rkubeprint: reading the cluster: ${p.kindsDone}/${p.kinds} kinds, ${p.objects} objects\u001b[K`);
      }
    : undefined;
  try {
    return await scanCluster({
      config,
      ...(supplement ? { supplement } : {}),
      includeOwned,
      allNamespaces: flags['all-namespaces'] ?? false,
      ...(flags.namespace !== undefined ? { namespace: flags.namespace } : {}),
      ...(flags.context !== undefined ? { context: flags.context } : {}),
      ...(flags.kubeconfig !== undefined ? { kubeconfig: resolve(io.cwd, flags.kubeconfig) } : {}),
      ...(flags.snapshot !== undefined ? { snapshot: resolve(io.cwd, flags.snapshot) } : {}),
      env: io.env,
      notice: (line) => {
        if (shown) io.stderr('\r\u001b[K');
        shown = false;
        notice(line);
      },
      ...(progress ? { progress } : {}),
    });
  } finally {
    if (shown) io.stderr('\r\u001b[K');
  }
}
