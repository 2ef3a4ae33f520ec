/**
 * ValidatingAdmissionPolicy generation: one policy and one binding per rule
 * that carries CEL (`rule.cel`), so that the API server enforces those rules
 * itself, with no webhook in its critical path.
 */
import { DEFAULT_CONFIG, type Exemption, type LoadedConfig } from '../config/config.js';
import { EXEMPT_ANNOTATION, EXEMPT_REASON_ANNOTATION, today } from '../exemptions/index.js';
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

/** Globs as a CEL condition over `value` (a string expression): any of them matches a non-empty value, as picomatch does. */
function anyGlob(value: string, globs: readonly string[], what: string, notExpressed: string[]): string {
  const terms: string[] = [];
  for (const g of globs) {
    const t = globToRe2(g);
    if (!t) {
      notExpressed.push(
        `${what} glob ${JSON.stringify(g)} has no CEL translation: annotations are not honoured for it`,
      );
      continue;
    }
    terms.push(`${t.negated ? '!' : ''}${value}.matches('${t.re}')`);
  }
  return terms.length === 0 ? 'false' : `(${value} != '' && (${terms.join(' || ')}))`;
}

/**
 * Exemption annotations as a matchCondition, honoured as the webhook honours
 * them (`admissionAnnotationExemption`): not at all unless config
 * `admission.annotationExemptions` lists the rule; then only with a reason,
 * in the namespaces and for the requesters (`request.userInfo`) it lists, and
 * for the annotation value `*` only with `allowWildcard`. A glob CEL cannot
 * express is left out (the policy then honours fewer annotations, never more)
 * and named in `notExpressed`.
 */
export function annotationExemptions(
  ruleId: string,
  config: LoadedConfig,
): { condition: { name: string; expression: string } | undefined; notExpressed: string[] } {
  const a = config.config.admission?.annotationExemptions;
  const notExpressed: string[] = [];
  if (!a || config.config.annotationExemptions === false || !(a.rules.includes('*') || a.rules.includes(ruleId)))
    return { condition: undefined, notExpressed };
  const ann = (k: string) => `object.metadata.annotations['${k}']`;
  const names = a.allowWildcard ? `(${ruleId}|[*])` : `(${ruleId})`;
  const parts = [
    'has(object.metadata.annotations)',
    `'${EXEMPT_ANNOTATION}' in object.metadata.annotations`,
    `'${EXEMPT_REASON_ANNOTATION}' in object.metadata.annotations`,
    `${ann(EXEMPT_REASON_ANNOTATION)}.trim() != ''`,
    `${ann(EXEMPT_ANNOTATION)}.matches('(^|[ ,])${names}($|[ ,])')`,
  ];
  if (a.namespaces) parts.push(anyGlob(CEL_FIELDS.namespace, a.namespaces, 'namespace', notExpressed));
  if (a.users || a.groups) {
    const who: string[] = [];
    if (a.users)
      who.push(
        `(has(request.userInfo.username) && ${anyGlob('request.userInfo.username', a.users, 'user', notExpressed)})`,
      );
    if (a.groups)
      who.push(
        `(has(request.userInfo.groups) && request.userInfo.groups.exists(g, ${anyGlob('g', a.groups, 'group', notExpressed)}))`,
      );
    parts.push(`(${who.join(' || ')})`);
  }
  return { condition: { name: 'not-exempted', expression: `!(${parts.join(' && ')})` }, notExpressed };
}

/**
 * A config-file glob (picomatch, as `scan` matches exemptions) as an RE2
 * expression for CEL's `matches()`, anchored; undefined when the glob uses
 * what is not translated here (negated classes, extglobs, ranges in braces,
 * characters a Kubernetes name, namespace or kind cannot hold).
 * Supported: literals `[A-Za-z0-9._:@-]`, `*`, `**`, `?`, `[abc]`, `[a-z]`,
 * `{a,b}` (nested), and a leading `!` that negates the whole glob.
 */
export function globToRe2(glob: string): { re: string; negated: boolean } | undefined {
  let negated = false;
  let g = glob;
  while (g.startsWith('!') && g[1] !== '(') {
    negated = !negated;
    g = g.slice(1);
  }
  const LITERAL = /[A-Za-z0-9._:@-]/;
  let i = 0;
  // one alternative: up to `stop` (',' or '}' inside braces)
  const seq = (inBraces: boolean): string | undefined => {
    let out = '';
    while (i < g.length) {
      const ch = g[i] as string;
      if (inBraces && (ch === ',' || ch === '}')) return out;
      if (ch === '*') {
        while (g[i] === '*') i++;
        out += '[^/]*';
        continue;
      }
      if (ch === '?') {
        out += '[^/]';
        i++;
        continue;
      }
      if (ch === '[') {
        const end = g.indexOf(']', i + 1);
        const body = end < 0 ? '' : g.slice(i + 1, end);
        // negated classes ([!a], [^a]) are read differently by picomatch versions: not translated
        if (!body || body.startsWith('!') || body.startsWith('^') || ![...body].every((c) => LITERAL.test(c)))
          return undefined;
        out += `[${body}]`;
        i = end + 1;
        continue;
      }
      if (ch === '{') {
        i++;
        const alts: string[] = [];
        for (;;) {
          const alt = seq(true);
          if (alt === undefined || i >= g.length) return undefined;
          alts.push(alt);
          if (g[i] === '}') break;
          i++; // ','
        }
        i++; // '}'
        if (alts.length < 2) return undefined;
        out += `(${alts.join('|')})`;
        continue;
      }
      if (!LITERAL.test(ch)) return undefined;
      out += ch === '.' ? '[.]' : ch;
      i++;
    }
    return inBraces ? undefined : out;
  };
  const re = seq(false);
  return re === undefined || i < g.length ? undefined : { re: `^${re}$`, negated };
}

/** What the admitted object is matched on, as `scan` sees it (name: a generateName gets a trailing `*`). */
const CEL_FIELDS = {
  namespace: "(has(request.namespace) ? request.namespace : '')",
  kind: 'request.kind.kind',
  name: "(has(object.metadata.name) ? object.metadata.name : has(object.metadata.generateName) ? object.metadata.generateName + '*' : '')",
} as const;

export interface ExemptionsInPolicy {
  /** The matchCondition that leaves out what the exemptions cover; undefined when none applies. */
  condition: { name: string; expression: string } | undefined;
  /** Exemptions of the rule written into the condition. */
  expressed: Exemption[];
  /** Exemptions of the rule left out because they have expired (as of `now`). */
  expired: Exemption[];
  /** Exemptions of the rule that CEL here cannot express, with why: the policy does not honour them. */
  notExpressed: Array<{ exemption: Exemption; why: string }>;
}

/**
 * The config file's exemptions for one rule as a matchCondition: an object
 * an unexpired exemption covers (namespace, kind and name globs, as `scan`
 * matches them) is not matched by the policy. Exemptions by image are left
 * out (named in `notExpressed`): they cover findings per container. Expiry is judged at generation
 * time: CEL in a policy has no clock, so regenerate before the earliest
 * `expires` (the policy carries it as an annotation).
 */
export function configExemptions(ruleId: string, config: LoadedConfig, now: Date = new Date()): ExemptionsInPolicy {
  const date = today(now);
  const out: ExemptionsInPolicy = { condition: undefined, expressed: [], expired: [], notExpressed: [] };
  const terms: string[] = [];
  for (const ex of config.config.exemptions ?? []) {
    if (!ex.rules.includes(ruleId) && !ex.rules.includes('*')) continue;
    if (ex.expires < date) {
      out.expired.push(ex);
      continue;
    }
    const parts: string[] = [];
    let why: string | undefined;
    // An exemption by image covers the findings about some containers of an
    // object; a matchCondition can only leave the whole object out.
    if (ex.images)
      why = `images ${JSON.stringify(ex.images)}: exemptions by image are honoured by scan and the webhook, not by policies`;
    for (const field of ['namespace', 'kind', 'name'] as const) {
      if (why) break;
      const g = ex[field];
      if (g === undefined || g === '*') continue;
      const t = globToRe2(g);
      if (!t) {
        why = `${field} glob ${JSON.stringify(g)} has no CEL translation`;
        break;
      }
      // picomatch never matches an empty string (a cluster-scoped object's namespace)
      const v = CEL_FIELDS[field];
      parts.push(`(${v} != '' && ${t.negated ? '!' : ''}${v}.matches('${t.re}'))`);
    }
    if (why) {
      out.notExpressed.push({ exemption: ex, why });
      continue;
    }
    out.expressed.push(ex);
    terms.push(parts.length ? parts.join(' && ') : 'true');
  }
  if (terms.length)
    out.condition = { name: 'not-exempted-by-config', expression: `!(${terms.map((t) => `(${t})`).join(' || ')})` };
  return out;
}

/**
 * Policies and bindings for every active rule with CEL. The binding's action
 * follows the rule's mode (enforce → Deny, warn → Warn, audit → Audit), and
 * it excludes kube-system and kubeprint's own namespace, as the webhook does.
 * Exemptions: the annotations as far as config `admission.annotationExemptions`
 * allows them (a matchCondition; none by default) and the config file's
 * unexpired exemptions that CEL can express (another one); `now` dates the
 * expiry check.
 */
export function validatingAdmissionPolicies(opts: {
  config?: LoadedConfig;
  namespace: string;
  rules?: readonly Rule[];
  now?: Date;
}): Array<Record<string, unknown>> {
  const config = opts.config ?? DEFAULT_CONFIG;
  const out: Array<Record<string, unknown>> = [];
  const labels = { 'app.kubernetes.io/part-of': 'kubeprint' };
  for (const { rule, severity } of activeRules(opts.rules ?? RULES, config.config)) {
    const cel = rule.cel;
    if (!cel) continue;
    const name = `kubeprint-${rule.id}`;
    const kinds = cel.matchKinds === 'workloads' ? WORKLOAD_KINDS : cel.matchKinds;
    const fromConfig = configExemptions(rule.id, config, opts.now);
    const fromAnnotations = annotationExemptions(rule.id, config);
    const matchConditions = [
      ...(fromAnnotations.condition ? [fromAnnotations.condition] : []),
      ...(fromConfig.condition ? [fromConfig.condition] : []),
    ];
    const annotations: Record<string, string> = { 'kubeprint.dev/rule': rule.id, 'kubeprint.dev/severity': severity };
    if (fromConfig.expressed.length > 0)
      annotations['kubeprint.dev/exemptions-valid-until'] = fromConfig.expressed
        .map((e) => e.expires)
        .sort()[0] as string;
    const notHonoured = [
      ...fromConfig.notExpressed.map((n) => `${n.why} (owner ${n.exemption.owner})`),
      ...fromAnnotations.notExpressed,
    ];
    if (notHonoured.length > 0) annotations['kubeprint.dev/exemptions-not-honoured'] = notHonoured.join('; ');
    out.push({
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicy',
      metadata: { name, labels, annotations },
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
