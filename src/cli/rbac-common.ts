import { KubeprintError } from '../errors.js';
import type { KubeObject } from '../model/kube-object.js';
import type { CliIO } from './io.js';

/** Load objects for an rbac/identities command; input problems go to stderr, the run goes on. */
export async function loadObjects(cmd: string, paths: string[], io: CliIO): Promise<KubeObject[]> {
  if (paths.length === 0) throw new KubeprintError('USAGE', 'give at least one PATH (file, directory or -)');
  const { loadInputs } = await import('../sources/index.js');
  const loaded = await loadInputs(paths, {
    cwd: io.cwd,
    stdin: io.readStdin,
    notice: (l) => io.stderr(`kubeprint ${cmd}: ${l}\n`),
  });
  for (const p of loaded.problems) {
    const at = p.source ? `${p.source.file}${p.source.line ? `:${p.source.line}` : ''}: ` : '';
    io.stderr(`kubeprint ${cmd}: ${at}${p.message}\n`);
  }
  return loaded.objects;
}

/** `--cluster` arrives with the live-cluster source. */
export function rejectCluster(flag: boolean | undefined): void {
  if (flag)
    throw new KubeprintError(
      'USAGE',
      '--cluster is not available yet (it comes with the live-cluster source); pass manifest PATHs instead',
    );
}

/** `file:line` of an object, or `-`. */
export function whereOf(o: KubeObject | undefined, pointer = ''): string {
  if (!o?.source) return o ? '(built-in)' : '-';
  const line = pointer ? o.source.positionOf(pointer).line : o.source.line;
  return `${o.source.file}:${line}`;
}

/** Render rows as aligned columns. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return `${[line(header), ...rows.map(line)].join('\n')}\n`;
}
