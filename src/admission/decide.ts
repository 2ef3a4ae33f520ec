/**
 * The admission decision: an AdmissionRequest in, allowed/denied with a
 * message and warnings out. Pure: the same rules and exemptions as `scan`
 * (through `scanObjects`), with per-rule modes on top.
 */
import { DEFAULT_CONFIG, type LoadedConfig } from '../config/config.js';
import { imageUsage, verdictFindings } from '../engines/supplychain/usage.js';
import type { Finding } from '../model/finding.js';
import { type KubeObject, type ObjectRef, objectRef, toKubeObject } from '../model/kube-object.js';
import type { Severity } from '../model/severity.js';
import { WORKLOAD_KINDS, workloadOf } from '../model/workload.js';
import { activeRules } from '../rules/engine.js';
import { RULES } from '../rules/registry.js';
import type { Rule } from '../rules/rule.js';
import { scanObjects } from '../scan.js';
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
}

export interface Decision {
  response: AdmissionResponse;
  object: ObjectRef | undefined;
  /** Why no rule was run (subresource, DELETE), when none was. */
  ignored?: string;
  verdicts: RuleVerdict[];
}

const MAX_WARNINGS = 20;
const MAX_WARNING_CHARS = 256;

/**
 * Judge one admission request.
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
  /** Image verification findings about the object and, on UPDATE, its old version (see decideWithImages). */
  images: { object?: ImageEntries; old?: ImageEntries } = {},
): Decision {
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

  const { findings, exempted } = evaluate(obj, policy, now, images.object);
  const verdicts: RuleVerdict[] = [];
  for (const f of findings) verdicts.push(verdictOf(f, policy.config));
  for (const f of exempted) verdicts.push({ ...verdictOf(f, policy.config), exempted: f.exemption?.reason ?? '' });

  // On UPDATE a rule judges only what changed: a violation already present in
  // oldObject does not block the update (it would block every unrelated edit,
  // scale or label change of a workload admitted before the rule existed).
  const live = verdicts.filter((v) => v.exempted === undefined);
  if (path !== 'advisory' && req.operation === 'UPDATE' && req.oldObject && live.some((v) => v.mode === 'enforce')) {
    const old = admittedObject(req.oldObject, req);
    // exempted or not, a violation in oldObject was already there
    const prior = old ? evaluate(old, policy, now, images.old) : undefined;
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

/**
 * `decide`, with the images of an admitted workload verified first against
 * the config's `images` policy (and, on UPDATE, those of the old object, so an
 * image that was already there does not block an unrelated change). A
 * verification that does not finish within `deadlineMs` gives an
 * `image-verification-error` finding for each image, as an unreachable registry
 * does: with the default modes the request is denied (fail closed).
 */
export async function decideWithImages(
  req: AdmissionRequest,
  policy: AdmissionPolicy,
  path: WebhookPath,
  deadlineMs: number,
  now: Date = new Date(),
): Promise<Decision> {
  const check = policy.images;
  const judged =
    check &&
    !req.subResource &&
    (req.operation === 'CREATE' || req.operation === 'UPDATE') &&
    req.object !== undefined &&
    req.object !== null;
  if (!judged) return decide(req, policy, path, now);
  const obj = admittedObject(req.object as Record<string, unknown>, req);
  if (!obj || !workloadOf(obj)) return decide(req, policy, path, now);
  const old = req.operation === 'UPDATE' && req.oldObject ? admittedObject(req.oldObject, req) : undefined;
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
  return decide(req, policy, path, now, { object: mine, ...(before ? { old: before } : {}) });
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

/** The policy's rules that apply to a kind, computed once per kind (the hot path pays nothing for the others). */
const byKindCache = new WeakMap<AdmissionPolicy, Map<string, readonly Rule[]>>();
function rulesFor(policy: AdmissionPolicy, kind: string): readonly Rule[] {
  let m = byKindCache.get(policy);
  if (!m) byKindCache.set(policy, (m = new Map()));
  let list = m.get(kind);
  if (!list) {
    list = policy.rules.filter((r) =>
      r.appliesTo === '*'
        ? true
        : r.appliesTo === 'workloads'
          ? WORKLOAD_KINDS.includes(kind)
          : r.appliesTo.includes(kind),
    );
    m.set(kind, list);
  }
  return list;
}

function evaluate(obj: KubeObject, policy: AdmissionPolicy, now: Date | undefined, extra: ImageEntries = []) {
  const others = policy.neighbours ? policy.neighbours(obj).filter((o) => !sameObject(o, obj)) : [];
  // the neighbours are context for cross-object rules; only the admitted object is judged
  const out = scanObjects(others.length ? [obj, ...others] : [obj], {
    rules: rulesFor(policy, obj.kind),
    config: policy.config,
    only: new Set([obj]),
    ...(extra.length ? { extra: [...extra] } : {}),
    ...(now ? { now } : {}),
  });
  const mine = (f: Finding) => f.object !== undefined && sameObject(f.object, obj);
  return { findings: out.findings.filter(mine), exempted: out.exempted.filter(mine) };
}

function sameObject(a: { kind: string; namespace?: string | undefined; name: string }, b: KubeObject): boolean {
  return a.kind === b.kind && a.name === b.name && (a.namespace ?? '') === (b.namespace ?? '');
}

function verdictOf(f: Finding, config: LoadedConfig): RuleVerdict {
  const v: RuleVerdict = {
    ruleId: f.ruleId,
    severity: f.severity,
    mode: modeOf(f.ruleId, f.severity, config),
    message: f.message,
  };
  if (f.path !== undefined) v.path = f.path;
  return v;
}

function keyOf(f: { ruleId: string; path?: string | undefined; message: string }): string {
  return `${f.ruleId}\u0000${f.path ?? ''}`;
}

function describeObject(o: KubeObject): string {
  const name = o.name || '(generated name)';
  return o.namespace ? `${o.kind} "${name}" in namespace "${o.namespace}"` : `${o.kind} "${name}"`;
}

/** The policy's rules by id, built once per policy (a denial names each rule's fix). */
const byIdCache = new WeakMap<AdmissionPolicy, Map<string, Rule>>();

function denyMessage(obj: KubeObject, denying: RuleVerdict[], policy: AdmissionPolicy): string {
  let byId = byIdCache.get(policy);
  if (!byId) byIdCache.set(policy, (byId = new Map(policy.rules.map((r) => [r.id, r]))));
  const lines = [
    `kubeprint denied ${describeObject(obj)}: ${denying.length} violation${denying.length === 1 ? '' : 's'}`,
  ];
  const fixed = new Set<string>();
  for (const v of denying) {
    lines.push(`[${v.ruleId}] ${v.message}${v.path ? ` (at ${v.path})` : ''}`);
    const rule = byId.get(v.ruleId);
    // the fix once per rule, not once per container
    if (rule && !fixed.has(rule.id)) {
      fixed.add(rule.id);
      lines.push(`  fix: ${rule.remediation}`);
    }
  }
  return lines.join('\n');
}

function warningsOf(vs: RuleVerdict[]): string[] {
  const out = vs.slice(0, MAX_WARNINGS).map((v) => {
    const w = `[${v.ruleId}] ${v.message}${v.preexisting ? ' (already present before this update)' : ''}`;
    return w.length > MAX_WARNING_CHARS ? `${w.slice(0, MAX_WARNING_CHARS - 1)}…` : w;
  });
  if (vs.length > MAX_WARNINGS) out.push(`kubeprint: ${vs.length - MAX_WARNINGS} more warnings not shown`);
  return out;
}
