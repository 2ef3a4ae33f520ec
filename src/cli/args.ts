import { type ParseArgsConfig, parseArgs } from 'node:util';

type Parsed<O extends Options> = ReturnType<
  typeof parseArgs<{ args: string[]; options: O; allowPositionals: true; strict: true }>
>;

import { KubeprintError } from '../errors.js';

type Options = NonNullable<ParseArgsConfig['options']>;

/**
 * `util.parseArgs` with kubeprint's error convention: unknown or malformed
 * options become a USAGE error (exit 2) with a one-line cause.
 */
export function parseCommandArgs<O extends Options>(args: string[], options: O): Parsed<O> {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw new KubeprintError('USAGE', usageMessage(err));
  }
}

/** parseArgs' errors in kubeprint's words: one line, the option, what to do. */
function usageMessage(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  const code = (err as { code?: unknown } | undefined)?.code;
  const option = /'(-[^']*)'/.exec(text)?.[1];
  switch (code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option ${option ?? text} (--help lists the options; put -- before a path that starts with -)`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return /argument missing/.test(text)
        ? `option ${optionName(text)} needs a value`
        : `option ${optionName(text)} takes no value`;
    case 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL':
      return `unexpected argument ${option ?? text}`;
    default:
      return text.split('\n')[0] ?? text;
  }
}

/** `--output` out of parseArgs' "Option '-o, --output <value>' argument missing". */
function optionName(text: string): string {
  const m = /Option '([^']*)'/.exec(text)?.[1] ?? '';
  return (
    m
      .replace(/ <value>$/, '')
      .split(', ')
      .pop() || m
  );
}

/** Parse a choice flag (`-o json`) against its allowed values. */
export function choice<T extends string>(flag: string, value: string | undefined, allowed: readonly T[], dflt: T): T {
  if (value === undefined) return dflt;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new KubeprintError('USAGE', `${flag} must be one of ${allowed.join(', ')} (got "${value}")`);
}
