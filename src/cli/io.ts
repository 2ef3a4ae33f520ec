/** What a command needs from the process; tests pass their own. */
export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /**
   * Reads stdin (for `-`): all of it, or with `maxBytes` at most `maxBytes + 1`
   * bytes (more is over the limit: reading stops there, never buffering the rest).
   */
  readStdin: (maxBytes?: number) => Promise<string | Uint8Array>;
  isTTY: boolean;
  cwd: string;
  env: Record<string, string | undefined>;
}

export type CommandRun = (args: string[], io: CliIO) => Promise<number>;

export interface CommandModule {
  run: CommandRun;
  /** One-line summary for `kubeprint --help`. */
  summary: string;
}

export function processIO(): CliIO {
  const stdout = quietWhenClosed(process.stdout);
  const stderr = quietWhenClosed(process.stderr);
  return {
    stdout,
    stderr,
    readStdin: async (maxBytes?: number) => {
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const c of process.stdin) {
        chunks.push(c as Buffer);
        size += (c as Buffer).length;
        if (maxBytes !== undefined && size > maxBytes) {
          process.stdin.destroy();
          break;
        }
      }
      return Buffer.concat(chunks);
    },
    isTTY: !!process.stdout.isTTY,
    cwd: process.cwd(),
    env: process.env,
  };
}

/**
 * A writer that stops writing, without an error, once the reader has gone
 * (`kubeprint rules -o json | head`: EPIPE). The command still finishes and
 * exits with its own status; other stream errors are thrown as before.
 */
function quietWhenClosed(stream: NodeJS.WriteStream): (text: string) => void {
  let closed = false;
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    closed = true;
  });
  return (text) => {
    if (!closed) stream.write(text);
  };
}
