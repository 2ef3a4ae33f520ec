import type { Finding, ScanResult } from '../model/finding.js';
import { type ObjectRef, objectKey } from '../model/kube-object.js';
import { CATEGORIES, type Category, failsAt, SEVERITIES, type Severity, type Threshold } from '../model/severity.js';

/** Counts every reporter shows; computed once here so that all formats agree. */
export interface ResultSummary {
  total: number;
  bySeverity: Record<Severity, number>;
  byCategory: Record<Category, number>;
  /** Findings at or above `failOn` (exempted findings never count). */
  failing: number;
  failed: boolean;
  exempted: number;
}

export function summarize(result: ScanResult, failOn: Threshold): ResultSummary {
  const bySeverity = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  const byCategory = Object.fromEntries(CATEGORIES.map((c) => [c, 0])) as Record<Category, number>;
  let failing = 0;
  for (const f of result.findings) {
    bySeverity[f.severity] += 1;
    byCategory[f.category] = (byCategory[f.category] ?? 0) + 1;
    if (failsAt(f.severity, failOn)) failing += 1;
  }
  return {
    total: result.findings.length,
    bySeverity,
    byCategory,
    failing,
    failed: failing > 0,
    exempted: result.exempted.length,
  };
}

/** `file:line:column`, `file:line` or `file`; undefined without a source. */
export function locationText(f: Finding): string | undefined {
  const s = f.source;
  if (!s) return undefined;
  if (s.line === undefined) return s.file;
  return s.column === undefined ? `${s.file}:${s.line}` : `${s.file}:${s.line}:${s.column}`;
}

/**
 * `deployed by Application argocd/web (apps/web.yaml:3) via Application
 * argocd/root`: the GitOps objects that deploy a group's object, one entry
 * per deployer (undefined when none does).
 */
export function deployedByText(findings: readonly Finding[]): string | undefined {
  const seen = new Set<string>();
  const parts: string[] = [];
  for (const f of findings)
    for (const d of f.deployedBy ?? []) {
      const where =
        d.source?.line !== undefined ? ` (${d.source.file}:${d.source.line})` : d.source ? ` (${d.source.file})` : '';
      const via = d.via.length > 0 ? ` via ${d.via.map((v) => objectLabel(v)).join(' via ')}` : '';
      const text = `${objectLabel(d)}${where}${via}`;
      if (!seen.has(text)) {
        seen.add(text);
        parts.push(text);
      }
    }
  return parts.length > 0 ? `deployed by ${parts.join('; ')}` : undefined;
}

/** `Kind namespace/name`, or `Kind name` for cluster-scoped objects. */
export function objectLabel(o: { kind: string; namespace?: string | undefined; name: string }): string {
  return o.namespace ? `${o.kind} ${o.namespace}/${o.name}` : `${o.kind} ${o.name}`;
}

/** A group of findings about one object (or, without an object, one file), in first-seen order. */
export interface FindingGroup {
  /** The object of the group's findings, when they have one. */
  object: Finding['object'];
  /** More objects the group's findings are about (the same base object in several overlays). */
  otherObjects: readonly ObjectRef[];
  /** The render roots of the group's findings. */
  roots: readonly string[];
  /** The file, when known. */
  file: string | undefined;
  findings: Finding[];
}

/**
 * Groups findings by object and file (the same object rendered from two
 * overlays is two groups, unless its findings were reported once for both:
 * then it is one group listing both roots), keeping the order in which
 * groups first appear, so that an engine's file/line order carries through.
 */
export function groupByObject(findings: readonly Finding[]): FindingGroup[] {
  const groups = new Map<string, FindingGroup>();
  for (const f of findings) {
    const file = f.source?.file;
    // the same objects and roots, in whatever order the findings name them, are one group
    const objects = f.object ? [f.object, ...(f.otherObjects ?? [])] : [];
    const ids = objects.map((o) => `${objectKey(o)}\u0000${o.apiVersion}`);
    const order = ids.map((_, i) => i).sort((a, b) => ((ids[a] ?? '') < (ids[b] ?? '') ? -1 : 1));
    const roots = [...(f.roots ?? [])].sort();
    const key = `${file ?? ''}\u0000${order.map((i) => ids[i]).join('\u0001')}\u0000${roots.join('\u0001')}`;
    let g = groups.get(key);
    if (!g) {
      const sorted = order.map((i) => objects[i] as ObjectRef);
      g = { object: sorted[0], otherObjects: sorted.slice(1), roots, file, findings: [] };
      groups.set(key, g);
    }
    g.findings.push(f);
  }
  return [...groups.values()];
}

/**
 * `Deployment shop-prod/web`, or with other objects of the same finding
 * `Deployment shop-prod/web, shop-staging/web` (kinds repeated only when they
 * differ), the fourth and later counted.
 */
export function objectsLabel(first: ObjectRef, others: readonly ObjectRef[] = []): string {
  const label = objectLabel(first);
  if (others.length === 0) return label;
  const rest = others
    .slice(0, 2)
    .map((o) => (o.kind === first.kind ? objectLabel(o).slice(o.kind.length + 1) : objectLabel(o)));
  const more = others.length > 2 ? ` and ${others.length - 2} more` : '';
  return `${label}, ${rest.join(', ')}${more}`;
}

/**
 * Short names for render roots, unique among the roots given: the fewest
 * trailing path segments that tell them apart (`examples/gitops/apps/overlays/staging`
 * and `.../production` are `staging` and `production`).
 */
export function rootLabels(roots: Iterable<string>): Map<string, string> {
  const all = [...new Set(roots)];
  const segs = new Map(all.map((r) => [r, r.split(/[\\/]+/).filter((s) => s !== '' && s !== '.')]));
  const out = new Map<string, string>();
  for (const r of all) {
    const mine = segs.get(r) ?? [];
    let n = 1;
    for (; n < mine.length; n++) {
      const tail = mine.slice(-n).join('/');
      const clash = all.some((o) => o !== r && (segs.get(o) ?? []).slice(-n).join('/') === tail);
      if (!clash) break;
    }
    out.set(r, mine.length === 0 ? r : mine.slice(-n).join('/'));
  }
  return out;
}

/**
 * The roots worth naming next to a group: several roots (a base the overlays
 * share), or one that does not contain the file (a base rendered by one
 * overlay). A file inside its only root (a plain file, a chart template,
 * an overlay's own patch) says where it is by itself.
 */
export function rootsToShow(group: Pick<FindingGroup, 'roots' | 'file'>): readonly string[] {
  const roots = group.roots;
  if (roots.length === 0) return [];
  if (roots.length > 1) return roots;
  const root = (roots[0] ?? '').replace(/[\\/]+$/, '');
  const file = group.file;
  if (file === undefined || root === '' || root === '.' || root === '-') return [];
  return file === root || file.startsWith(`${root}/`) || file.startsWith(`${root}\\`) ? [] : roots;
}

/**
 * Replaces control characters (C0, DEL, C1) and bidirectional overrides with
 * visible escapes. Messages quote manifest content, which an attacker may
 * control: raw escape sequences would drive the reader's terminal, and bidi
 * controls can make text read differently than it is.
 */
export function visible(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, (c) => {
    if (c === '\n' || c === '\r' || c === '\t') return ' ';
    return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
}

/** How many names a summary line shows before it counts the rest. */
export const FIRST_FEW = 3;

/** `a, b, c`, or `a, b, c and 4 more`. */
export function firstFew(names: readonly string[], n = FIRST_FEW): string {
  const shown = names.slice(0, n).join(', ');
  return names.length > n ? `${shown} and ${names.length - n} more` : shown;
}

/** `1 finding`, `2 findings`. */
export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
