/**
 * The PR gate's pure core: what a finding is (its fingerprint), independent of
 * where its line happens to be, and which findings of a scan are new against a
 * baseline and which of the baseline's the change fixed (docs/adr/0009).
 */
import { createHash } from 'node:crypto';
import { KubeprintError } from '../errors.js';
import type { Finding } from '../model/finding.js';
import type { ObjectRef } from '../model/kube-object.js';
import { CATEGORIES, type Category, isSeverity } from '../model/severity.js';

/** Bump when the inputs of a fingerprint change: reports of another version are then not comparable. */
const FINGERPRINT_VERSION = 'kubeprint-fingerprint/1';

/** `apps/v1` → `apps`, `v1` → `` (the core group): versions migrate, the group names the API. */
export function apiGroup(apiVersion: string): string {
  const slash = apiVersion.lastIndexOf('/');
  return slash < 0 ? '' : apiVersion.slice(0, slash);
}

/** What fingerprints read of a finding (a Finding, or a finding read back from a JSON report). */
export interface Fingerprinted {
  ruleId: string;
  message: string;
  object?: ObjectRef | undefined;
  otherObjects?: readonly ObjectRef[] | undefined;
  path?: string | undefined;
  source?: { file: string } | undefined;
}

function hash(parts: readonly string[]): string {
  return createHash('sha256')
    .update(JSON.stringify([FINGERPRINT_VERSION, ...parts]))
    .digest('hex')
    .slice(0, 32);
}

/**
 * The identity of one finding about one object: the rule, the object's API
 * group, kind, namespace and name, and the JSON pointer of the field. Neither
 * the line, the file, the apiVersion's version nor the message: lines move
 * when anything above them changes, objects move between files, APIs migrate
 * from v1beta1 to v1, and messages quote values that a change may edit
 * without fixing the problem.
 */
function objectFingerprint(ruleId: string, o: ObjectRef, path: string | undefined): string {
  return hash([ruleId, 'object', apiGroup(o.apiVersion), o.kind, o.namespace ?? '', o.name, path ?? '']);
}

/**
 * One fingerprint per object the finding is about (`object`, then each of
 * `otherObjects`, when overlays share the finding); for a finding about a
 * file (invalid YAML, a failed render), the rule and the file; for one with
 * neither, the rule and the message.
 */
export function fingerprintsOf(f: Fingerprinted): string[] {
  if (f.object) return [f.object, ...(f.otherObjects ?? [])].map((o) => objectFingerprint(f.ruleId, o, f.path));
  if (f.source) return [hash([f.ruleId, 'file', f.source.file, f.path ?? ''])];
  return [hash([f.ruleId, 'message', f.message])];
}

/** The fingerprint of a finding: that of its `object` (or its file). Stable across runs and moved lines. */
export function fingerprintOf(f: Fingerprinted): string {
  return fingerprintsOf(f)[0] as string;
}

/** The outcome of comparing a scan with its baseline. */
export interface Comparison {
  /** Findings of the scan the baseline lacks (restricted to the new objects of a shared finding), in scan order. */
  added: Finding[];
  /** Findings of the baseline the scan no longer gives (restricted likewise), in baseline order. */
  fixed: Finding[];
  /** Findings of the scan wholly present in the baseline. */
  unchanged: number;
}

interface Unit {
  /** Index of the finding in its list. */
  at: number;
  /** Index of the object within the finding (0 = `object`). */
  obj: number;
  key: string;
  /** The object's identity (API group, kind, namespace, name) whatever the rule; '' for a finding about no object. */
  id: string;
  /** The file the finding is in, '' when none. */
  file: string;
  matched: boolean;
}

function unitsOf(findings: readonly Finding[]): Unit[][] {
  return findings.map((f, at) => {
    const objects = f.object ? [f.object, ...(f.otherObjects ?? [])] : [];
    const file = f.source?.file ?? '';
    return fingerprintsOf(f).map((key, obj) => {
      const o = objects[obj];
      const id = o ? JSON.stringify([apiGroup(o.apiVersion), o.kind, o.namespace ?? '', o.name]) : '';
      return { at, obj, key, id, file, matched: false };
    });
  });
}

/** For each object identity, the files its findings are in. */
function filesById(units: readonly Unit[][]): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const list of units)
    for (const u of list) {
      if (u.id === '') continue;
      let files = out.get(u.id);
      if (!files) out.set(u.id, (files = new Set()));
      files.add(u.file);
    }
  return out;
}

/**
 * Which findings of `head` are new against `base`, and which of `base` are
 * gone. Findings are compared as multisets of fingerprints: each finding of
 * the head consumes one equal finding of the base (so a second copy of a
 * problem is new). Where several could pair, those in the same file pair
 * first (the same message first), then those in different files when the
 * object moved: its head findings are no longer in the base's file, nor were
 * its base findings in the head's (two copies of one object in two files, a
 * staging and a production directory, stay apart: a fix in one and the same
 * problem added in the other are one fixed and one new finding). The line
 * never decides. A finding several overlays share counts per object, so an overlay
 * that adds an object with the problem makes a new finding about that object
 * only. Findings in `alsoPresent` (exempted in the head) consume base findings
 * without being new: an exemption is not a fix.
 */
export function compareWithBaseline(
  head: readonly Finding[],
  base: readonly Finding[],
  alsoPresent: readonly Finding[] = [],
): Comparison {
  const headUnits = unitsOf([...head, ...alsoPresent]);
  const baseUnits = unitsOf(base);
  const waiting = new Map<string, Unit[]>();
  for (const units of baseUnits)
    for (const u of units) {
      let list = waiting.get(u.key);
      if (!list) waiting.set(u.key, (list = []));
      list.push(u);
    }
  const all = [...head, ...alsoPresent];
  const headFiles = filesById(headUnits);
  const baseFiles = filesById(baseUnits);
  const moved = (h: Unit, b: Unit) =>
    h.file !== b.file && !headFiles.get(h.id)?.has(b.file) && !baseFiles.get(h.id)?.has(h.file);
  const passes: Array<(h: Unit, b: Unit) => boolean> = [
    (h, b) => h.file === b.file && (all[h.at] as Finding).message === (base[b.at] as Finding).message,
    (h, b) => h.file === b.file,
    (h, b) => moved(h, b) && (all[h.at] as Finding).message === (base[b.at] as Finding).message,
    moved,
  ];
  for (const pairs of passes)
    for (const units of headUnits)
      for (const u of units) {
        if (u.matched) continue;
        const b = waiting.get(u.key)?.find((c) => !c.matched && pairs(u, c));
        if (!b) continue;
        u.matched = true;
        b.matched = true;
      }
  const added: Finding[] = [];
  let unchanged = 0;
  head.forEach((f, i) => {
    const units = headUnits[i] ?? [];
    if (units.every((u) => u.matched)) unchanged += 1;
    else added.push(restricted(f, units));
  });
  const fixed: Finding[] = [];
  base.forEach((f, i) => {
    const units = baseUnits[i] ?? [];
    if (units.some((u) => !u.matched)) fixed.push(restricted(f, units));
  });
  return { added, fixed, unchanged };
}

/** The finding about only its unmatched objects (itself when all are, or it has no object). */
function restricted(f: Finding, units: readonly Unit[]): Finding {
  if (!f.object || units.every((u) => !u.matched)) return f;
  const objects = [f.object, ...(f.otherObjects ?? [])];
  const [first, ...rest] = units.filter((u) => !u.matched).map((u) => objects[u.obj] as ObjectRef);
  const out: Finding = { ...f, object: first as ObjectRef };
  if (rest.length > 0) out.otherObjects = rest;
  else delete out.otherObjects;
  return out;
}

/**
 * The findings of a `kubeprint scan -o json` report, to compare a scan with.
 * Reads what fingerprints need (and what a report of fixed findings shows);
 * fields a later version adds are ignored.
 *
 * @throws KubeprintError INPUT_INVALID when the text is not such a report, or
 *   when it was itself written with a baseline (its findings are only the new ones).
 */
export function findingsFromReport(text: string, shown: string): Finding[] {
  const invalid = (why: string) =>
    new KubeprintError('INPUT_INVALID', `${shown} is not a kubeprint scan -o json report: ${why}`);
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new KubeprintError('INPUT_INVALID', `${shown} is not a kubeprint scan -o json report: invalid JSON`, {
      cause: err,
    });
  }
  if (!isRecord(doc) || !Array.isArray(doc.findings)) throw invalid('no "findings" array');
  if (doc.baseline !== undefined && doc.baseline !== null)
    throw new KubeprintError(
      'INPUT_INVALID',
      `${shown} was written with a baseline: its findings are only the new ones; compare with a report of a scan without --baseline`,
    );
  return doc.findings.map((raw, i) => {
    const at = `findings[${i}]`;
    if (!isRecord(raw)) throw invalid(`${at} is not an object`);
    const { ruleId, severity, category, message } = raw;
    if (typeof ruleId !== 'string' || ruleId === '') throw invalid(`${at}.ruleId is not a string`);
    const f: Finding = {
      ruleId,
      // a report of a later version may know a severity or pillar this one does not: shown as such, compared all the same
      severity: isSeverity(severity) ? severity : 'info',
      category: (CATEGORIES as readonly unknown[]).includes(category) ? (category as Category) : 'governance',
      message: typeof message === 'string' ? message : '',
    };
    const object = objectFrom(raw.object, `${at}.object`, invalid);
    if (object) f.object = object;
    if (Array.isArray(raw.otherObjects) && raw.otherObjects.length > 0)
      f.otherObjects = raw.otherObjects.map((o, j) => {
        const ref = objectFrom(o, `${at}.otherObjects[${j}]`, invalid);
        if (!ref) throw invalid(`${at}.otherObjects[${j}] is not an object`);
        return ref;
      });
    if (typeof raw.path === 'string') f.path = raw.path;
    if (isRecord(raw.source)) {
      const { file, line, column } = raw.source;
      if (typeof file !== 'string') throw invalid(`${at}.source.file is not a string`);
      f.source = { file };
      if (typeof line === 'number') f.source.line = line;
      if (typeof column === 'number') f.source.column = column;
    }
    if (Array.isArray(raw.roots)) f.roots = raw.roots.filter((r): r is string => typeof r === 'string');
    return f;
  });
}

function objectFrom(v: unknown, at: string, invalid: (why: string) => Error): ObjectRef | undefined {
  if (v === null || v === undefined) return undefined;
  if (!isRecord(v)) throw invalid(`${at} is not an object`);
  const { apiVersion, kind, namespace, name } = v;
  if (typeof apiVersion !== 'string' || typeof kind !== 'string' || typeof name !== 'string')
    throw invalid(`${at} lacks apiVersion, kind or name`);
  const ref: ObjectRef = { apiVersion, kind, name };
  if (typeof namespace === 'string') ref.namespace = namespace;
  return ref;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
