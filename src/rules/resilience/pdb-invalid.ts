import { defineRule, type RuleHit } from '../rule.js';
import { isRecord, kindName, shown } from './shared.js';

const INT32_MAX = 2147483647;
/** apimachinery's IsValidPercent. */
const PERCENT = /^[0-9]+%$/;
/** A valid percentage of at most 100% (leading zeros allowed, as strconv.Atoi reads them). */
const AT_MOST_100 = /^0*([0-9]{1,2}|100)%$/;
const POLICIES = ['IfHealthyBudget', 'AlwaysAllow'];

function isSet(v: unknown): boolean {
  return v !== undefined && v !== null;
}

/** Why an IntOrString budget value is rejected by the API server; undefined when valid. */
function budgetProblem(v: unknown): string | undefined {
  if (typeof v === 'number') {
    if (!Number.isInteger(v)) return 'is not an integer (an int32 or a percentage string is expected)';
    if (v < 0) return 'is negative';
    if (v > INT32_MAX) return 'does not fit in an int32';
    return undefined;
  }
  if (typeof v === 'string') {
    if (!PERCENT.test(v))
      return /^-?\d+$/.test(v)
        ? 'is a quoted number: a string must be a percentage such as "50%" (write the number unquoted)'
        : 'is neither an integer nor a percentage such as "50%"';
    if (!AT_MOST_100.test(v)) return 'is more than 100%';
    return undefined;
  }
  return 'is neither an integer nor a percentage string';
}

/** CEL: the field is set (null counts as unset, as the API server decodes it). */
function celSet(f: string): string {
  return `(has(object.spec.${f}) && object.spec.${f} != null)`;
}

/** CEL twin of budgetProblem: true when the value is valid. */
function celValid(f: string): string {
  const v = `object.spec.${f}`;
  return `(!${celSet(f)} || (type(${v}) == int ? (${v} >= 0 && ${v} <= ${INT32_MAX}) : type(${v}) == string && ${v}.matches('${AT_MOST_100.source}')))`;
}

export const rule = defineRule({
  id: 'pdb-invalid',
  title: 'PodDisruptionBudget is invalid',
  category: 'resilience',
  severity: 'high',
  appliesTo: ['PodDisruptionBudget'],
  needs: 'object',
  cel: {
    matchKinds: ['PodDisruptionBudget'],
    validations: [
      {
        expression: `!has(object.spec) || !(${celSet('minAvailable')} && ${celSet('maxUnavailable')})`,
        message: 'minAvailable and maxUnavailable cannot both be set',
      },
      {
        expression: `!has(object.spec) || (${celValid('minAvailable')} && ${celValid('maxUnavailable')})`,
        message: 'minAvailable and maxUnavailable must be a non-negative integer or a percentage from 0% to 100%',
      },
      {
        expression: `!has(object.spec) || !${celSet('unhealthyPodEvictionPolicy')} || object.spec.unhealthyPodEvictionPolicy in ['${POLICIES.join("', '")}']`,
        message: `unhealthyPodEvictionPolicy must be ${POLICIES.join(' or ')}`,
      },
    ],
  },
  description:
    'The API server rejects a PodDisruptionBudget with both minAvailable and maxUnavailable, with a negative or non-integer number, with a string that is not a percentage (digits followed by %: a quoted "2" is rejected too), with a percentage above 100%, or with an unhealthyPodEvictionPolicy other than IfHealthyBudget or AlwaysAllow. The apply fails, and when the budget ships with the workload (one chart, one kustomization) the whole release can fail with it, or the workload runs without the budget someone believes protects it. A budget with neither field is accepted, but the disruption controller then expects no pods and allows no eviction at all: pdb-blocks-eviction reports that case.',
  remediation:
    'Set exactly one of the two fields, to a non-negative integer (`maxUnavailable: 1`) or a percentage string from "0%" to "100%" (`minAvailable: "50%"`); write integers unquoted. Prefer maxUnavailable, which keeps allowing one eviction when the workload scales.',
  references: [
    {
      title: 'Kubernetes: Specifying a Disruption Budget',
      url: 'https://kubernetes.io/docs/tasks/run-application/configure-pdb/#specifying-a-poddisruptionbudget',
    },
    {
      title: 'Kubernetes API: PodDisruptionBudgetSpec',
      url: 'https://kubernetes.io/docs/reference/kubernetes-api/policy-resources/pod-disruption-budget-v1/#PodDisruptionBudgetSpec',
    },
  ],
  check(obj) {
    const spec = obj.raw.spec;
    if (!isRecord(spec)) return undefined;
    const pdb = kindName(obj);
    const hits: RuleHit[] = [];
    if (isSet(spec.minAvailable) && isSet(spec.maxUnavailable))
      hits.push({
        message: `${pdb} sets both minAvailable and maxUnavailable, which the API server rejects: keep one`,
        path: '/spec/maxUnavailable',
      });
    for (const field of ['minAvailable', 'maxUnavailable'] as const) {
      if (!isSet(spec[field])) continue;
      const problem = budgetProblem(spec[field]);
      if (problem)
        hits.push({
          message: `${pdb} has ${field} ${shown(spec[field])}, which ${problem}; the API server rejects it`,
          path: `/spec/${field}`,
        });
    }
    const policy = spec.unhealthyPodEvictionPolicy;
    if (isSet(policy) && !(typeof policy === 'string' && POLICIES.includes(policy)))
      hits.push({
        message: `${pdb} has unhealthyPodEvictionPolicy ${shown(policy)}, which is not ${POLICIES.join(' or ')}; the API server rejects it`,
        path: '/spec/unhealthyPodEvictionPolicy',
      });
    return hits;
  },
});
