/** Kubernetes label selectors (metav1.LabelSelector and the plain map form of Services). */

export interface LabelSelectorRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  values?: string[];
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

export type SelectorParse = { ok: true; selector: LabelSelector } | { ok: false; error: string };

/**
 * Validate an untrusted selector value. `undefined`/`null` parse as the empty
 * selector (which matches everything in a LabelSelector context).
 */
export function parseLabelSelector(v: unknown): SelectorParse {
  if (v === undefined || v === null) return { ok: true, selector: {} };
  if (typeof v !== 'object' || Array.isArray(v)) return { ok: false, error: 'selector is not an object' };
  const r = v as Record<string, unknown>;
  const sel: LabelSelector = {};
  if (r.matchLabels !== undefined && r.matchLabels !== null) {
    if (typeof r.matchLabels !== 'object' || Array.isArray(r.matchLabels))
      return { ok: false, error: 'matchLabels is not a map' };
    const ml: Record<string, string> = {};
    for (const [k, val] of Object.entries(r.matchLabels as Record<string, unknown>)) ml[k] = String(val);
    sel.matchLabels = ml;
  }
  if (r.matchExpressions !== undefined && r.matchExpressions !== null) {
    if (!Array.isArray(r.matchExpressions)) return { ok: false, error: 'matchExpressions is not a list' };
    const exprs: LabelSelectorRequirement[] = [];
    for (const [i, e] of r.matchExpressions.entries()) {
      if (!e || typeof e !== 'object') return { ok: false, error: `matchExpressions[${i}] is not an object` };
      const { key, operator, values } = e as Record<string, unknown>;
      if (typeof key !== 'string' || key === '') return { ok: false, error: `matchExpressions[${i}].key is missing` };
      if (operator !== 'In' && operator !== 'NotIn' && operator !== 'Exists' && operator !== 'DoesNotExist')
        return {
          ok: false,
          error: `matchExpressions[${i}].operator "${String(operator)}" is not In, NotIn, Exists or DoesNotExist`,
        };
      const vals = Array.isArray(values) ? values.map(String) : [];
      if ((operator === 'In' || operator === 'NotIn') && vals.length === 0)
        return { ok: false, error: `matchExpressions[${i}]: operator ${operator} needs values` };
      if ((operator === 'Exists' || operator === 'DoesNotExist') && vals.length > 0)
        return { ok: false, error: `matchExpressions[${i}]: operator ${operator} takes no values` };
      exprs.push({ key, operator, values: vals });
    }
    sel.matchExpressions = exprs;
  }
  return { ok: true, selector: sel };
}

/** True when the selector matches the labels. The empty selector matches everything. */
export function matchesSelector(sel: LabelSelector, labels: Record<string, string>): boolean {
  if (sel.matchLabels) {
    for (const [k, v] of Object.entries(sel.matchLabels)) if (labels[k] !== v) return false;
  }
  if (sel.matchExpressions) {
    for (const e of sel.matchExpressions) {
      const has = Object.hasOwn(labels, e.key);
      const val = labels[e.key];
      switch (e.operator) {
        case 'In':
          if (!has || !e.values?.includes(val as string)) return false;
          break;
        case 'NotIn':
          if (has && e.values?.includes(val as string)) return false;
          break;
        case 'Exists':
          if (!has) return false;
          break;
        case 'DoesNotExist':
          if (has) return false;
          break;
      }
    }
  }
  return true;
}

export function isEmptySelector(sel: LabelSelector): boolean {
  return Object.keys(sel.matchLabels ?? {}).length === 0 && (sel.matchExpressions ?? []).length === 0;
}

/** A Service-style selector (a plain map): matches when every pair is present. Empty matches nothing. */
export function matchesMapSelector(sel: Record<string, string>, labels: Record<string, string>): boolean {
  const entries = Object.entries(sel);
  if (entries.length === 0) return false;
  for (const [k, v] of entries) if (labels[k] !== v) return false;
  return true;
}
