import type { MemberMetrics } from './types.js';

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Samples of a Prometheus text exposition (comments and malformed lines skipped). */
export function parsePrometheusText(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{([^}]*)\})?\s+(\S+)/.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    const raw = m[3]!;
    const value = raw === '+Inf' ? Number.POSITIVE_INFINITY : raw === '-Inf' ? Number.NEGATIVE_INFINITY : Number(raw);
    if (Number.isNaN(value) && raw !== 'NaN') continue;
    out.push({ name: m[1]!, labels, value });
  }
  return out;
}

/**
 * The q-quantile of a cumulative histogram, interpolated linearly within the
 * bucket as PromQL's histogram_quantile does. Undefined without observations.
 */
export function histogramQuantile(q: number, buckets: Array<{ le: number; count: number }>): number | undefined {
  const sorted = [...buckets].sort((a, b) => a.le - b.le);
  const total = sorted.at(-1)?.count ?? 0;
  if (total <= 0) return undefined;
  const rank = q * total;
  let prevLe = 0;
  let prevCount = 0;
  for (const b of sorted) {
    if (b.count >= rank) {
      if (b.le === Number.POSITIVE_INFINITY) return prevLe;
      const inBucket = b.count - prevCount;
      return inBucket <= 0 ? b.le : prevLe + (b.le - prevLe) * ((rank - prevCount) / inBucket);
    }
    prevLe = b.le;
    prevCount = b.count;
  }
  return prevLe;
}

function bucketsOf(samples: Sample[], name: string): Array<{ le: number; count: number }> {
  const out: Array<{ le: number; count: number }> = [];
  for (const s of samples) {
    if (s.name !== `${name}_bucket` || s.labels.le === undefined) continue;
    const le = s.labels.le === '+Inf' ? Number.POSITIVE_INFINITY : Number(s.labels.le);
    if (!Number.isNaN(le)) out.push({ le, count: s.value });
  }
  return out;
}

function single(samples: Sample[], name: string): number | undefined {
  return samples.find((s) => s.name === name)?.value;
}

/** The figures kubeprint judges, from one member's /metrics text. */
export function memberMetricsFrom(text: string): MemberMetrics {
  const samples = parsePrometheusText(text);
  const m: MemberMetrics = {};
  const wal = histogramQuantile(0.99, bucketsOf(samples, 'etcd_disk_wal_fsync_duration_seconds'));
  if (wal !== undefined) m.walFsyncP99Seconds = wal;
  const commit = histogramQuantile(0.99, bucketsOf(samples, 'etcd_disk_backend_commit_duration_seconds'));
  if (commit !== undefined) m.backendCommitP99Seconds = commit;
  const changes = single(samples, 'etcd_server_leader_changes_seen_total');
  if (changes !== undefined) m.leaderChanges = changes;
  const has = single(samples, 'etcd_server_has_leader');
  if (has !== undefined) m.hasLeader = has === 1;
  const quota = single(samples, 'etcd_server_quota_backend_bytes');
  if (quota !== undefined && quota > 0) m.quotaBackendBytes = quota;
  return m;
}
