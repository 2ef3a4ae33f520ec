/**
 * Which repository is being scanned (the thin I/O edge of following): the
 * git work tree a scanned directory lies in and its `origin` remote, and a
 * URL the user names (`--repo-url`, config `gitops.repoURL`) for a tree with
 * no git metadata (an export, a CI checkout without remotes).
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { runTool, which } from '../sources/tools.js';
import type { ScannedRepository } from './follow.js';
import { repositoryKey } from './repo-url.js';

/** The work tree root and `origin` URL of the git repository a directory is in, when it is in one. */
export async function gitRepositoryOf(dir: string): Promise<{ root: string; origin: string | undefined } | undefined> {
  const git = await which('git');
  if (!git) return undefined;
  const top = await runTool(git, ['-C', dir, 'rev-parse', '--show-toplevel'], { timeoutMs: 10_000 });
  if (!top.ok) return undefined;
  const root = top.stdout.trim();
  if (root === '') return undefined;
  const origin = await runTool(git, ['-C', root, 'remote', 'get-url', 'origin'], { timeoutMs: 10_000 });
  return { root, origin: origin.ok ? origin.stdout.trim() || undefined : undefined };
}

/**
 * The repositories the scan reads. For each scanned directory: its git work
 * tree, named by its `origin` URL; a URL the user gives names that work tree
 * when it is the same repository as `origin`, else the scanned directory
 * itself (taken as the root of the repository the URL names).
 *
 * @throws never: a directory outside git, or git missing, only means no URL is known
 */
export async function scannedRepositories(
  dirs: readonly string[],
  repoURL: string | undefined,
  /** Directories of files given alone: their git work tree counts, but none of them is a repository root. */
  fileDirs: readonly string[] = [],
): Promise<ScannedRepository[]> {
  const out: ScannedRepository[] = [];
  const given = repositoryKey(repoURL);
  for (const dir of [...dirs, ...fileDirs]) {
    const git = await gitRepositoryOf(dir);
    const originKey = repositoryKey(git?.origin);
    if (git && originKey) out.push({ root: git.root, keys: [originKey], bootstrap: hasBootstrapLayout(git.root) });
    if (given && given !== originKey && dirs.includes(dir))
      out.push({ root: dir, keys: [given], bootstrap: hasBootstrapLayout(dir) });
  }
  // one entry per root and URL, the first directory's
  return out.filter((r, i) => out.findIndex((o) => o.root === r.root && o.keys[0] === r.keys[0]) === i);
}

/** `flux bootstrap`'s layout: a `flux-system` directory with gotk-components.yaml or gotk-sync.yaml, a few levels down. */
export function hasBootstrapLayout(root: string, depth = 4): boolean {
  let entries: string[];
  try {
    entries = readdirSync(root);
  } catch {
    return false;
  }
  for (const name of entries) {
    if (name.startsWith('.') || name === 'node_modules') continue;
    const p = join(root, name);
    let isDir = false;
    try {
      isDir = statSync(p).isDirectory();
    } catch {
      continue;
    }
    if (!isDir) continue;
    if (name === 'flux-system') {
      try {
        const files = readdirSync(p);
        if (files.includes('gotk-sync.yaml') || files.includes('gotk-components.yaml')) return true;
      } catch {
        // unreadable: not a layout we can see
      }
    }
    if (depth > 0 && hasBootstrapLayout(p, depth - 1)) return true;
  }
  return false;
}
