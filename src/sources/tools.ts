import { execFile } from 'node:child_process';
import { access, constants } from 'node:fs/promises';
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
  opts: { cwd?: string; timeoutMs?: number } = {},
): Promise<RunResult> {
  return new Promise((resolve) => {
    execFile(
      file,
      args,
      { cwd: opts.cwd, timeout: opts.timeoutMs ?? 120_000, maxBuffer: 256 * 1024 * 1024, encoding: 'utf8' },
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

/** The last meaningful line of a tool's error output, trimmed for a one-line message. */
export function lastErrorLine(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !/^(Usage|Flags|Use ")/.test(l));
  let errLine = lines.find((l) => /^Error:|err=|error:/i.test(l)) ?? lines[lines.length - 1] ?? '';
  // klog lines: E1129 06:41:52.085122 25682 run.go:72] "command failed" err="..."
  const klog = /\berr="((?:[^"\\]|\\.)*)"/.exec(errLine);
  if (klog) errLine = (klog[1] as string).replace(/\\"/g, '"');
  errLine = errLine.replace(/^Error:\s*/, '');
  return errLine.length > 400 ? `${errLine.slice(0, 400)}…` : errLine;
}
