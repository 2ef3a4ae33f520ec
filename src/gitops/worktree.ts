/**
 * The git adapter of the PR gate: the repository a path lies in, and a
 * checkout of another revision of it in a temporary `git worktree`, removed
 * after use. All I/O of `--baseline-ref` is here; what it scans is decided by
 * the caller.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, realpathSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { KubeprintError } from '../errors.js';

export type Env = Record<string, string | undefined>;

/** A checkout of the base revision. */
export interface BaseCheckout {
  /** The repository's root as git reports it (real path). */
  repoRoot: string;
  /** The checkout's root, the base revision's files (real path). */
  root: string;
  /** The full commit id REF resolved to. */
  commit: string;
}

/** Output of git is bounded: rev-parse prints a line; worktree prints little. */
const MAX_OUTPUT = 1024 * 1024;
/** A checkout of a large repository on a slow disk takes long; a hung git does not hold CI forever. */
const TIMEOUT_MS = 300_000;

/**
 * The environment git runs with: the caller's, without the variables that
 * point git at another repository or index (set inside git hooks: a worktree
 * added with the hook's GIT_INDEX_FILE would overwrite the user's index).
 */
function gitEnv(env: Env): Env {
  const out: Env = { ...env };
  for (const k of ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE', 'GIT_PREFIX', 'GIT_COMMON_DIR']) delete out[k];
  return out;
}

/** Runs git; resolves its stdout, or rejects with a KubeprintError whose message is git's own. */
function git(args: string[], cwd: string, env: Env, what: string): Promise<string> {
  return new Promise((done, fail) => {
    execFile(
      'git',
      args,
      { cwd, env: gitEnv(env), maxBuffer: MAX_OUTPUT, timeout: TIMEOUT_MS, encoding: 'utf8' },
      (err, stdout, stderr) => {
        if (!err) return done(stdout);
        const code = (err as NodeJS.ErrnoException).code;
        if (code === 'ENOENT')
          return fail(
            new KubeprintError('USAGE', `${what}: git is not on PATH (--baseline-ref needs it)`, { cause: err }),
          );
        const said = stderr.trim().split('\n').filter(Boolean).pop() ?? err.message;
        fail(new KubeprintError('READ_FAILED', `${what}: ${said}`, { cause: err }));
      },
    );
  });
}

/**
 * The root of the git repository `path` lies in (a file's directory, or the directory).
 * @throws KubeprintError USAGE when it is not in a git repository.
 */
export async function repositoryRoot(path: string, env: Env): Promise<string> {
  const dir = existsSync(path) && !isDirectory(path) ? dirname(path) : path;
  try {
    return realpathSync((await git(['rev-parse', '--show-toplevel'], dir, env, dir)).trim());
  } catch (err) {
    if (err instanceof KubeprintError && err.code === 'READ_FAILED')
      throw new KubeprintError('USAGE', `--baseline-ref: ${path} is not in a git repository`, { cause: err });
    throw err;
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * The commit REF names in the repository.
 * @throws KubeprintError USAGE when it names none (a shallow clone lacks the base: fetch it).
 */
export async function resolveCommit(repoRoot: string, ref: string, env: Env): Promise<string> {
  if (ref === '' || ref.startsWith('-'))
    throw new KubeprintError('USAGE', `--baseline-ref: "${ref}" is not a revision`);
  try {
    return (
      await git(['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`], repoRoot, env, ref)
    ).trim();
  } catch (err) {
    throw new KubeprintError(
      'USAGE',
      `--baseline-ref: ${ref} names no commit in ${repoRoot} (in a shallow clone, fetch it first: git fetch --depth=1 origin ${ref})`,
      { cause: err },
    );
  }
}

/**
 * Calls `use` with a checkout of REF in a detached worktree in a new
 * temporary directory (git hooks off: checking out must not run the
 * repository's post-checkout hook), and removes the worktree and the
 * directory afterwards, whether `use` succeeds or fails. A removal that
 * fails is told through `notice`, never thrown over `use`'s outcome.
 *
 * @throws KubeprintError USAGE (not a repository, no such revision, no git),
 *   READ_FAILED (the checkout failed).
 */
export async function withBaseCheckout<T>(
  repoRoot: string,
  ref: string,
  env: Env,
  use: (checkout: BaseCheckout) => Promise<T>,
  notice: (line: string) => void = () => {},
): Promise<T> {
  const commit = await resolveCommit(repoRoot, ref, env);
  const tmp = realpathSync(mkdtempSync(join(tmpdir(), 'kubeprint-base-')));
  const root = join(tmp, 'base');
  let added = false;
  try {
    await git(
      ['-c', 'core.hooksPath=/dev/null', 'worktree', 'add', '--detach', '--quiet', root, commit],
      repoRoot,
      env,
      `cannot check out ${ref}`,
    );
    added = true;
    return await use({ repoRoot, root, commit });
  } finally {
    if (added)
      await git(['worktree', 'remove', '--force', root], repoRoot, env, `cannot remove the worktree ${root}`).catch(
        (err: Error) => notice(err.message),
      );
    rmSync(tmp, { recursive: true, force: true });
    // a worktree whose directory is gone is pruned: .git/worktrees keeps no trace of the run
    if (added) await git(['worktree', 'prune'], repoRoot, env, 'git worktree prune').catch(() => {});
  }
}

/** Where a path of the head lies in the checkout, and how the scan of the head shows it. */
export interface MappedPath {
  /** As given on the command line (the head scan shows files under it). */
  given: string;
  /** The same path in the checkout (absolute); undefined when the repository has no such path there. */
  base: string | undefined;
}

/**
 * The checkout's copy of each path given for the head (relative to the
 * working directory `cwd`). Paths outside the repository are a usage error:
 * the base revision has no copy of them.
 *
 * @throws KubeprintError USAGE for stdin or a path outside the repository.
 */
export function pathsInCheckout(given: readonly string[], cwd: string, checkout: BaseCheckout): MappedPath[] {
  return given.map((g) => {
    const inBase = inCheckout(resolve(cwd, g), checkout);
    if (inBase === undefined)
      throw new KubeprintError(
        'USAGE',
        `--baseline-ref: ${g} is outside the repository ${checkout.repoRoot}; scan paths of one repository`,
      );
    return { given: g, base: existsSync(inBase) ? inBase : undefined };
  });
}

/** The checkout's path for an absolute path of the repository; undefined outside it. */
export function inCheckout(abs: string, checkout: Pick<BaseCheckout, 'repoRoot' | 'root'>): string | undefined {
  const rel = relative(checkout.repoRoot, realOrDeepest(abs));
  if (rel.startsWith(`..${sep}`) || rel === '..' || isAbsolute(rel)) return undefined;
  return rel === '' ? checkout.root : join(checkout.root, rel);
}

/**
 * The real path of `abs`, or, when it does not exist (a path the change
 * deleted), the real path of its deepest existing ancestor with the rest appended.
 */
function realOrDeepest(abs: string): string {
  let head = abs;
  const tail: string[] = [];
  for (;;) {
    try {
      return join(realpathSync(head), ...tail);
    } catch {
      const up = dirname(head);
      if (up === head) return abs;
      tail.unshift(head.slice(up.length).replace(/^[\\/]+/, ''));
      head = up;
    }
  }
}

/**
 * A function that shows a path of the base scan the way the head scan shows
 * the same path: a file under a mapped path as under its given form, any
 * other path in the checkout as the repository's own (relative to `cwd` when
 * the head's paths were relative).
 */
export function showAsHead(
  mapped: readonly MappedPath[],
  cwd: string,
  checkout: Pick<BaseCheckout, 'repoRoot' | 'root'>,
): (path: string) => string {
  const bases = mapped
    .filter((m): m is MappedPath & { base: string } => m.base !== undefined)
    .sort((a, b) => b.base.length - a.base.length);
  const relativeNames = mapped.every((m) => !isAbsolute(m.given));
  return (path) => {
    for (const m of bases) {
      if (path === m.base) return m.given;
      if (path.startsWith(`${m.base}${sep}`)) return join(m.given, path.slice(m.base.length + 1));
    }
    if (path === checkout.root || path.startsWith(`${checkout.root}${sep}`)) {
      const inRepo = join(checkout.repoRoot, path.slice(checkout.root.length));
      return relativeNames ? relative(cwd, inRepo) || '.' : inRepo;
    }
    return path;
  };
}
