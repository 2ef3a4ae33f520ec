/**
 * Cluster snapshots: what `scan --cluster --snapshot FILE` read, saved as JSON,
 * so that `scan --from-snapshot FILE` can analyse it offline later. A snapshot
 * is a `kubectl get -o json`-style List with kubeprint's own kind; the same
 * reader also accepts plain `kubectl get ... -A -o json` output (a List).
 *
 * Snapshots hold Secrets as read (the credential rules need their values), so
 * they are written readable by their owner only.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { KubeprintError } from '../errors.js';
import type { KubeObject } from '../model/kube-object.js';
import { type ClusterReadResult, objectsFromItems, type SkippedKind, withoutOwned } from './cluster.js';

export const SNAPSHOT_API_VERSION = 'kubeprint.dev/v1alpha1';
export const SNAPSHOT_KIND = 'ClusterSnapshot';

export interface ClusterSnapshot {
  apiVersion: typeof SNAPSHOT_API_VERSION;
  kind: typeof SNAPSHOT_KIND;
  metadata: { context: string; server: string; namespace?: string; takenAt: string };
  skipped: SkippedKind[];
  items: Record<string, unknown>[];
}

/** The snapshot of a cluster read. */
export function snapshotOf(read: ClusterReadResult, takenAt: Date = new Date()): ClusterSnapshot {
  return {
    apiVersion: SNAPSHOT_API_VERSION,
    kind: SNAPSHOT_KIND,
    metadata: {
      context: read.contextName,
      server: read.server,
      ...(read.namespace === undefined ? {} : { namespace: read.namespace }),
      takenAt: takenAt.toISOString(),
    },
    skipped: read.skipped,
    items: read.items,
  };
}

/** @throws KubeprintError USAGE when the file cannot be written. */
export function writeSnapshot(file: string, snapshot: ClusterSnapshot): void {
  try {
    writeFileSync(file, `${JSON.stringify(snapshot)}\n`, { mode: 0o600 });
  } catch (err) {
    throw new KubeprintError('USAGE', `cannot write snapshot ${file}`, { cause: err });
  }
}

export interface SnapshotObjects {
  objects: KubeObject[];
  /** The context the snapshot was taken from, or the file name for a kubectl List. */
  scope: string;
  skipped: SkippedKind[];
  owned: number;
}

/**
 * Objects from a snapshot or a `kubectl get -o json` List (nested Lists, as
 * `kubectl get a,b -o json` writes them, are flattened).
 *
 * @throws KubeprintError READ_FAILED when unreadable, INPUT_INVALID when it is neither.
 */
export function readSnapshot(file: string, opts: { includeOwned?: boolean } = {}): SnapshotObjects {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new KubeprintError('READ_FAILED', `cannot read snapshot ${file}`, { cause: err });
  }
  return snapshotObjects(text, file, opts);
}

/** As readSnapshot, from text. */
export function snapshotObjects(text: string, file: string, opts: { includeOwned?: boolean } = {}): SnapshotObjects {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new KubeprintError(
      'INPUT_INVALID',
      `${file}: not JSON (a kubeprint snapshot or kubectl get -o json output)`,
      {
        cause: err,
      },
    );
  }
  if (!doc || typeof doc !== 'object' || Array.isArray(doc))
    throw new KubeprintError('INPUT_INVALID', `${file}: not a kubeprint snapshot or a kubectl List`);
  const d = doc as Record<string, unknown>;
  let scope = file;
  let skipped: SkippedKind[] = [];
  if (d.kind === SNAPSHOT_KIND) {
    const md = d.metadata as { context?: unknown } | undefined;
    if (typeof md?.context === 'string') scope = md.context;
    if (Array.isArray(d.skipped)) skipped = d.skipped as SkippedKind[];
  } else if (typeof d.kind !== 'string' || !d.kind.endsWith('List')) {
    throw new KubeprintError(
      'INPUT_INVALID',
      `${file}: kind ${String(d.kind)} is neither ${SNAPSHOT_KIND} nor a List (kubectl get -A -o json)`,
    );
  }
  const items: Record<string, unknown>[] = [];
  flatten(d.items, items);
  const kept = opts.includeOwned ? items : withoutOwned(items);
  return { objects: objectsFromItems(kept, scope), scope, skipped, owned: items.length - kept.length };
}

function flatten(v: unknown, out: Record<string, unknown>[]): void {
  if (!Array.isArray(v)) return;
  for (const it of v) {
    if (!it || typeof it !== 'object' || Array.isArray(it)) continue;
    const r = it as Record<string, unknown>;
    if (typeof r.kind === 'string' && r.kind.endsWith('List') && Array.isArray(r.items)) flatten(r.items, out);
    else out.push(r);
  }
}
