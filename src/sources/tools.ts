import { execFile } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';

/** Find an executable on PATH. */
export async function which(
  name: string,
  env: Record<string, string | undefined> = process.env,
): Promise<string | undefined> {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const p = join(dir, name);
    try {
      await access(p, constants.X_OK);
      return p;
    } catch {
      // not here
    }
  }
  return undefined;
}

/**
 * Where `npm run example` and `npm test` build the tools they need (helm,
 * kustomize, ...): `$KUBEPRINT_TOOLS_DIR/bin`, by default
 * `~/.cache/kubeprint-tools/bin`.
 */
export function toolsBinDir(env: Record<string, string | undefined> = process.env): string {
  return join(env.KUBEPRINT_TOOLS_DIR ?? join(env.HOME ?? homedir(), '.cache', 'kubeprint-tools'), 'bin');
}

/** Find a rendering tool: on PATH, else where the setup script builds it (toolsBinDir). */
export async function findTool(
  name: string,
  env: Record<string, string | undefined> = process.env,
): Promise<string | undefined> {
  return (await which(name, env)) ?? (await which(name, { PATH: toolsBinDir(env) }));
}

/** `helm is not found on PATH or in ~/.cache/kubeprint-tools/bin ...` (home shown as ~). */
export function notFound(names: string, env: Record<string, string | undefined> = process.env): string {
  const home = env.HOME ?? homedir();
  const dir = toolsBinDir(env);
  const shown = dir.startsWith(`${home}/`) ? `~${dir.slice(home.length)}` : dir;
  return `${names} found on PATH or in ${shown} (where npm run example builds it)`;
}

export interface RunResult {
  ok: boolean;
  stdout: string;
  stderr: string;
  /** Why it failed: exit status, signal, timeout. */
  failure?: string;
}

/** Run a tool with a timeout and a bounded output size; never throws. */
export function runTool(
  file: string,
  args: string[],
  opts: { cwd?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {},
): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(
      file,
      args,
      {
        cwd: opts.cwd,
        timeout: opts.timeoutMs ?? 120_000,
        maxBuffer: 256 * 1024 * 1024,
        encoding: 'utf8',
        ...(opts.env ? { env: opts.env } : {}),
      },
      (err, stdout, stderr) => {
        if (!err) return resolve({ ok: true, stdout, stderr });
        const e = err as NodeJS.ErrnoException & { killed?: boolean; signal?: string; code?: number | string };
        const failure = e.killed
          ? `timed out after ${Math.round((opts.timeoutMs ?? 120_000) / 1000)} s`
          : typeof e.code === 'number'
            ? `exit status ${e.code}`
            : (e.message ?? String(err));
        resolve({ ok: false, stdout: stdout ?? '', stderr: stderr ?? '', failure });
      },
    );
  });
}

/** Lines tools print after an error that say nothing about it. */
const NOISE = /^(Usage:|Flags:|Use "|Use --debug flag|Examples?:)/;

/**
 * Why a tool failed, from its error output, whole (never truncated: shorten
 * with `shortened` after removing any prefix of your own). Reads kubectl's
 * klog lines, single-line (`err="…"`, Go-quoted) and multi-line (`err=<`,
 * tab-indented lines up to ` >`), and `Error: …` lines with what follows
 * them (helm prints multi-line errors so); else the last meaningful line.
 */
export function errorReason(stderr: string): string {
  const lines = stderr.split('\n').map((l) => l.replace(/\r$/, ''));
  let body: string[] | undefined;
  const block = lines.findIndex((l) => /\berr=<\s*$/.test(l));
  if (block >= 0) {
    body = [];
    for (const l of lines.slice(block + 1)) {
      if (/^ >\s*$/.test(l)) break;
      body.push(l.replace(/^\t/, ''));
    }
  } else {
    const quoted = lines.map((l) => /\berr="((?:[^"\\]|\\.)*)"/.exec(l)).find((m) => m);
    if (quoted) body = unquoteGo(quoted[1] as string).split('\n');
  }
  if (!body) {
    const error = lines.findIndex((l) => /^Error:/.test(l.trim()));
    body = error >= 0 ? lines.slice(error) : lines.filter((l) => l.trim()).slice(-1);
  }
  return body
    .map((l) => l.trim())
    .filter((l) => l && !NOISE.test(l))
    .join('\n')
    .replace(/^Error:\s*/, '')
    .replace(/\s*\n\s*/g, ' ');
}

/** The body of a Go double-quoted string (`\n`, `\t`, `\"`, `\\`, `\xNN`, `\uNNNN`). */
function unquoteGo(body: string): string {
  return body.replace(/\\(u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|.)/g, (_m, e: string) => {
    if (e === 'n') return '\n';
    if (e === 't') return '\t';
    if (e === 'r') return '\r';
    if (e.length > 1) return String.fromCharCode(Number.parseInt(e.slice(1), 16));
    return e;
  });
}

/** `text` cut to `max` characters with an ellipsis, for one-line messages. */
export function shortened(text: string, max = 600): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
