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

/** A CliIO that records what a command writes (`out`, `err`), for tests that call `main` themselves. */
export function captureIO(cwd = process.cwd()): CliIO & { out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  return {
    out,
    err,
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    readStdin: async () => '',
    isTTY: false,
    cwd,
    env: {},
  };
}
