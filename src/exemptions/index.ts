import picomatch from 'picomatch';
import type { LoadedConfig } from '../config/config.js';
import type { AdmissionConfig, Exemption } from '../config/schema.js';
import type { Finding } from '../model/finding.js';
import { type ImageMatcher, imageMatcher } from '../model/image-glob.js';
import { parseImageRef } from '../model/image-ref.js';
import { annotationsOf, type KubeObject, objectKey } from '../model/kube-object.js';
import { workloadOf } from '../model/workload.js';

export const EXEMPT_ANNOTATION = 'kubeprint.dev/exempt';
export const EXEMPT_REASON_ANNOTATION = 'kubeprint.dev/exempt-reason';

export interface ExemptionOutcome {
  /** Findings that stand. */
  findings: Finding[];
  /** Findings an exemption matched, each with `exemption` set. */
  exempted: Finding[];
  /** Governance findings about the exemptions themselves (expired, missing reason). */
  governance: Finding[];
}

interface CompiledExemption {
  index: number;
  ex: Exemption;
  matchRule: (id: string) => boolean;
  matchNs: (ns: string) => boolean;
  matchKind: (k: string) => boolean;
  matchName: (n: string) => boolean;
  /** Undefined when the exemption names no images. */
  matchImage: ImageMatcher | undefined;
}

const any = () => true;
const glob = (g: string | undefined) => (g === undefined || g === '*' ? any : picomatch(g, { dot: true }));

// The webhook applies the same config to every review: compile its globs once.
const compiledByConfig = new WeakMap<LoadedConfig, CompiledExemption[]>();

function compiledFor(loaded: LoadedConfig): CompiledExemption[] {
  let c = compiledByConfig.get(loaded);
  if (!c) {
    c = (loaded.config.exemptions ?? []).map((ex, index) => ({
      index,
      ex,
      matchRule: ex.rules.includes('*') ? any : (id: string) => ex.rules.includes(id),
      matchNs: glob(ex.namespace),
      matchKind: glob(ex.kind),
      matchName: glob(ex.name),
      matchImage: ex.images ? imageMatcher(ex.images, { tags: true }) : undefined,
    }));
    compiledByConfig.set(loaded, c);
  }
  return c;
}

/**
 * The images a finding is about, as written: the image of the container its
 * path points into, or, for a finding about the object as a whole (or its pod
 * spec), the images of every container; none for an object without a pod
 * template.
 */
export function imagesOfFinding(path: string | undefined, ko: KubeObject | undefined): unknown[] {
  const w = ko && workloadOf(ko);
  if (!w) return [];
  const p = path ?? '';
  const c = w.containers.find((c) => p === c.path || p.startsWith(`${c.path}/`));
  return c ? [c.spec.image] : w.containers.map((c) => c.spec.image);
}

/** True when there is at least one image and every one parses and matches (a missing or invalid image matches nothing). */
function everyImageMatches(images: readonly unknown[], match: ImageMatcher): boolean {
  return (
    images.length > 0 &&
    images.every((image) => {
      if (typeof image !== 'string') return false;
      const p = parseImageRef(image);
      return p.ok && match(p.ref);
    })
  );
}

/** The rule ids a `kubeprint.dev/exempt` annotation names (comma-separated, trimmed), or undefined when there is none. */
export function annotatedRuleIds(ko: KubeObject | undefined): string[] | undefined {
  const list = ko ? annotationsOf(ko.raw)[EXEMPT_ANNOTATION] : undefined;
  return list === undefined ? undefined : list.split(',').map((s) => s.trim());
}

/** Who asked the API server for the change under review (AdmissionReview `request.userInfo`). */
export interface Requester {
  username?: string | undefined;
  groups?: readonly string[] | undefined;
}

/**
 * What an exemption annotation does at admission for one finding: nothing to
 * say when the annotation does not name the rule (`undefined`), else whether
 * it exempts, and why not when it does not.
 */
export type AdmissionAnnotationVerdict = { exempt: true; reason: string } | { exempt: false; why: string };

interface CompiledAnnotationPolicy {
  on: boolean;
  rule: (id: string) => boolean;
  namespace: (ns: string) => boolean;
  requester: (r: Requester) => boolean;
  wildcard: boolean;
}

const annotationPolicies = new WeakMap<LoadedConfig, CompiledAnnotationPolicy>();

function annotationPolicyFor(loaded: LoadedConfig): CompiledAnnotationPolicy {
  let c = annotationPolicies.get(loaded);
  if (c) return c;
  const a: AdmissionConfig['annotationExemptions'] = loaded.config.admission?.annotationExemptions;
  const anyOf = (globs: readonly string[]) => {
    const ms = globs.map((g) => picomatch(g, { dot: true }));
    return (v: string) => v !== '' && ms.some((m) => m(v));
  };
  if (!a || loaded.config.annotationExemptions === false) {
    c = { on: false, rule: () => false, namespace: () => false, requester: () => false, wildcard: false };
  } else {
    const users = a.users ? anyOf(a.users) : undefined;
    const groups = a.groups ? anyOf(a.groups) : undefined;
    c = {
      on: true,
      rule: a.rules.includes('*') ? any : (id) => a.rules.includes(id),
      namespace: a.namespaces ? anyOf(a.namespaces) : any,
      requester:
        users || groups
          ? (r) => (users?.(r.username ?? '') ?? false) || (groups ? (r.groups ?? []).some(groups) : false)
          : any,
      wildcard: a.allowWildcard === true,
    };
  }
  annotationPolicies.set(loaded, c);
  return c;
}

/**
 * At admission, annotations exempt nothing unless config
 * `admission.annotationExemptions` says so, and then only the rules, the
 * namespaces and the requesters it lists; the annotation value `*` only with
 * `allowWildcard` (docs/adr/0006). The author of an object can write its
 * annotations: whatever must be exempt belongs in the config file, which is
 * behind RBAC. `scan` keeps `annotationExemptions` (CI runs on reviewed changes).
 *
 * @example
 * admissionAnnotationExemption(config, 'pss-privileged', pod, 'prod', { username: 'alice' });
 * // undefined: the annotation does not name the rule; else { exempt, reason | why }
 */
export function admissionAnnotationExemption(
  loaded: LoadedConfig,
  ruleId: string,
  ko: KubeObject | undefined,
  namespace: string,
  requester: Requester,
): AdmissionAnnotationVerdict | undefined {
  const ids = annotatedRuleIds(ko);
  if (!ids) return undefined;
  const named = ids.includes(ruleId);
  const wildcard = ids.includes('*');
  if (!named && !wildcard) return undefined;
  const p = annotationPolicyFor(loaded);
  if (!p.on)
    return { exempt: false, why: 'annotation exemptions are off at admission (config admission.annotationExemptions)' };
  if (!p.rule(ruleId)) return { exempt: false, why: `${ruleId} may not be exempted by annotation at admission` };
  if (!named && !p.wildcard) return { exempt: false, why: `"*" is not honoured at admission: name the rule` };
  if (!p.namespace(namespace))
    return {
      exempt: false,
      why: `annotations are not honoured in ${namespace ? `namespace "${namespace}"` : 'cluster-scoped objects'}`,
    };
  if (!p.requester(requester))
    return { exempt: false, why: `annotations are not honoured for requests by "${requester.username ?? ''}"` };
  const reason = ko ? annotationsOf(ko.raw)[EXEMPT_REASON_ANNOTATION]?.trim() : undefined;
  if (!reason) return { exempt: false, why: `${EXEMPT_REASON_ANNOTATION} is missing` };
  return { exempt: true, reason };
}

/** Today's date as YYYY-MM-DD in UTC (exemptions expire at the end of their day). */
export function today(now: Date = new Date()): string {
  return now.toISOString().slice(0, 10);
}

/**
 * Apply exemptions in one place, after every rule has run, so that every
 * output agrees. Each finding comes with the object it is about, for its annotations.
 */
export function applyExemptions(
  entries: ReadonlyArray<{ finding: Finding; object: KubeObject | undefined }>,
  loaded: LoadedConfig,
  now: Date = new Date(),
): ExemptionOutcome {
  const date = today(now);
  const compiled = compiledFor(loaded).map((c) => ({ ...c, expired: c.ex.expires < date }));
  const out: ExemptionOutcome = { findings: [], exempted: [], governance: [] };
  const usedExpired = new Set<number>();
  const annotationsOn = loaded.config.annotationExemptions !== false;
  const badAnnotation = new Set<string>();

  for (const { finding: f, object: ko } of entries) {
    const obj = f.object;
    if (!obj) {
      out.findings.push(f);
      continue;
    }
    let applied = false;
    let images: unknown[] | undefined;
    for (const c of compiled) {
      if (!c.matchRule(f.ruleId) || !c.matchKind(obj.kind) || !c.matchName(obj.name) || !c.matchNs(obj.namespace ?? ''))
        continue;
      if (c.matchImage) {
        images ??= imagesOfFinding(f.path, ko);
        if (!everyImageMatches(images, c.matchImage)) continue;
      }
      if (c.expired) {
        usedExpired.add(c.index);
        continue;
      }
      out.exempted.push({
        ...f,
        exemption: { via: 'config', reason: c.ex.reason, owner: c.ex.owner, expires: c.ex.expires },
      });
      applied = true;
      break;
    }
    if (applied) continue;
    if (annotationsOn) {
      const key = `${ko?.source?.file ?? ''}#${objectKey({ kind: obj.kind, namespace: obj.namespace, name: obj.name })}`;
      const ids = annotatedRuleIds(ko);
      if (ids !== undefined) {
        if (ids.includes(f.ruleId) || ids.includes('*')) {
          const reason = ko ? annotationsOf(ko.raw)[EXEMPT_REASON_ANNOTATION]?.trim() : undefined;
          if (reason) {
            out.exempted.push({ ...f, exemption: { via: 'annotation', reason } });
            continue;
          }
          if (ko && !badAnnotation.has(key)) {
            badAnnotation.add(key);
            out.governance.push({
              ruleId: 'exemption-missing-reason',
              severity: 'medium',
              category: 'governance',
              message: `${EXEMPT_ANNOTATION} is set without ${EXEMPT_REASON_ANNOTATION}; the exemption is not applied`,
              object: f.object,
              path: '/metadata/annotations',
              ...(ko.source
                ? {
                    source: {
                      file: ko.source.file,
                      ...ko.source.positionOf(`/metadata/annotations/${EXEMPT_ANNOTATION.replace('/', '~1')}`),
                    },
                  }
                : {}),
            });
          }
        }
      }
    }
    out.findings.push(f);
  }
  for (const c of compiled) {
    if (!c.expired) continue;
    const line = loaded.exemptionLines[c.index] ?? 1;
    out.governance.push({
      ruleId: 'exemption-expired',
      severity: 'medium',
      category: 'governance',
      message: `exemption for ${c.ex.rules.join(', ')} (${[c.ex.namespace, c.ex.kind, c.ex.name].map((x) => x ?? '*').join('/')}${c.ex.images ? `, images ${c.ex.images.join(', ')}` : ''}, owner ${c.ex.owner}) expired on ${c.ex.expires}${usedExpired.has(c.index) ? ' and no longer exempts matching findings' : ''}; renew it with a new date or remove it`,
      ...(loaded.file ? { source: { file: loaded.file, line, column: 3 } } : {}),
    });
  }
  return out;
}
