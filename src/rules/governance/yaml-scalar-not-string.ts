import { escapeSegment } from '../../model/pointer.js';
import { defineRule, type RuleHit } from '../rule.js';
import { type FieldRef, KIND_NAMES, KINDS, OBJECT_META, TYPES } from './string-fields-data.js';

/** At most this many hits per object: one mistake repeated down a long list is said often enough. */
const MAX_HITS = 50;

/**
 * Where Kubernetes expects a string (a label or annotation value, an env
 * value, a ConfigMap entry, an image, a command argument), the decoded value
 * is a boolean or a number. kubectl and Helm read YAML as YAML 1.1 through
 * sigs.k8s.io/yaml, so an unquoted `on`, `yes`, `off`, `no`, `y` is a boolean
 * and `0755`, `1.10`, `8080` are numbers; kubectl then refuses the object
 * (`cannot unmarshal bool into Go struct field ... of type string`), while a
 * tool that coerces reads `"true"` for what the author wrote as `on`.
 * The sources keep what the decoder gives, so this rule sees it; kubeprint
 * never quietly turns it into a string.
 */
export const rule = defineRule({
  id: 'yaml-scalar-not-string',
  title: 'A field Kubernetes reads as a string holds a YAML boolean or number',
  category: 'governance',
  severity: 'high',
  appliesTo: '*',
  needs: 'object',
  // no CEL twin: the API server refuses such an object while decoding it, before any admission policy runs
  description:
    'kubectl and Helm decode manifests with sigs.k8s.io/yaml (go-yaml v2, YAML 1.1): an unquoted `on`, `off`, `yes`, `no`, `y`, `n`, `true` or `false` is a boolean, and `0755`, `1_000`, `1.10` or `8080` are numbers. Where the Kubernetes API expects a string (label and annotation values, env values, ConfigMap and Secret entries, images, commands and arguments, names, selectors), kubectl refuses the object ("cannot unmarshal bool into Go struct field ... of type string"), and tools that coerce store `"true"` for what was written as `on`, or `493` for `0755`. Quantities and int-or-string fields (`cpu: 1`, `targetPort: 8080`) take numbers and are not reported; booleans there are. The places that hold strings come from the OpenAPI document of Kubernetes 1.36 for built-in kinds; for custom resources only `metadata` is known.',
  remediation:
    'Quote the value as it is meant: `enabled: "on"`, `value: "yes"`, `mode: "0755"`, `version: "1.10"`, `prometheus.io/port: "8080"`.',
  references: [
    {
      title: 'YAML 1.1 boolean type (yes/no/on/off)',
      url: 'https://yaml.org/type/bool.html',
    },
    {
      title: 'Kubernetes: labels and selectors (label values are strings)',
      url: 'https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#syntax-and-character-set',
    },
  ],
  check(obj) {
    const type = KINDS[`${obj.apiVersion}/${obj.kind}`] ?? KIND_NAMES[obj.kind];
    const hits: RuleHit[] = [];
    const stack: Frame[] =
      type === undefined
        ? [{ value: obj.raw.metadata, ref: OBJECT_META, parent: undefined, key: 'metadata' }]
        : [{ value: obj.raw, ref: type, parent: undefined, key: '' }];
    // strings are never pushed: only containers to walk and booleans or numbers to report
    while (stack.length > 0 && hits.length < MAX_HITS) {
      const f = stack.pop() as Frame;
      const { value, ref } = f;
      if (ref === 's' || ref === 'n') {
        if (typeof value === 'boolean' || (ref === 's' && typeof value === 'number')) {
          const path = pointerOf(f);
          hits.push({ path, message: message(path, value, ref) });
        }
        continue;
      }
      if (typeof value !== 'object' || value === null) continue;
      if (typeof ref === 'number') {
        if (Array.isArray(value)) continue;
        const fields = TYPES[ref] as Readonly<Record<string, FieldRef>>;
        for (const k in value) {
          const r = fields[k];
          if (r !== undefined) push(stack, (value as Record<string, unknown>)[k], r, f, k);
        }
      } else if ('a' in ref) {
        if (!Array.isArray(value)) continue;
        for (let i = 0; i < value.length; i++) push(stack, value[i], ref.a, f, String(i));
      } else if (!Array.isArray(value)) {
        for (const k in value) push(stack, (value as Record<string, unknown>)[k], ref.m, f, k);
      }
    }
    return hits;
  },
});

/** One node of the walk; its JSON pointer is built from the parents only when it is reported. */
interface Frame {
  value: unknown;
  ref: FieldRef;
  parent: Frame | undefined;
  key: string;
}

function push(stack: Frame[], value: unknown, ref: FieldRef, parent: Frame, key: string): void {
  const leaf = ref === 's' || ref === 'n';
  if (leaf ? typeof value === 'boolean' || typeof value === 'number' : typeof value === 'object' && value !== null)
    stack.push({ value, ref, parent, key });
}

function pointerOf(f: Frame): string {
  const keys: string[] = [];
  for (let cur: Frame | undefined = f; cur?.parent !== undefined || cur?.key; cur = cur.parent)
    if (cur) keys.push(escapeSegment(cur.key));
  return `/${keys.reverse().join('/')}`;
}

function message(path: string, value: boolean | number, ref: 's' | 'n'): string {
  const expected = ref === 's' ? 'a string' : 'a string or a number';
  if (typeof value === 'boolean')
    return `${path} is the boolean ${value}, where Kubernetes expects ${expected}: YAML 1.1 (kubectl, Helm) reads an unquoted yes/no/on/off/y/n/true/false as a boolean, and kubectl refuses the object; quote the value`;
  return `${path} is the number ${value}, where Kubernetes expects a string: YAML reads an unquoted number as a number (0755 is octal 493, 1.10 is 1.1, 1_000 is 1000), and kubectl refuses the object; quote the value as written`;
}
