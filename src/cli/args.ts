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
    throw new KubeprintError('USAGE', err instanceof Error ? err.message : String(err));
  }
}

/** Parse a choice flag (`-o json`) against its allowed values. */
export function choice<T extends string>(flag: string, value: string | undefined, allowed: readonly T[], dflt: T): T {
  if (value === undefined) return dflt;
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new KubeprintError('USAGE', `${flag} must be one of ${allowed.join(', ')} (got "${value}")`);
}
