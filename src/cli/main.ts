#!/usr/bin/env node
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describeError, exitCodeFor, KubeprintError } from '../errors.js';
import { VERSION } from '../version.js';
import { type CliIO, type CommandModule, processIO } from './io.js';

/** Commands load lazily so that start-up stays small. */
const COMMANDS: Record<string, () => Promise<CommandModule>> = {
  scan: () => import('./scan.js'),
  rules: () => import('./rules.js'),
  explain: () => import('./explain.js'),
  etcd: () => import('./etcd.js'),
  pss: () => import('./pss.js'),
  rbac: () => import('./rbac.js'),
  identities: () => import('./identities.js'),
  netpol: () => import('./netpol.js'),
  sigstore: () => import('./sigstore.js'),
  images: () => import('./images.js'),
  admission: () => import('./admission.js'),
  drift: () => import('./drift.js'),
  fix: () => import('./fix.js'),
};

/** Register a command (used by command files added later; keeps main.ts a plain table). */
export function commandNames(): string[] {
  return Object.keys(COMMANDS);
}

async function usage(io: CliIO): Promise<void> {
  const lines = ['Usage: kubeprint <command> [options]', '', 'Commands:'];
  for (const [name, load] of Object.entries(COMMANDS)) {
    const mod = await load();
    lines.push(`  ${name.padEnd(10)} ${mod.summary}`);
  }
  lines.push('', 'Run `kubeprint <command> --help` for its options.');
  io.stdout(`${lines.join('\n')}\n`);
}

export async function main(argv: string[], io: CliIO): Promise<number> {
  const [cmd, ...rest] = argv;
  if (cmd === undefined || cmd === '--help' || cmd === '-h' || cmd === 'help') {
    await usage(io);
    return cmd === undefined ? 2 : 0;
  }
  if (cmd === '--version' || cmd === 'version') {
    io.stdout(`kubeprint ${VERSION}\n`);
    return 0;
  }
  const load = COMMANDS[cmd];
  if (!load) {
    io.stderr(`kubeprint: unknown command "${cmd}" (commands: ${Object.keys(COMMANDS).join(', ')})\n`);
    return 2;
  }
  try {
    const mod = await load();
    const code = await mod.run(rest, io);
    // input that could not be read (already named on stderr) makes the result incomplete
    if (code < 2 && (await import('./live-source.js')).inputWasIncomplete(io)) return 2;
    return code;
  } catch (err) {
    io.stderr(`kubeprint ${cmd}: ${describeError(err)}\n`);
    if (process.env.KUBEPRINT_DEBUG && err instanceof Error && !(err instanceof KubeprintError)) {
      io.stderr(`${err.stack}\n`);
    }
    return exitCodeFor(err);
  }
}

// Run when executed directly (the bins, or a symlink to them), not when imported by tests.
function invokedDirectly(): boolean {
  const arg = process.argv[1];
  if (!arg) return false;
  try {
    return realpathSync(arg) === fileURLToPath(import.meta.url);
  } catch {
    return false;
  }
}

if (invokedDirectly()) {
  const io = processIO();
  main(process.argv.slice(2), io).then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      io.stderr(`kubeprint: ${describeError(err)}\n`);
      process.exitCode = 2;
    },
  );
}
