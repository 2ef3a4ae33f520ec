import type { CliIO } from '../src/cli/io.js';
import { main } from '../src/cli/main.js';

export interface Captured {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run the CLI in-process with captured output. */
export async function runCli(args: string[], opts: { stdin?: string; cwd?: string } = {}): Promise<Captured> {
  let stdout = '';
  let stderr = '';
  const io: CliIO = {
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    readStdin: async () => opts.stdin ?? '',
    isTTY: false,
    cwd: opts.cwd ?? process.cwd(),
    env: { PATH: process.env.PATH },
  };
  const code = await main(args, io);
  return { code, stdout, stderr };
}
