/**
 * ValidatingAdmissionPolicy generation: one policy and one binding per rule
 * that carries CEL (`rule.cel`), so that the API server enforces those rules
 * itself, with no webhook in its critical path.
 */
import { DEFAULT_CONFIG, type LoadedConfig } from '../config/config.js';
import { EXEMPT_ANNOTATION, EXEMPT_REASON_ANNOTATION } from '../exemptions/index.js';
import { WORKLOAD_VARIABLES } from '../rules/cel.js';
import { activeRules } from '../rules/engine.js';
import { RULES } from '../rules/registry.js';
import type { Rule, RuleCel } from '../rules/rule.js';
import { modeOf, type RuleMode } from './decide.js';
import { webhookRules } from './manifests.js';

export { WORKLOAD_VARIABLES };

/** Kinds a `workloads` policy matches (those with a resource in the webhook's table). */
export const WORKLOAD_KINDS = [
  'Pod',
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'ReplicaSet',
  'ReplicationController',
  'Job',
  'CronJob',
  'PodTemplate',
];

/** The variables a rule's CEL is evaluated with: the workload variables first for workload rules. */
export function celVariables(cel: RuleCel): ReadonlyArray<{ name: string; expression: string }> {
  return [...(cel.matchKinds === 'workloads' ? WORKLOAD_VARIABLES : []), ...(cel.variables ?? [])];
}

/**
 * The same expression over `oldObject`: the identifier `object` and each
 * `variables.NAME` are renamed (outside string literals) to `oldObject` and
 * `variables.old_NAME`.
 */
export function overOldObject(expr: string, variableNames: ReadonlySet<string>): string {
  let out = '';
  let i = 0;
  while (i < expr.length) {
    const ch = expr[i] as string;
    if (ch === "'" || ch === '"') {
      // copy a string literal verbatim
      let j = i + 1;
      while (j < expr.length && expr[j] !== ch) j += expr[j] === '\\' ? 2 : 1;
      out += expr.slice(i, j + 1);
      i = j + 1;
      continue;
    }
    if (/[A-Za-z_]/.test(ch)) {
      let j = i;
      while (j < expr.length && /[A-Za-z0-9_]/.test(expr[j] as string)) j++;
      const word = expr.slice(i, j);
      const afterDot = out.trimEnd().endsWith('.');
      if (!afterDot && word === 'object') out += 'oldObject';
      else if (!afterDot && word === 'variables' && expr[j] === '.') {
        let k = j + 1;
        while (k < expr.length && /[A-Za-z0-9_]/.test(expr[k] as string)) k++;
        const name = expr.slice(j + 1, k);
        out += variableNames.has(name) ? `variables.old_${name}` : `variables.${name}`;
        j = k;
      } else out += word;
      i = j;
      continue;
    }
    out += ch;
    i++;
  }
  return out;
}

/** The variables, and each again over `oldObject` (lazy in Kubernetes: evaluated only on UPDATE). */
function withOldVariables(vars: ReadonlyArray<{ name: string; expression: string }>) {
  const names = new Set(vars.map((v) => v.name));
  return [...vars, ...vars.map((v) => ({ name: `old_${v.name}`, expression: overOldObject(v.expression, names) }))];
}

/**
 * As the webhook, an UPDATE is not denied for a violation `oldObject`
 * already had: the validation holds when the new object passes, or when the
 * old one failed it too.
 */
function onlyWhatChanged(expr: string, vars: ReadonlyArray<{ name: string; expression: string }>): string {
  const old = overOldObject(expr, new Set(vars.map((v) => v.name)));
  return `(${expr}) || (request.operation == 'UPDATE' && oldObject != null && !(${old}))`;
}

const ACTIONS: Record<RuleMode, string> = { enforce: 'Deny', warn: 'Warn', audit: 'Audit' };

/** Annotation exemption as a matchCondition: objects that name the rule (with a reason) are not matched. */
function exemptCondition(ruleId: string): { name: string; expression: string } {
  const a = `object.metadata.annotations['${EXEMPT_ANNOTATION}']`;
  const r = `object.metadata.annotations['${EXEMPT_REASON_ANNOTATION}']`;
  return {
    name: 'not-exempted',
    expression: `!(has(object.metadata.annotations) && '${EXEMPT_ANNOTATION}' in object.metadata.annotations && '${EXEMPT_REASON_ANNOTATION}' in object.metadata.annotations && ${r}.trim() != '' && ${a}.matches('(^|[ ,])(${ruleId}|[*])($|[ ,])'))`,
  };
}

/**
 * Policies and bindings for every active rule with CEL. The binding's action
 * follows the rule's mode (enforce → Deny, warn → Warn, audit → Audit), and
 * it excludes kube-system and kubeprint's own namespace, as the webhook does.
 */
export function validatingAdmissionPolicies(opts: {
  config?: LoadedConfig;
  namespace: string;
  rules?: readonly Rule[];
}): Array<Record<string, unknown>> {
  const config = opts.config ?? DEFAULT_CONFIG;
  const out: Array<Record<string, unknown>> = [];
  const labels = { 'app.kubernetes.io/part-of': 'kubeprint' };
  for (const { rule, severity } of activeRules(opts.rules ?? RULES, config.config)) {
    const cel = rule.cel;
    if (!cel) continue;
    const name = `kubeprint-${rule.id}`;
    const kinds = cel.matchKinds === 'workloads' ? WORKLOAD_KINDS : cel.matchKinds;
    const matchConditions = config.config.annotationExemptions === false ? [] : [exemptCondition(rule.id)];
    out.push({
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicy',
      metadata: { name, labels, annotations: { 'kubeprint.dev/rule': rule.id, 'kubeprint.dev/severity': severity } },
      spec: {
        failurePolicy: 'Fail',
        matchConstraints: {
          resourceRules: webhookRules([{ ...rule, appliesTo: kinds }]),
        },
        ...(matchConditions.length ? { matchConditions } : {}),
        variables: withOldVariables(celVariables(cel)),
        validations: cel.validations.map((v) => ({
          expression: onlyWhatChanged(v.expression, celVariables(cel)),
          message: `[${rule.id}] ${v.message}`,
          reason: 'Forbidden',
        })),
      },
    });
    out.push({
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicyBinding',
      metadata: { name, labels },
      spec: {
        policyName: name,
        validationActions: [ACTIONS[modeOf(rule.id, severity, config)]],
        matchResources: {
          namespaceSelector: {
            matchExpressions: [
              { key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['kube-system', opts.namespace] },
            ],
          },
        },
      },
    });
  }
  return out;
}
