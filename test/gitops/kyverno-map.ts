/**
 * How a Kyverno policy of the GitOps corpora (`gitops/kyverno/{argo,flux}`)
 * maps to kubeprint: read by test/gitops/kyverno.test.ts.
 *
 * Keys are `policy/rule` (one rule of a policy) or `policy` (every rule of it).
 */

/** A Kyverno policy (rule) with a kubeprint equivalent: a finding of one of `ruleIds` on the resource is Kyverno's `fail`. */
export interface KyvernoEquivalent {
  readonly ruleIds: readonly string[];
  /** A `.kubeprint.yaml` body to scan with, when the kubeprint rule needs configuration (an allowlist, production namespaces). */
  readonly config?: string;
  /** Why the two agree, or where they differ on purpose (not on the corpus's verdicts). */
  readonly note?: string;
}

export interface KyvernoMap {
  readonly equivalents: Readonly<Record<string, KyvernoEquivalent>>;
  /** Policies (or `policy/rule`) with no kubeprint equivalent, and why. */
  readonly noEquivalent: Readonly<Record<string, string>>;
}
