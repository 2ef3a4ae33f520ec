/**
 * Matching a keyless signer's identity (certificate SAN) or OIDC issuer,
 * exactly or by a regular expression that must match the whole value.
 */
export type IdentityMatcher = { $case: 'exact'; value: string } | { $case: 'regexp'; pattern: string };

/** True when `actual` is present and matches. A regular expression is anchored at both ends. */
export function matchesIdentity(m: IdentityMatcher, actual: string | undefined): boolean {
  if (actual === undefined) return false;
  if (m.$case === 'exact') return actual === m.value;
  try {
    return new RegExp(`^(?:${m.pattern})$`).test(actual);
  } catch {
    return false;
  }
}

/** Why a pattern is not a valid regular expression, or undefined. */
export function regexpProblem(pattern: string): string | undefined {
  try {
    new RegExp(pattern);
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}
