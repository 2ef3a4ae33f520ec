import { dirname, sep } from 'node:path';
import { effectiveNamespace } from '../model/inventory.js';
import type { KubeObject } from '../model/kube-object.js';

/**
 * Scopes for plain (not rendered) files. Each directory starts as one scope;
 * a directory's scope merges upward into its parent's, up to `ceiling`, as
 * long as the merged set does not define the same object twice. Two
 * directories that both define `Deployment default/web` are separate
 * environments (`staging/`, `production/` copies) and stay apart, each with
 * everything below it that merged into it; siblings that only complete each
 * other (`deployments/`, `services/`, `app/pdb/`) become one scope.
 *
 * When the files of a directory itself define an object that a
 * subdirectory defines again, the subdirectory stays apart and the directory
 * goes on merging upward.
 *
 * @param dirs every directory that holds plain files (absolute), with the
 *   identities its files define (see `objectIdentity`)
 * @param ceiling the directory no scope merges above (absolute); every entry
 *   of `dirs` is at or under it
 * @returns for each directory of `dirs`, the directory that names its scope:
 *   the deepest directory holding every directory of the merged set
 */
export function plainScopeDirs(dirs: ReadonlyMap<string, ReadonlySet<string>>, ceiling: string): Map<string, string> {
  // the tree of directories from each one up to the ceiling
  const children = new Map<string, Set<string>>();
  for (const d of dirs.keys()) {
    let cur = d;
    while (cur !== ceiling && isUnder(cur, ceiling)) {
      const parent = dirname(cur);
      if (parent === cur) break;
      let set = children.get(parent);
      if (!set) children.set(parent, (set = new Set()));
      if (set.has(cur)) break;
      set.add(cur);
      cur = parent;
    }
  }
  const out = new Map<string, string>();
  const close = (p: Part) => {
    for (const d of p.dirs) out.set(d, p.top);
  };
  const visit = (dir: string): Part | undefined => {
    const own = dirs.get(dir);
    const parts: Part[] = [];
    for (const c of [...(children.get(dir) ?? [])].sort()) {
      const p = visit(c);
      if (p) parts.push(p);
    }
    // an identity defined by more than one candidate marks each child that defines it
    const seen = new Map<string, number>();
    for (const id of own ?? []) seen.set(id, 2);
    for (const p of parts) for (const id of p.ids) seen.set(id, (seen.get(id) ?? 0) + 1);
    const merging: Part[] = [];
    for (const p of parts) {
      if ([...p.ids].some((id) => (seen.get(id) ?? 0) > 1)) close(p);
      else merging.push(p);
    }
    if (!own) {
      if (merging.length <= 1) return merging[0];
      return merged(dir, merging);
    }
    return merged(dir, [{ top: dir, dirs: [dir], ids: own }, ...merging]);
  };
  const top = visit(ceiling);
  if (top) close(top);
  // not under the ceiling (the caller's mistake): a scope of its own, as a directory alone
  for (const d of dirs.keys()) if (!out.has(d)) out.set(d, d);
  return out;
}

interface Part {
  /** The deepest directory that holds every directory of the part. */
  top: string;
  dirs: string[];
  ids: ReadonlySet<string>;
}

function merged(top: string, parts: Part[]): Part {
  const ids = new Set<string>();
  const dirs: string[] = [];
  for (const p of parts) {
    for (const id of p.ids) ids.add(id);
    dirs.push(...p.dirs);
  }
  return { top, dirs, ids };
}

/**
 * What makes two objects the same object for scoping: API group, kind,
 * namespace (`default` when unset) and name. Undefined for objects whose name
 * the API server chooses (`generateName`) or that have none.
 */
export function objectIdentity(o: KubeObject): string | undefined {
  if (o.name === '' || o.name.endsWith('*')) return undefined;
  const slash = o.apiVersion.indexOf('/');
  const group = slash < 0 ? '' : o.apiVersion.slice(0, slash);
  return `${group}|${o.kind}|${effectiveNamespace(o)}|${o.name}`;
}

/** The deepest directory that holds every one of `dirs` (absolute paths). */
export function commonDirectory(dirs: readonly string[]): string | undefined {
  let common: string | undefined;
  for (const d of dirs) {
    if (common === undefined) {
      common = d;
      continue;
    }
    while (!isUnder(d, common)) {
      const up = dirname(common);
      if (up === common) break;
      common = up;
    }
  }
  return common;
}

function isUnder(path: string, dir: string): boolean {
  return path === dir || path.startsWith(dir.endsWith(sep) ? dir : dir + sep);
}
