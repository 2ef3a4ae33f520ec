/**
 * Git repository URLs as GitOps controllers compare them. Argo CD lowercases
 * a URL and drops `.git` before comparing (its NormalizeGitURL); a scanned
 * checkout's remote is often the SSH spelling of the HTTPS URL an
 * Application names, so kubeprint also sets the scheme, the user and the
 * default port aside: `git@github.com:org/repo.git`,
 * `ssh://git@github.com/org/repo`, `https://github.com/org/repo/` are one
 * repository, `github.com/org/repo`.
 */

/** The repository a URL names, as `host/path` in lower case; undefined for what is not a repository URL. */
export function repositoryKey(url: unknown): string | undefined {
  if (typeof url !== 'string') return undefined;
  let u = url.trim().toLowerCase();
  if (u === '') return undefined;
  let hostAndPath: string;
  const scheme = /^([a-z][a-z0-9+.-]*):\/\/(.*)$/.exec(u);
  if (scheme) {
    const rest = (scheme[2] as string).replace(/^[^/@]*@/, ''); // user[:password]@
    const slash = rest.indexOf('/');
    const authority = slash < 0 ? rest : rest.slice(0, slash);
    const path = slash < 0 ? '' : rest.slice(slash);
    const host = authority.replace(/:(22|80|443|9418)$/, '');
    hostAndPath = `${host}${path}`;
  } else {
    // scp-like: [user@]host:path (not a Windows drive, not a local path)
    const scp = /^(?:[^@/]+@)?([^:/]+):(?!\/\/)(.+)$/.exec(u);
    if (!scp) return undefined;
    hostAndPath = `${scp[1]}/${(scp[2] as string).replace(/^\/+/, '')}`;
  }
  u = hostAndPath.replace(/[?#].*$/, '').replace(/\/+$/, '');
  if (u.endsWith('.git')) u = u.slice(0, -'.git'.length);
  u = u.replace(/\/+$/, '').replace(/\/{2,}/g, '/');
  return u.includes('/') && !u.startsWith('/') ? u : undefined;
}

/** True when two URLs name the same repository (see repositoryKey). */
export function sameRepository(a: unknown, b: unknown): boolean {
  const ka = repositoryKey(a);
  return ka !== undefined && ka === repositoryKey(b);
}
