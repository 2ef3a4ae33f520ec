import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KubeprintError } from '../errors.js';
import { inCheckout, pathsInCheckout, repositoryRoot, showAsHead, withBaseCheckout } from './worktree.js';

function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], {
    cwd,
    encoding: 'utf8',
  });
}

/** A repository with deploy/a.yaml at two commits: `one` on main~1, `two` on main. */
function repo(): string {
  const dir = realpathSync(mkdtempSync(join(tmpdir(), 'kubeprint-wt-')));
  git(dir, 'init', '-q', '-b', 'main');
  mkdirSync(join(dir, 'deploy'));
  writeFileSync(join(dir, 'deploy', 'a.yaml'), 'one\n');
  git(dir, 'add', '.');
  git(dir, 'commit', '-q', '-m', 'one');
  writeFileSync(join(dir, 'deploy', 'a.yaml'), 'two\n');
  git(dir, 'commit', '-q', '-am', 'two');
  return dir;
}

const env = { PATH: process.env.PATH };

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'none';
  } catch (err) {
    return err instanceof KubeprintError ? err.code : String(err);
  }
}

describe('checkout paths', () => {
  const checkout = { repoRoot: '/r/repo', root: '/tmp/x/base', commit: 'c' };

  it('inCheckout maps repository paths, and nothing outside', () => {
    expect(inCheckout('/r/repo', checkout)).toBe('/tmp/x/base');
    expect(inCheckout('/r/repo/deploy/a.yaml', checkout)).toBe('/tmp/x/base/deploy/a.yaml');
    expect(inCheckout('/r/repository/a.yaml', checkout)).toBeUndefined();
    expect(inCheckout('/r', checkout)).toBeUndefined();
  });

  it('showAsHead shows base paths as the head shows them, relative or absolute', () => {
    const mapped = [
      { given: './deploy', base: '/tmp/x/base/deploy' },
      { given: '/r/repo/charts/web', base: '/tmp/x/base/charts/web' },
      { given: 'gone', base: undefined },
    ];
    const show = showAsHead(mapped, '/r/repo', checkout);
    expect(show('/tmp/x/base/deploy/a.yaml')).toBe('deploy/a.yaml');
    expect(show('/tmp/x/base/deploy')).toBe('./deploy');
    expect(show('/tmp/x/base/charts/web/templates/d.yaml')).toBe('/r/repo/charts/web/templates/d.yaml');
    // a file outside the given paths (a kustomization's base): the repository's, absolute since one path was
    expect(show('/tmp/x/base/shared/base.yaml')).toBe('/r/repo/shared/base.yaml');
    expect(show('-')).toBe('-');
    const relative = showAsHead([{ given: 'deploy', base: '/tmp/x/base/deploy' }], '/r/repo/sub', checkout);
    expect(relative('/tmp/x/base/shared/base.yaml')).toBe('../shared/base.yaml');
    // a sibling whose name starts the same is not under the path
    expect(relative('/tmp/x/base/deploy2/a.yaml')).toBe('../deploy2/a.yaml');
  });
});

describe('git', () => {
  it('finds the repository of a file or directory, and says when there is none', async () => {
    const dir = repo();
    expect(await repositoryRoot(join(dir, 'deploy'), env)).toBe(dir);
    expect(await repositoryRoot(join(dir, 'deploy', 'a.yaml'), env)).toBe(dir);
    const plain = mkdtempSync(join(tmpdir(), 'kubeprint-wt-plain-'));
    expect(await codeOf(repositoryRoot(plain, env))).toBe('USAGE');
    expect(await codeOf(repositoryRoot(dir, { PATH: '/nonexistent' }))).toBe('USAGE');
  });

  it('checks REF out beside the repository, then removes it, also when the scan fails', async () => {
    const dir = repo();
    const seen: string[] = [];
    const text = await withBaseCheckout(dir, 'main~1', env, async (c) => {
      seen.push(c.root);
      expect(c.repoRoot).toBe(dir);
      expect(c.commit).toMatch(/^[0-9a-f]{40}$/);
      const mapped = pathsInCheckout(['deploy', 'missing'], dir, c);
      expect(mapped).toEqual([
        { given: 'deploy', base: join(c.root, 'deploy') },
        { given: 'missing', base: undefined },
      ]);
      expect(() => pathsInCheckout([tmpdir()], dir, c)).toThrow(/outside the repository/);
      return readFileSync(join(c.root, 'deploy', 'a.yaml'), 'utf8');
    });
    expect(text).toBe('one\n');
    expect(existsSync(seen[0] as string)).toBe(false);
    // the head is untouched: its file, its index, its worktree list
    expect(readFileSync(join(dir, 'deploy', 'a.yaml'), 'utf8')).toBe('two\n');
    expect(git(dir, 'status', '--porcelain')).toBe('');
    expect(git(dir, 'worktree', 'list').trim().split('\n')).toHaveLength(1);

    const failing = withBaseCheckout(dir, 'main~1', env, async (c) => {
      seen.push(c.root);
      throw new Error('scan failed');
    });
    await expect(failing).rejects.toThrow('scan failed');
    expect(existsSync(seen[1] as string)).toBe(false);
    expect(existsSync(join(dir, '.git', 'worktrees')) ? readdirSync(join(dir, '.git', 'worktrees')) : []).toEqual([]);
  });

  it('ignores GIT_INDEX_FILE and GIT_DIR from a hook, and runs no post-checkout hook', async () => {
    const dir = repo();
    const hook = join(dir, '.git', 'hooks', 'post-checkout');
    writeFileSync(hook, `#!/bin/sh\ntouch "${join(dir, 'hook-ran')}"\n`, { mode: 0o755 });
    const before = readFileSync(join(dir, '.git', 'index'));
    const hookEnv = { ...env, GIT_INDEX_FILE: join(dir, '.git', 'index'), GIT_DIR: join(dir, 'nowhere') };
    await withBaseCheckout(dir, 'main~1', hookEnv, async (c) => {
      expect(readFileSync(join(c.root, 'deploy', 'a.yaml'), 'utf8')).toBe('one\n');
    });
    expect(readFileSync(join(dir, '.git', 'index'))).toEqual(before);
    expect(existsSync(join(dir, 'hook-ran'))).toBe(false);
  });

  it('refuses a revision that names no commit, or that reads as an option', async () => {
    const dir = repo();
    const use = async () => 'used';
    expect(await codeOf(withBaseCheckout(dir, 'no-such-branch', env, use))).toBe('USAGE');
    expect(await codeOf(withBaseCheckout(dir, '--output=/tmp/x', env, use))).toBe('USAGE');
    expect(await codeOf(withBaseCheckout(dir, 'main:deploy/a.yaml', env, use))).toBe('USAGE');
    expect(await withBaseCheckout(dir, 'HEAD', env, use)).toBe('used');
  });
});
