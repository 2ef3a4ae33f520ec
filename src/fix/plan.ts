import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import type { Finding } from '../model/finding.js';
import { type KubeObject, type ObjectRef, objectKey, objectRef } from '../model/kube-object.js';
import { getAt, parsePointer } from '../model/pointer.js';
import type { Category } from '../model/severity.js';
import type { ScanOutput } from '../scan.js';
import type { FixEdit, FixSafety } from './fixer.js';
import { documentJS, parsedDocuments } from './parsed.js';
import { FIXERS, fixerFor } from './registry.js';
import { applyDocEdit, type DocEdit } from './yaml-edit.js';

export interface FixOptions {
  /** Only these rules (default: every rule with a fixer). */
  rules?: ReadonlySet<string>;
  category?: Category;
  /** Also apply `review` fixers. */
  includeReview?: boolean;
  cwd: string;
}

/** One edit that was placed in a file. */
export interface PlacedFix {
  ruleId: string;
  safety: FixSafety;
  object: ObjectRef;
  /** JSON pointer in the object (as judged). */
  path: string;
  /** The file edited, as the scan shows it, and the 1-based line of the edit's place before editing. */
  file: string;
  line: number;
}

/** A finding the fixer could not repair in a file, and why. */
export interface NotFixed {
  ruleId: string;
  object: ObjectRef;
  path: string;
  reason: string;
}

export interface FileChange {
  /** The file as the scan shows it. */
  file: string;
  abs: string;
  before: string;
  after: string;
}

export interface FixPlan {
  changes: FileChange[];
  fixes: PlacedFix[];
  notFixed: NotFixed[];
  /** Findings whose fixer needs review, left alone without `includeReview`. */
  reviewSkipped: number;
}

type Target = { abs: string; file: string; docIndex: number; segs: Array<string | number>; line: number };

/**
 * What `kubeprint fix` changes: for every finding with a fixer, the fixer's
 * edits on the judged object, each placed where the value is written — the
 * finding's own file and document, the Kustomize patch that set the value
 * (the source's `locate`), or the Helm chart's values.yaml when the template
 * line is exactly `{{ .Values.x.y }}` — and applied to that file's text. Pure
 * except for reading files; nothing is written here.
 */
export function planFixes(scan: ScanOutput, opts: FixOptions): FixPlan {
  const plan: FixPlan = { changes: [], fixes: [], notFixed: [], reviewSkipped: 0 };
  const byKey = new Map<string, KubeObject[]>();
  for (const o of scan.objects) {
    const k = objectKey(o);
    const list = byKey.get(k);
    if (list) list.push(o);
    else byKey.set(k, [o]);
  }
  // findings per object and rule, in the fixers' order
  const work = new Map<KubeObject, Map<string, Finding[]>>();
  for (const f of scan.findings) {
    const fixer = fixerFor(f.ruleId);
    if (!fixer || !f.object) continue;
    if (opts.rules && !opts.rules.has(f.ruleId)) continue;
    if (opts.category && f.category !== opts.category) continue;
    if (fixer.safety === 'review' && !opts.includeReview) {
      plan.reviewSkipped++;
      continue;
    }
    for (const ref of [f.object, ...(f.otherObjects ?? [])]) {
      const inScope = (byKey.get(objectKey(ref)) ?? []).filter((o) => !f.roots || f.roots.includes(o.scope));
      // objects of one name in several files: the one the finding points at
      const inFile = inScope.filter((o) => o.source?.file === f.source?.file);
      const objs = inFile.length > 0 ? inFile : inScope;
      for (const o of objs) {
        let rules = work.get(o);
        if (!rules) work.set(o, (rules = new Map()));
        const list = rules.get(f.ruleId);
        if (list) list.push(f);
        else rules.set(f.ruleId, [f]);
      }
    }
  }
  const texts = new Map<string, { file: string; before: string; now: string }>();
  const read = (abs: string, file: string) => {
    let t = texts.get(abs);
    if (!t) {
      const before = readFileSync(abs, 'utf8');
      t = { file, before, now: before };
      texts.set(abs, t);
    }
    return t;
  };
  const seen = new Set<string>();
  for (const [obj, rules] of work) {
    for (const fixer of FIXERS) {
      const findings = rules.get(fixer.ruleId);
      if (!findings) continue;
      let edits: FixEdit[];
      try {
        edits = fixer.edits(
          obj,
          findings.map((f) => ({ path: f.path })),
        );
      } catch (err) {
        edits = [];
        plan.notFixed.push({
          ruleId: fixer.ruleId,
          object: objectRef(obj),
          path: findings[0]?.path ?? '',
          reason: `the fixer failed: ${err instanceof Error ? err.message : String(err)}`,
        });
      }
      if (edits.length === 0) {
        // e.g. a privileged container, which may not have allowPrivilegeEscalation: false
        plan.notFixed.push({
          ruleId: fixer.ruleId,
          object: objectRef(obj),
          path: findings[0]?.path ?? '',
          reason: `the fixer leaves this one alone (kubeprint explain ${fixer.ruleId} says what it changes)`,
        });
      }
      for (const edit of edits) {
        const placed = place(obj, edit, opts.cwd);
        if ('reason' in placed) {
          plan.notFixed.push({ ruleId: fixer.ruleId, object: objectRef(obj), path: edit.path, reason: placed.reason });
          continue;
        }
        const once = `${placed.abs}\0${placed.docIndex}\0${placed.segs.join('/')}`;
        if (seen.has(once)) continue; // one base rendered by several overlays
        seen.add(once);
        let t: { file: string; before: string; now: string };
        try {
          t = read(placed.abs, placed.file);
        } catch (err) {
          plan.notFixed.push({
            ruleId: fixer.ruleId,
            object: objectRef(obj),
            path: edit.path,
            reason: `cannot read ${placed.file}: ${err instanceof Error ? err.message : String(err)}`,
          });
          continue;
        }
        const docEdit: DocEdit =
          edit.op === 'set' ? { op: 'set', segs: placed.segs, value: edit.value } : { op: 'delete', segs: placed.segs };
        const out = applyDocEdit(t.now, placed.docIndex, docEdit);
        if (!out.ok) {
          plan.notFixed.push({
            ruleId: fixer.ruleId,
            object: objectRef(obj),
            path: edit.path,
            reason: `${placed.file}:${placed.line}: ${out.reason}`,
          });
          continue;
        }
        if (!out.changed) continue;
        t.now = out.text;
        plan.fixes.push({
          ruleId: fixer.ruleId,
          safety: fixer.safety,
          object: objectRef(obj),
          path: edit.path,
          file: placed.file,
          line: placed.line,
        });
      }
    }
  }
  for (const [abs, t] of texts) {
    if (t.now !== t.before) plan.changes.push({ file: t.file, abs, before: t.before, after: t.now });
  }
  plan.changes.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  return plan;
}

/** Where an edit of the judged object is written: a file, a document in it, and the path there. */
function place(obj: KubeObject, edit: FixEdit, cwd: string): Target | { reason: string } {
  const src = obj.source;
  if (!src || src.file === '-') return { reason: 'the object was not read from a file' };
  const chart = chartOf(resolve(cwd, src.file));
  if (chart) return placeInValues(obj, edit, cwd, chart);
  const elsewhere = src.locate?.(edit.path);
  if (elsewhere) {
    // a value an overlay set: edit the patch that sets it
    const abs = resolve(cwd, elsewhere.file);
    const refuse = notEditable(abs, elsewhere.file);
    if (refuse) return { reason: refuse };
    const text = safeRead(abs);
    if (text === undefined) return { reason: `cannot read ${elsewhere.file}` };
    const docIndex = documentAtLine(text, elsewhere.line);
    const segs = docIndex === undefined ? undefined : translate(obj.raw, docJS(text, docIndex), edit.path);
    if (docIndex === undefined || !segs)
      return { reason: `not fixable automatically: set in ${elsewhere.file}:${elsewhere.line}` };
    return { abs, file: elsewhere.file, docIndex, segs, line: elsewhere.line };
  }
  const abs = resolve(cwd, src.file);
  const refuse = notEditable(abs, src.file);
  if (refuse) return { reason: refuse };
  const text = safeRead(abs);
  if (text === undefined) return { reason: `cannot read ${src.file}` };
  const docIndex = documentOf(text, src.docIndex, obj);
  if (docIndex === undefined) return { reason: `cannot find ${obj.kind} ${obj.name} in ${src.file}` };
  const segs = translate(obj.raw, docJS(text, docIndex), edit.path);
  const pos = src.positionOf(edit.path);
  if (!segs)
    return {
      reason: `not fixable automatically: the field's place in ${src.file}:${pos.line} differs from the rendered object`,
    };
  return { abs, file: src.file, docIndex, segs, line: pos.line };
}

function notEditable(abs: string, shown: string): string | undefined {
  if (/\.json$/i.test(abs)) return `${shown} is JSON: not edited (fix it by hand)`;
  if (!/\.ya?ml$/i.test(abs) && !abs.endsWith(`${sep}Kustomization`)) return `${shown} is not a YAML file: not edited`;
  if (!existsSync(abs)) return `${shown} is generated (no such file): not edited`;
  return undefined;
}

function safeRead(abs: string): string | undefined {
  try {
    return readFileSync(abs, 'utf8');
  } catch {
    return undefined;
  }
}

function docJS(text: string, docIndex: number): unknown {
  return documentJS(text, docIndex);
}

/** The document index of an object in its file: the source's index when its kind and name agree, else the one that does. */
function documentOf(text: string, docIndex: number, obj: KubeObject): number | undefined {
  const docs = parsedDocuments(text);
  const js = (i: number) => documentJS(text, i) as Record<string, unknown> | null | undefined;
  const is = (i: number) => {
    const d = js(i);
    const md = d?.metadata as Record<string, unknown> | undefined;
    return d?.kind === obj.kind && (md?.name ?? '') === obj.name;
  };
  if (is(docIndex)) return docIndex;
  // a kustomize render may add a name prefix: the same kind alone in the file will do
  const same = docs.map((_, i) => i).filter(is);
  if (same.length === 1) return same[0];
  const sameKind = docs.map((_, i) => i).filter((i) => js(i)?.kind === obj.kind);
  if (sameKind.includes(docIndex)) return docIndex;
  return sameKind.length === 1 ? sameKind[0] : undefined;
}

/** The index of the YAML document holding a 1-based line. */
function documentAtLine(text: string, line: number): number | undefined {
  const docs = parsedDocuments(text);
  let offset = 0;
  for (let l = 1; l < line; l++) {
    const nl = text.indexOf('\n', offset);
    if (nl < 0) break;
    offset = nl + 1;
  }
  const i = docs.findIndex((d) => d.range[0] <= offset && offset < Math.max(d.range[2], d.range[1]));
  return i >= 0 ? i : docs.length === 1 ? 0 : undefined;
}

/**
 * The path of `pointer` (a path in the judged object) in another copy of the
 * object — the file's document, an overlay patch — where list items may sit
 * elsewhere: items with a `name` (containers, volumes) are matched by name.
 */
export function translate(rendered: unknown, target: unknown, pointer: string): Array<string | number> | undefined {
  const segs = parsePointer(pointer);
  const out: Array<string | number> = [];
  let r: unknown = rendered;
  let t: unknown = target;
  for (const seg of segs) {
    if (seg === '-' && (Array.isArray(t) || t === undefined || t === null)) {
      out.push('-'); // the end of the list (RFC 6901): an item to append
      continue;
    }
    if (Array.isArray(r)) {
      const idx = Number(seg);
      const item = r[idx];
      if (!Array.isArray(t)) return undefined;
      const name = item && typeof item === 'object' ? (item as Record<string, unknown>).name : undefined;
      let at: number;
      if (typeof name === 'string') {
        at = t.findIndex((x) => x && typeof x === 'object' && (x as Record<string, unknown>).name === name);
      } else at = idx < t.length ? idx : -1;
      if (at < 0) return undefined;
      out.push(at);
      r = item;
      t = t[at];
    } else {
      out.push(seg);
      r = r && typeof r === 'object' ? (r as Record<string, unknown>)[seg] : undefined;
      if (t === undefined || t === null) continue; // a missing part: created by the edit
      if (Array.isArray(t)) return undefined;
      // a scalar where a map belongs: the edit is refused where it is made, with that reason
      t = typeof t === 'object' ? (t as Record<string, unknown>)[seg] : undefined;
    }
  }
  return out;
}

interface Chart {
  dir: string;
  /** The template path relative to the chart, e.g. `templates/deploy.yaml`. */
  template: string;
}

/** The chart a rendered template file belongs to (a `templates/` directory beside a Chart.yaml). */
function chartOf(abs: string): Chart | undefined {
  let dir = dirname(abs);
  for (let k = 0; k < 12; k++) {
    if (existsSync(join(dir, 'Chart.yaml'))) {
      const rel = relative(dir, abs);
      return rel.split(sep)[0] === 'templates' ? { dir, template: rel } : undefined;
    }
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
  return undefined;
}

/**
 * A Helm chart: the edit goes to values.yaml when the template line that
 * writes the field is exactly `key: {{ .Values.a.b }}` (quoted or not) and
 * values.yaml sets `a.b` to the rendered value; anything else is the template's
 * own text, which kubeprint does not edit.
 */
function placeInValues(obj: KubeObject, edit: FixEdit, cwd: string, chart: Chart): Target | { reason: string } {
  const src = obj.source;
  if (!src) return { reason: 'the object was not read from a file' };
  const pos = src.positionOf(edit.path);
  const where = `not fixable automatically: set in template ${src.file}:${pos.line}`;
  const now = getAt(obj.raw, edit.path);
  if (now === undefined || (now !== null && typeof now === 'object') || edit.op !== 'set') return { reason: where };
  const templateText = safeRead(resolve(cwd, src.file));
  const line = templateText?.split('\n')[pos.line - 1] ?? '';
  const last = parsePointer(edit.path).pop() ?? '';
  const m =
    /^\s*(?:-\s+)?([\w.-]+):\s*("?)\{\{-?\s*\.Values\.([A-Za-z_][\w]*(?:\.[A-Za-z_][\w]*)*)\s*-?\}\}\2\s*(?:#.*)?$/.exec(
      line,
    );
  if (!m || m[1] !== last) return { reason: where };
  const valuesAbs = join(chart.dir, 'values.yaml');
  const text = safeRead(valuesAbs);
  if (text === undefined) return { reason: where };
  const segs = (m[3] as string).split('.');
  const current = getAt(docJS(text, 0), `/${segs.join('/')}`);
  if (current === undefined || String(current) !== String(now)) return { reason: where };
  const shownValues = join(dirname(src.file), relative(dirname(resolve(cwd, src.file)), valuesAbs));
  const valuesLine = lineOfPath(text, segs) ?? 1;
  return { abs: valuesAbs, file: shownValues, docIndex: 0, segs, line: valuesLine };
}

function lineOfPath(text: string, segs: string[]): number | undefined {
  const doc = parsedDocuments(text)[0];
  const node = doc?.getIn(segs, true) as { range?: [number, number, number] } | undefined;
  if (!node?.range) return undefined;
  return text.slice(0, node.range[0]).split('\n').length;
}
