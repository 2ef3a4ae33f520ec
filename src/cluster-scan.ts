import type { LoadedConfig } from './config/config.js';
import type { Rule } from './rules/rule.js';
import { type ScanOptions, type ScanOutput, scanObjects } from './scan.js';
import { type ClusterReadOptions, type ClusterReadResult, readCluster } from './sources/cluster.js';
import { readSnapshot, snapshotOf, writeSnapshot } from './sources/snapshot.js';

export interface ClusterScanOptions extends ClusterReadOptions {
  config?: LoadedConfig;
  rules?: readonly Rule[];
  now?: Date;
  /** Also save what was read to this file (see `scanSnapshot`). */
  snapshot?: string;
  /** More findings about the objects read (image verification), added before exemptions. */
  supplement?: ScanOptions['supplement'];
}

export interface ClusterScanOutput extends ScanOutput {
  read: Omit<ClusterReadResult, 'objects' | 'items'>;
}

/**
 * Scan a live cluster with the same rules and exemptions as files: the
 * kubeconfig's context (or `context`) is read, then judged as one scope.
 *
 * @example
 * const result = await scanCluster({ context: 'prod', allNamespaces: true });
 * @throws KubeprintError USAGE (no kubeconfig, unknown context), CONNECTION_FAILED, TIMEOUT
 */
export async function scanCluster(opts: ClusterScanOptions): Promise<ClusterScanOutput> {
  const started = performance.now();
  const read = await readCluster(opts);
  if (opts.snapshot) writeSnapshot(opts.snapshot, snapshotOf(read));
  const { objects, items: _items, ...info } = read;
  const extra = opts.supplement ? await opts.supplement(objects) : [];
  const out = scanObjects(objects, { ...opts, extra, started });
  if (read.owned > 0)
    opts.notice?.(
      `${read.owned} objects owned by a controller that was read too (Pods, ReplicaSets, Jobs) are judged through their owner`,
    );
  return { ...out, read: info };
}

/**
 * Scan a snapshot written by `scanCluster({ snapshot })`, or `kubectl get -A -o json` output, offline.
 *
 * @throws KubeprintError READ_FAILED, INPUT_INVALID
 */
export async function scanSnapshot(
  file: string,
  opts: {
    config?: LoadedConfig;
    rules?: readonly Rule[];
    now?: Date;
    includeOwned?: boolean;
    notice?: (line: string) => void;
    supplement?: ScanOptions['supplement'];
  },
): Promise<ScanOutput> {
  const started = performance.now();
  const snap = readSnapshot(file, opts);
  for (const s of snap.skipped)
    opts.notice?.(
      `${s.group ? `${s.kind}.${s.group}` : s.kind}${s.namespace ? ` in namespace ${s.namespace}` : ''} was not read when the snapshot was taken (${s.reason})`,
    );
  const extra = opts.supplement ? await opts.supplement(snap.objects) : [];
  return scanObjects(snap.objects, { ...opts, extra, started });
}
