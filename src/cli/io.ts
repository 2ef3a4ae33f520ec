/** What a command needs from the process; tests pass their own. */
export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Reads all of stdin (for `-`). */
  readStdin: () => Promise<string>;
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
  return {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    readStdin: async () => {
      const chunks: Buffer[] = [];
      for await (const c of process.stdin) chunks.push(c as Buffer);
      return Buffer.concat(chunks).toString('utf8');
    },
    isTTY: !!process.stdout.isTTY,
    cwd: process.cwd(),
    env: process.env,
  };
}
