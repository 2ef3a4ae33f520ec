import { checkById, evaluateCheck, podInputOfWorkload } from '../../engines/pss/index.js';
import { defineRule, type Reference, type Rule, type RuleCel } from '../rule.js';

export const PSS_DOC = 'https://kubernetes.io/docs/concepts/security/pod-security-standards/';

export interface PssCheckRuleSpec {
  /** Stable rule id (`pss-privileged`). */
  id: string;
  /** The admission controller's check id (`privileged`). */
  check: string;
  title: string;
  description: string;
  remediation: string;
  /** Extra references beyond the Pod Security Standards page. */
  references?: Reference[];
  /** The check in CEL, for ValidatingAdmissionPolicy generation. */
  cel?: RuleCel;
}

/**
 * A scan rule for one Pod Security Standards check, evaluated alone at the
 * `latest` policy version: baseline checks are high, restricted checks medium.
 * The finding points at the first offending field.
 */
export function pssCheckRule(spec: PssCheckRuleSpec): Rule {
  const check = checkById(spec.check);
  if (!check) throw new Error(`no PSS check "${spec.check}"`);
  return defineRule({
    id: spec.id,
    title: spec.title,
    category: 'pod-security',
    severity: check.level === 'baseline' ? 'high' : 'medium',
    appliesTo: 'workloads',
    needs: 'object',
    ...(spec.cel ? { cel: spec.cel } : {}),
    description: `${spec.description} Pod Security Standards, ${check.level} level (check \`${check.id}\` of the Pod Security Admission controller, evaluated at the latest policy version).`,
    remediation: spec.remediation,
    references: [
      { title: `Pod Security Standards: ${check.level}`, url: `${PSS_DOC}#${check.level}` },
      ...(spec.references ?? []),
    ],
    check: (_obj, ctx) => {
      if (!ctx.workload) return undefined;
      const v = evaluateCheck(check, podInputOfWorkload(ctx.workload), 'latest');
      if (!v) return undefined;
      return [{ message: `${v.reason}: ${v.detail}`, path: v.path }];
    },
  });
}
