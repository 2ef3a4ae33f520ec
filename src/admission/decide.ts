/**
 * The admission decision: an AdmissionRequest in, allowed/denied with a
 * message and warnings out. Pure: the same rules and exemptions as `scan`,
 * with per-rule modes on top, within a per-review budget (containers, JSON
 * values, time). Judging is a generator that stops between rules, so that
 * the server can hand the event loop to other reviews while a large one is
 * judged, and stop one that runs out of time.
 */
import { DEFAULT_CONFIG, type LoadedConfig } from '../config/config.js';
import { imageUsage, verdictFindings } from '../engines/supplychain/usage.js';
import { admissionAnnotationExemption, applyExemptions } from '../exemptions/index.js';
import type { Finding } from '../model/finding.js';
import { Inventory } from '../model/inventory.js';
import { type KubeObject, type ObjectRef, objectRef, toKubeObject } from '../model/kube-object.js';
import type { Severity } from '../model/severity.js';
import { WORKLOAD_KINDS, workloadOf } from '../model/workload.js';
import { activeRules, type FindingParts, type RuleRunEntry, sortFindings, toFinding } from '../rules/engine.js';
import { RULES } from '../rules/registry.js';
import type { Rule, RuleContext, RuleHit } from '../rules/rule.js';
import type { AdmissionRequest, AdmissionResponse } from './review.js';

export type RuleMode = 'enforce' | 'warn' | 'audit';
export const RULE_MODES: readonly RuleMode[] = ['enforce', 'warn', 'audit'];

/**
 * Which webhook path asked: `enforce` (`/validate`, failurePolicy Fail) judges
 * enforce-mode rules only; `advisory` (`/validate/advisory`, failurePolicy
 * Ignore) judges warn and audit rules and never denies; `all` does both.
 */
export type WebhookPath = 'enforce' | 'advisory' | 'all';

/** Subresources are never judged: a status or scale update does not change what runs. */
export const SCOPE = 'admission';

export interface AdmissionPolicy {
  config: LoadedConfig;
  /** Rules that run on every request. */
  rules: readonly Rule[];
  /** Rules left off, with why (reported once at start-up). */
  skipped: Array<{ id: string; why: 'cluster-state' | 'configuration' }>;
  /** Objects a scope rule may look at beside the admitted one (a cluster cache); absent without cluster access. */
  neighbours?: (obj: KubeObject) => readonly KubeObject[];
  /** Image signature and attestation findings for a workload (the config's `images` policy); absent without one. */
  images?: ImageCheck;
}

/** Findings of image verification about one object's images (see `imageChecker`). */
export type ImageCheck = (obj: KubeObject) => Promise<ImageEntries>;
export type ImageEntries = ReadonlyArray<{ finding: Finding; object: KubeObject | undefined }>;

/**
 * The rule set the webhook runs. Without cluster state, rules that judge an
 * object against others (`needs: 'scope'`) cannot be right and are left off;
 * rules that need configuration run only when a config file was given.
 */
export function admissionPolicy(opts: {
  config?: LoadedConfig;
  rules?: readonly Rule[];
  clusterState?: boolean;
  neighbours?: (obj: KubeObject) => readonly KubeObject[];
  images?: ImageCheck;
}): AdmissionPolicy {
  const config = opts.config ?? DEFAULT_CONFIG;
  const rules: Rule[] = [];
  const skipped: AdmissionPolicy['skipped'] = [];
  for (const { rule } of activeRules(opts.rules ?? RULES, config.config)) {
    // rules about files (invalid YAML, skipped files) apply to no kind
    if (Array.isArray(rule.appliesTo) && rule.appliesTo.length === 0) continue;
    if (rule.needs === 'scope' && !opts.clusterState) skipped.push({ id: rule.id, why: 'cluster-state' });
    else if (rule.needsConfig && config.file === undefined) skipped.push({ id: rule.id, why: 'configuration' });
    else rules.push(rule);
  }
  const policy: AdmissionPolicy = { config, rules, skipped };
  if (opts.neighbours) policy.neighbours = opts.neighbours;
  if (opts.images) policy.images = opts.images;
  return policy;
}

/** A rule's mode: from config, else by severity (critical/high enforce, medium warn, low/info audit). */
export function modeOf(ruleId: string, severity: Severity, config: LoadedConfig): RuleMode {
  const set = config.config.rules?.[ruleId]?.mode;
  if (set) return set;
  if (severity === 'critical' || severity === 'high') return 'enforce';
  if (severity === 'medium') return 'warn';
  return 'audit';
}

/** One rule's verdict on the admitted object, as logged. */
export interface RuleVerdict {
  ruleId: string;
  severity: Severity;
  mode: RuleMode;
  message: string;
  path?: string;
  /** The exemption's reason when one matched (the verdict then has no effect). */
  exempted?: string;
  /** On UPDATE: the violation was already in oldObject, so it only warns. */
  preexisting?: boolean;
  /** An exemption annotation names the rule but is not honoured at admission: why. */
  annotationRefused?: string;
}

/** Why a review was not judged, and the decision the failure policy gave it. */
export interface OverBudget {
  /** `containers`, `values` or `time`. */
  limit: 'containers' | 'values' | 'time';
  /** What the review had (containers, JSON values) or took (ms), at least. */
  actual: number;
  /** The budget it went over. */
  max: number;
  failurePolicy: FailurePolicy;
}

export type FailurePolicy = 'Fail' | 'Ignore';

export interface Decision {
  response: AdmissionResponse;
  object: ObjectRef | undefined;
  /** Why no rule was run (subresource, DELETE), when none was. */
  ignored?: string;
  /** Set when the review went over its budget and the failure policy decided. */
  overBudget?: OverBudget;
  verdicts: RuleVerdict[];
}

/** What one review may cost (config `admission.budget`). */
export interface Budget {
  /** Containers (init, regular, ephemeral) of the reviewed object. */
  maxContainers: number;
  /** JSON values (objects, arrays, scalars) of object and oldObject together. */
  maxValues: number;
  /** Time to judge, within the request's deadline. */
  timeMs: number;
}

/**
 * Defaults: pods have a handful of containers (100 leaves room for any real
 * one; judging 100 costs about 50 ms); a Deployment is a few hundred JSON
 * values and a ConfigMap at the API server's 1 MiB limit tens of thousands;
 * 1 s is hundreds of times what a review takes and stays below the shortest
 * webhook timeout kubeprint registers (3 s).
 */
export const DEFAULT_BUDGET: Budget = { maxContainers: 100, maxValues: 200_000, timeMs: 1000 };

/** Violations listed in a denial and in log entries; the rest are counted (config `admission.maxViolationsReported`). */
export const DEFAULT_MAX_VIOLATIONS = 20;

export function budgetOf(config: LoadedConfig): Budget {
  const b = config.config.admission?.budget;
  return {
    maxContainers: b?.maxContainers ?? DEFAULT_BUDGET.maxContainers,
    maxValues: b?.maxValues ?? DEFAULT_BUDGET.maxValues,
    timeMs: b?.timeMs ?? DEFAULT_BUDGET.timeMs,
  };
}

/**
 * The failure policy a path is registered with (`admission manifests`):
 * `/validate` Fail, `/validate/advisory` Ignore; `/validate/all` from config
 * `admission.failurePolicy` (default Fail).
 */
export function failurePolicyOf(path: WebhookPath, config: LoadedConfig): FailurePolicy {
  if (path === 'enforce') return 'Fail';
  if (path === 'advisory') return 'Ignore';
  return config.config.admission?.failurePolicy ?? 'Fail';
}

const MAX_WARNINGS = 20;
const MAX_WARNING_CHARS = 256;
/** A denial line (one violation) is cut here: messages quote values, and values can be megabytes. */
const MAX_LINE_CHARS = 512;

/** Judging, stopped between rules: each `yield` is a point where the caller may pause or give up. */
type Steps<T> = Generator<void, T, void>;

/** Run steps to the end without pausing. */
function drain<T>(steps: Steps<T>): T {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/**
 * Judge one admission request, synchronously (within the budget's container
 * and value limits; `judge` also bounds the time and lets other reviews run).
 *
 * @example
 * const policy = admissionPolicy({});
 * const d = decide(parsed.request, policy, 'all');
 * d.response.allowed; // false when an enforce rule is violated
 */
export function decide(
  req: AdmissionRequest,
  policy: AdmissionPolicy,
  path: WebhookPath,
  now: Date = new Date(),
  /** Image verification findings about the object and, on UPDATE, its old version (see `judge`). */
  images: { object?: ImageEntries; old?: ImageEntries } = {},
): Decision {
  return drain(decideSteps(req, policy, path, now, images));
}

/**
 * Judge one admission request without holding the event loop: judging
 * pauses between rules every `sliceMs` (default 2 ms) so that other reviews
 * are answered meanwhile, and a review still unjudged when its time is up
 * (the budget's `timeMs`, or `deadline`, whichever comes first) gets the
 * failure policy's decision. With an `images` policy, the images of an
 * admitted workload (and, on UPDATE, of its old version) are verified first,
 * within what is left of the request's deadline less a short reserve for
 * judging (the time budget counts judging, not waiting on registries); a
 * verification cut off gets an `image-verification-error` finding per image
 * (fail closed by default).
 */
export async function judge(
  req: AdmissionRequest,
  policy: AdmissionPolicy,
  path: WebhookPath,
  opts: { now?: Date; deadline?: number; sliceMs?: number } = {},
): Promise<Decision> {
  const budget = budgetOf(policy.config);
  const deadline = opts.deadline ?? Number.POSITIVE_INFINITY;
  const now = opts.now ?? new Date();
  // Image verification waits on registries, not on this thread: it may use
  // the request's time, less what judging needs; the time budget is for judging.
  const reserve = Math.min(budget.timeMs, 200);
  const imagesEnd = Number.isFinite(deadline) ? deadline - reserve : performance.now() + budget.timeMs;
  const images = policy.images ? await verifyImages(req, policy, Math.max(0, imagesEnd - performance.now())) : {};
  const started = performance.now();
  const end = Math.min(started + budget.timeMs, deadline);
  const steps = decideSteps(req, policy, path, now, images);
  const slice = opts.sliceMs ?? 2;
  let sliceStart = performance.now();
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    const t = performance.now();
    if (t >= end) {
      steps.return(undefined as never);
      return overBudgetDecision(req, policy, path, {
        limit: 'time',
        actual: Math.round(t - started),
        max: Math.round(end - started),
      });
    }
    if (t - sliceStart >= slice) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      sliceStart = performance.now();
    }
  }
}

/** Verify the images of the admitted object (and of oldObject on UPDATE) within `ms`. */
async function verifyImages(
  req: AdmissionRequest,
  policy: AdmissionPolicy,
  ms: number,
): Promise<{ object?: ImageEntries; old?: ImageEntries }> {
  const check = policy.images;
  const judged =
    check &&
    !req.subResource &&
    (req.operation === 'CREATE' || req.operation === 'UPDATE') &&
    req.object !== undefined &&
    req.object !== null;
  if (!judged) return {};
  const obj = admittedObject(req.object as Record<string, unknown>, req);
  if (!obj || !workloadOf(obj) || overContainers(obj, budgetOf(policy.config)) !== undefined) return {};
  const old = req.operation === 'UPDATE' && req.oldObject ? admittedObject(req.oldObject, req) : undefined;
  const deadlineMs = Math.max(50, Math.floor(ms));
  const started = Date.now();
  const within = async (o: KubeObject): Promise<ImageEntries> => {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<ImageEntries>((resolve) => {
      timer = setTimeout(
        () => resolve(unfinished(o, deadlineMs, policy.config)),
        Math.max(0, deadlineMs - (Date.now() - started)),
      );
    });
    try {
      return await Promise.race([check(o), late]);
    } finally {
      clearTimeout(timer);
    }
  };
  const [mine, before] = await Promise.all([within(obj), old && workloadOf(old) ? within(old) : undefined]);
  return { object: mine, ...(before ? { old: before } : {}) };
}

function* decideSteps(
  req: AdmissionRequest,
  policy: AdmissionPolicy,
  path: WebhookPath,
  now: Date,
  images: { object?: ImageEntries; old?: ImageEntries },
): Steps<Decision> {
  const allow = (ignored: string): Decision => ({
    response: { uid: req.uid, allowed: true },
    object: undefined,
    ignored,
    verdicts: [],
  });
  if (req.subResource) return allow(`subresource ${req.subResource}`);
  if (req.operation !== 'CREATE' && req.operation !== 'UPDATE') return allow(`operation ${req.operation}`);
  if (!req.object) return allow('no object');
  const obj = admittedObject(req.object, req);
  if (!obj) return allow('object without apiVersion/kind');

  // the budget first: what is over it is not judged at all
  const budget = budgetOf(policy.config);
  const values = countValues([req.object, req.oldObject], budget.maxValues);
  if (values > budget.maxValues)
    return overBudgetDecision(req, policy, path, { limit: 'values', actual: values, max: budget.maxValues }, obj);
  const containers = overContainers(obj, budget);
  if (containers !== undefined)
    return overBudgetDecision(
      req,
      policy,
      path,
      { limit: 'containers', actual: containers, max: budget.maxContainers },
      obj,
    );

  const { findings, exempted, refused } = yield* evaluate(obj, policy, now, images.object, req);
  const verdicts: RuleVerdict[] = [];
  for (const f of findings) verdicts.push(verdictOf(f, policy.config, refused.get(f)));
  for (const f of exempted) verdicts.push({ ...verdictOf(f, policy.config), exempted: f.exemption?.reason ?? '' });

  // On UPDATE a rule judges only what changed: a violation already present in
  // oldObject does not block the update (it would block every unrelated edit,
  // scale or label change of a workload admitted before the rule existed).
  const live = verdicts.filter((v) => v.exempted === undefined);
  if (path !== 'advisory' && req.operation === 'UPDATE' && req.oldObject && live.some((v) => v.mode === 'enforce')) {
    const old = admittedObject(req.oldObject, req);
    // exempted or not, a violation in oldObject was already there
    const prior =
      old && overContainers(old, budget) === undefined ? yield* evaluate(old, policy, now, images.old, req) : undefined;
    const before = new Set([...(prior?.findings ?? []), ...(prior?.exempted ?? [])].map(keyOf));
    for (const v of live) if (v.mode === 'enforce' && before.has(keyOf(v))) v.preexisting = true;
  }

  const inPath = (v: RuleVerdict): boolean =>
    path === 'all' || (path === 'enforce' ? v.mode === 'enforce' : v.mode !== 'enforce');
  const denying = path === 'advisory' ? [] : live.filter((v) => v.mode === 'enforce' && !v.preexisting);
  const warning = live.filter((v) => inPath(v) && (v.mode === 'warn' || (v.mode === 'enforce' && v.preexisting)));

  const response: AdmissionResponse = { uid: req.uid, allowed: denying.length === 0 };
  if (denying.length > 0) {
    response.status = { code: 403, reason: 'Forbidden', message: denyMessage(obj, denying, policy) };
  }
  if (warning.length > 0) response.warnings = warningsOf(warning);
  return { response, object: objectRef(obj), verdicts: verdicts.filter(inPath) };
}

/** The number of containers when over the budget, else undefined. */
function overContainers(obj: KubeObject, budget: Budget): number | undefined {
  const n = workloadOf(obj)?.containers.length ?? 0;
  return n > budget.maxContainers ? n : undefined;
}

/** JSON values in `roots` (objects, arrays and scalars), counted up to `max + 1`. */
export function countValues(roots: readonly unknown[], max: number): number {
  let n = 0;
  const stack: unknown[] = roots.filter((r) => r !== undefined && r !== null);
  while (stack.length > 0) {
    const v = stack.pop();
    n++;
    if (n > max) return n;
    if (v !== null && typeof v === 'object') {
      if (Array.isArray(v)) for (const x of v) stack.push(x);
      else for (const k in v as Record<string, unknown>) stack.push((v as Record<string, unknown>)[k]);
    }
  }
  return n;
}

/**
 * The decision for a review kubeprint did not judge: the failure policy of
 * the path decides, as the API server would had the webhook not answered
 * (Fail: denied, saying why; Ignore: admitted with a warning saying so).
 */
export function overBudgetDecision(
  req: AdmissionRequest,
  policy: AdmissionPolicy,
  path: WebhookPath,
  over: Omit<OverBudget, 'failurePolicy'>,
  obj?: KubeObject,
): Decision {
  const failurePolicy = failurePolicyOf(path, policy.config);
  const o = obj ?? (req.object ? admittedObject(req.object, req) : undefined);
  const what = o
    ? describeObject(o)
    : req.name
      ? `${req.kind.kind} "${clip(req.name, 253)}"`
      : `this ${req.kind.kind || 'object'}${req.namespace ? ` in namespace "${clip(req.namespace, 253)}"` : ''}`;
  const over_ =
    over.limit === 'time'
      ? `judging took longer than the ${over.max} ms it may take`
      : over.limit === 'containers'
        ? `it has ${over.actual} containers, more than the ${over.max} a review may have`
        : `it has more than ${over.max} JSON values, the most a review may have`;
  const text = `kubeprint did not judge ${what}: ${over_} (admission.budget in the webhook's config)`;
  const response: AdmissionResponse =
    failurePolicy === 'Fail'
      ? {
          uid: req.uid,
          allowed: false,
          status: { code: 403, reason: 'Forbidden', message: `${text}; denied by failurePolicy Fail` },
        }
      : {
          uid: req.uid,
          allowed: true,
          warnings: [clip(`${text}; admitted by failurePolicy Ignore`, MAX_WARNING_CHARS)],
        };
  return { response, object: o ? objectRef(o) : undefined, overBudget: { ...over, failurePolicy }, verdicts: [] };
}

/** What a verification cut off by the deadline says: one error verdict per image. */
function unfinished(obj: KubeObject, deadlineMs: number, config: LoadedConfig): ImageEntries {
  return imageUsage([obj]).flatMap((u) =>
    verdictFindings(
      {
        image: u.image,
        status: 'error',
        checks: [{ kind: 'policy', ok: false, message: `verification did not finish within ${deadlineMs} ms` }],
      },
      u.uses,
      config.config,
    ),
  );
}

/** The KubeObject under review: kind from the request when the object lacks it, namespace from the request. */
export function admittedObject(raw: Record<string, unknown>, req: AdmissionRequest): KubeObject | undefined {
  let r = raw;
  if (typeof r.apiVersion !== 'string' || typeof r.kind !== 'string') {
    const { group, version, kind } = req.kind;
    r = { ...r, apiVersion: group ? `${group}/${version}` : version, kind };
  }
  const md = r.metadata && typeof r.metadata === 'object' && !Array.isArray(r.metadata) ? r.metadata : {};
  const ns = (md as Record<string, unknown>).namespace;
  // a CREATE in a namespace often leaves metadata.namespace empty: exemptions match by namespace
  if (req.namespace && (typeof ns !== 'string' || ns === '')) {
    r = { ...r, metadata: { ...md, namespace: req.namespace } };
  }
  return toKubeObject(r, undefined, SCOPE);
}

/** What the webhook needs of a policy, computed once: its rules by kind (with severities) and the config it judges with. */
interface Prepared {
  byKind: Map<string, ReadonlyArray<{ rule: Rule; severity: Severity }>>;
  /** The config without annotation exemptions: at admission, `admissionAnnotationExemption` decides those. */
  judging: LoadedConfig;
  disabled: ReadonlySet<string>;
  byId: Map<string, Rule>;
}
const preparedCache = new WeakMap<AdmissionPolicy, Prepared>();

function prepared(policy: AdmissionPolicy): Prepared {
  let p = preparedCache.get(policy);
  if (!p) {
    const c = policy.config;
    p = {
      byKind: new Map(),
      judging: { ...c, config: { ...c.config, annotationExemptions: false } },
      disabled: new Set(
        Object.entries(c.config.rules ?? {})
          .filter(([, s]) => s.enabled === false)
          .map(([id]) => id),
      ),
      byId: new Map(policy.rules.map((r) => [r.id, r])),
    };
    preparedCache.set(policy, p);
  }
  return p;
}

/** The policy's rules that apply to a kind, in the order `scan` runs them, computed once per kind. */
function rulesFor(policy: AdmissionPolicy, kind: string): ReadonlyArray<{ rule: Rule; severity: Severity }> {
  const p = prepared(policy);
  let list = p.byKind.get(kind);
  if (!list) {
    const active = activeRules(policy.rules, policy.config.config);
    const forKind = active.filter(({ rule: r }) =>
      r.appliesTo === 'workloads' ? WORKLOAD_KINDS.includes(kind) : r.appliesTo !== '*' && r.appliesTo.includes(kind),
    );
    // scan runs the rules of the kind, then those of every kind
    list = [...forKind, ...active.filter(({ rule: r }) => r.appliesTo === '*')];
    p.byKind.set(kind, list);
  }
  return list;
}

/**
 * The admitted object's findings, as `scanObjects` would give them with
 * `only` (the neighbours are context for cross-object rules; only the
 * admitted object is judged), pausing after each rule. Annotation exemptions
 * are then applied as admission allows them (`admissionAnnotationExemption`).
 */
function* evaluate(
  obj: KubeObject,
  policy: AdmissionPolicy,
  now: Date,
  extra: ImageEntries = [],
  req?: AdmissionRequest,
): Steps<{ findings: Finding[]; exempted: Finding[]; refused: Map<Finding, string> }> {
  const p = prepared(policy);
  const others = policy.neighbours ? policy.neighbours(obj).filter((o) => !sameObject(o, obj)) : [];
  const all = new Inventory(others.length ? [obj, ...others] : [obj]);
  const scope = all.byScope().get(obj.scope) ?? all;
  const memo = new Map<string, unknown>();
  const workload = workloadOf(obj);
  const ctx: RuleContext = {
    scope,
    all,
    config: p.judging.config,
    workload,
    memo<T>(key: string, compute: () => T): T {
      if (!memo.has(key)) memo.set(key, compute());
      return memo.get(key) as T;
    },
  };
  const shared: FindingParts = { strings: new Map(), refs: new Map() };
  const entries: RuleRunEntry[] = [];
  for (const { rule, severity } of rulesFor(policy, obj.kind)) {
    if (rule.appliesTo === 'workloads' && !workload) continue;
    let hits: RuleHit[] | undefined;
    try {
      hits = rule.check(obj, ctx);
    } catch (err) {
      hits = [
        {
          message: `rule failed on this object (${err instanceof Error ? err.message : String(err)})`,
          severity: 'info',
        },
      ];
    }
    for (const hit of hits ?? [])
      entries.push({ finding: toFinding(rule, severity, hit, hit.object ?? obj, shared), object: hit.object ?? obj });
    yield;
  }
  entries.push(...extra);
  const ex = applyExemptions(entries, p.judging, now);
  const mine = (f: Finding) => f.object !== undefined && sameObject(f.object, obj) && !p.disabled.has(f.ruleId);
  const findings: Finding[] = [];
  const exempted = ex.exempted.filter(mine);
  const refused = new Map<Finding, string>();
  const requester = req?.userInfo ?? {};
  for (const f of sortFindings([...ex.findings, ...ex.governance])) {
    if (!mine(f)) continue;
    const a = admissionAnnotationExemption(policy.config, f.ruleId, obj, obj.namespace ?? '', requester);
    if (a?.exempt) exempted.push({ ...f, exemption: { via: 'annotation', reason: a.reason } });
    else {
      if (a) refused.set(f, a.why);
      findings.push(f);
    }
  }
  return { findings, exempted: sortFindings(exempted), refused };
}

function sameObject(a: { kind: string; namespace?: string | undefined; name: string }, b: KubeObject): boolean {
  return a.kind === b.kind && a.name === b.name && (a.namespace ?? '') === (b.namespace ?? '');
}

function verdictOf(f: Finding, config: LoadedConfig, refused?: string): RuleVerdict {
  const v: RuleVerdict = {
    ruleId: f.ruleId,
    severity: f.severity,
    mode: modeOf(f.ruleId, f.severity, config),
    message: f.message,
  };
  if (f.path !== undefined) v.path = f.path;
  if (refused !== undefined) v.annotationRefused = refused;
  return v;
}

function keyOf(f: { ruleId: string; path?: string | undefined; message: string }): string {
  return `${f.ruleId}\u0000${f.path ?? ''}`;
}

function describeObject(o: KubeObject): string {
  const name = clip(o.name || '(generated name)', 253);
  return o.namespace ? `${o.kind} "${name}" in namespace "${o.namespace}"` : `${o.kind} "${name}"`;
}

function clip(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/** The violations a denial or a log entry lists (config `admission.maxViolationsReported`). */
export function maxViolationsOf(config: LoadedConfig): number {
  return config.config.admission?.maxViolationsReported ?? DEFAULT_MAX_VIOLATIONS;
}

/**
 * The denial: the first violations (each line cut at 512 characters), each
 * rule's fix once, a count of the rest by rule, and why an exemption
 * annotation was not honoured. Its size is bounded whatever the object holds.
 */
function denyMessage(obj: KubeObject, denying: RuleVerdict[], policy: AdmissionPolicy): string {
  const byId = prepared(policy).byId;
  const max = maxViolationsOf(policy.config);
  const lines = [
    `kubeprint denied ${describeObject(obj)}: ${denying.length} violation${denying.length === 1 ? '' : 's'}`,
  ];
  const fixed = new Set<string>();
  for (const v of denying.slice(0, max)) {
    lines.push(clip(`[${v.ruleId}] ${v.message}${v.path ? ` (at ${v.path})` : ''}`, MAX_LINE_CHARS));
    const rule = byId.get(v.ruleId);
    // the fix once per rule, not once per container
    if (rule && !fixed.has(rule.id)) {
      fixed.add(rule.id);
      lines.push(clip(`  fix: ${rule.remediation}`, MAX_LINE_CHARS));
    }
  }
  if (denying.length > max) {
    const rest = new Map<string, number>();
    for (const v of denying.slice(max)) rest.set(v.ruleId, (rest.get(v.ruleId) ?? 0) + 1);
    lines.push(
      `… and ${denying.length - max} more: ${[...rest]
        .slice(0, max)
        .map(([id, n]) => `${id} ×${n}`)
        .join(', ')}${rest.size > max ? ', …' : ''}`,
    );
  }
  const refused = [...new Set(denying.map((v) => v.annotationRefused).filter((w) => w !== undefined))];
  for (const why of refused.slice(0, 3))
    lines.push(clip(`note: kubeprint.dev/exempt is not honoured: ${why}`, MAX_LINE_CHARS));
  return lines.join('\n');
}

function warningsOf(vs: RuleVerdict[]): string[] {
  const out = vs
    .slice(0, MAX_WARNINGS)
    .map((v) =>
      clip(
        `[${v.ruleId}] ${v.message}${v.preexisting ? ' (already present before this update)' : ''}`,
        MAX_WARNING_CHARS,
      ),
    );
  if (vs.length > MAX_WARNINGS) out.push(`kubeprint: ${vs.length - MAX_WARNINGS} more warnings not shown`);
  return out;
}
