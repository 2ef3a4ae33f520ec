import { join } from 'node:path';
import type { Files, Tree } from './plan.js';

/** A tree's files by relative POSIX path, whether it is the repository on disk or an assembled artifact. */
export interface TreeView {
  readonly tree: Tree;
  isFile(rel: string): boolean;
  isDir(rel: string): boolean;
  read(rel: string): string | undefined;
  /** Entry names directly under a directory, sorted. */
  list(rel: string): string[];
  /** The file on disk behind a tree path (for an artifact: the repository file copied there). */
  realPath(rel: string): string | undefined;
  /** Every file below a directory, as tree paths, sorted. */
  filesUnder(rel: string): string[];
}

export function treeView(tree: Tree, files: Files): TreeView {
  if (tree.$case === 'repo') {
    const abs = (rel: string) => (rel === '' ? tree.root : join(tree.root, rel));
    const view: TreeView = {
      tree,
      isFile: (rel) => files.isFile(abs(rel)),
      isDir: (rel) => files.isDir(abs(rel)),
      read: (rel) => files.read(abs(rel)),
      list: (rel) => files.list(abs(rel)),
      realPath: (rel) => abs(rel),
      filesUnder: (rel) => {
        const out: string[] = [];
        const walk = (d: string, depth: number) => {
          if (depth > 64) return;
          for (const name of files.list(abs(d))) {
            if (name === '.git') continue;
            const p = d === '' ? name : `${d}/${name}`;
            if (files.isDir(abs(p))) walk(p, depth + 1);
            else out.push(p);
          }
        };
        walk(rel, 0);
        return out.sort();
      },
    };
    return view;
  }
  const map = tree.files;
  const under = (rel: string) => (rel === '' ? '' : `${rel}/`);
  return {
    tree,
    isFile: (rel) => map.has(rel),
    isDir: (rel) => rel === '' || [...map.keys()].some((k) => k.startsWith(under(rel))),
    read: (rel) => {
      const real = map.get(rel);
      return real === undefined ? undefined : files.read(real);
    },
    list: (rel) => {
      const names = new Set<string>();
      const prefix = under(rel);
      for (const k of map.keys()) if (k.startsWith(prefix)) names.add(k.slice(prefix.length).split('/')[0] as string);
      return [...names].sort();
    },
    realPath: (rel) => {
      const file = map.get(rel);
      if (file !== undefined) return file;
      // a directory: the repository directory its files were copied from, when they all came from one
      let real: string | undefined;
      for (const [k, r] of map) {
        if (!k.startsWith(under(rel))) continue;
        const tail = k.slice(under(rel).length);
        if (!r.endsWith(`/${tail}`)) return undefined;
        const dir = r.slice(0, r.length - tail.length - 1);
        if (real !== undefined && real !== dir) return undefined;
        real = dir;
      }
      return real;
    },
    filesUnder: (rel) => [...map.keys()].filter((k) => k.startsWith(under(rel))).sort(),
  };
}
