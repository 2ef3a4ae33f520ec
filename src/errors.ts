/**
 * Typed errors. Every operational failure carries a stable `code` (tests assert
 * the code, never the text) and keeps its `cause` chain.
 */
export type ErrorCode =
  | 'USAGE'
  | 'PATH_NOT_FOUND'
  | 'READ_FAILED'
  | 'CONFIG_INVALID'
  | 'CONFIG_UNREADABLE'
  | 'RENDER_FAILED'
  | 'UNKNOWN_RULE'
  | 'UNKNOWN_FORMAT'
  | 'INPUT_INVALID'
  | 'CONNECTION_FAILED'
  | 'TIMEOUT'
  | 'INTERNAL';

export class KubeprintError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'KubeprintError';
    this.code = code;
  }
}

/** Exit status for an error that stops a run: usage/input/operational errors are 2. */
export function exitCodeFor(_err: unknown): number {
  return 2;
}

/** One line that says what went wrong, with the causes that add information. */
export function describeError(err: unknown): string {
  const parts: string[] = [];
  let cur: unknown = err;
  for (let depth = 0; cur && depth < 5; depth++) {
    const msg = cur instanceof Error ? cur.message : String(cur);
    if (msg && !parts.some((p) => p.includes(msg))) parts.push(msg);
    cur = cur instanceof Error ? cur.cause : undefined;
  }
  return parts.join(': ').replace(/\s*\n\s*/g, ' ');
}
