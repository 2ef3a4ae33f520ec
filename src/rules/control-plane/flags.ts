/**
 * Reads control-plane static pod manifests: which component a container runs
 * and its command-line flags, each with the JSON pointer of the argument that
 * carries it, so a finding points at the exact line.
 */
import type { KubeObject } from '../../model/kube-object.js';
import { join } from '../../model/pointer.js';
import type { Reference, Rule, RuleHit } from '../rule.js';

export const COMPONENTS = ['kube-apiserver', 'kube-controller-manager', 'kube-scheduler', 'etcd'] as const;
export type Component = (typeof COMPONENTS)[number];

/** One occurrence of a flag. */
export interface FlagOccurrence {
  name: string;
  /** The value (`--a=b`, `--a b`), or undefined for a bare boolean flag (`--a`). */
  value: string | undefined;
  /** Pointer to the argument that names the flag. */
  path: string;
  /** Pointer to the argument that holds the value (the same as `path` for `--a=b`). */
  valuePath: string;
  /** For a bare boolean flag followed by `true`/`false` (`--profiling false`): that stray argument, which Go ignores. */
  stray?: string;
}

export interface ControlPlaneContainer {
  component: Component;
  /** Pointer to the container. */
  path: string;
  /** Pointer to the argument list where flags go (`.../command` or `.../args`), for missing-flag findings. */
  argsPath: string;
  /** Every occurrence, in order (rules read flags through `flag`, `all`, `value` and `list`, which note what they read). */
  occurrences: FlagOccurrence[];
  /** Every occurrence of one flag, in order. */
  all(name: string): FlagOccurrence[];
  /** The effective (last) occurrence of a flag. */
  flag(name: string): FlagOccurrence | undefined;
  /** The effective value of a flag; `'true'` for a bare boolean flag. */
  value(name: string): string | undefined;
  /** All comma-separated values of a list flag, over every occurrence. */
  list(name: string): string[];
}

/** Flags that never take a separate value argument (Go pflag booleans; checked against the binaries' --help). */
export const BOOLEAN_FLAGS: ReadonlySet<string> = new Set([
  'anonymous-auth',
  'profiling',
  'use-service-account-credentials',
  'service-account-lookup',
  'client-cert-auth',
  'peer-client-cert-auth',
  'auto-tls',
  'peer-auto-tls',
  'allow-privileged',
  'enable-bootstrap-token-auth',
  'leader-elect',
  'kubelet-https',
  'enable-v2',
  'strict-reconfig-check',
  'enable-pprof',
]);

function isRecord(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

function basename(s: string): string {
  return s.split('/').pop() ?? s;
}

/** Parse flags from argv items (`--a=b`, `--a b`, `-a`, repeated flags). */
export function parseFlags(items: Array<{ arg: string; path: string }>): FlagOccurrence[] {
  const out: FlagOccurrence[] = [];
  for (let i = 0; i < items.length; i++) {
    const { arg, path } = items[i]!;
    const m = /^--?([A-Za-z0-9][A-Za-z0-9._-]*)(?:=(.*))?$/s.exec(arg.trim());
    if (!m) continue;
    const name = m[1]!;
    if (m[2] !== undefined) {
      out.push({ name, value: m[2], path, valuePath: path });
      continue;
    }
    const next = items[i + 1];
    if (!BOOLEAN_FLAGS.has(name) && next && !next.arg.startsWith('-')) {
      out.push({ name, value: next.arg, path, valuePath: next.path });
      i++;
    } else {
      const occ: FlagOccurrence = { name, value: undefined, path, valuePath: path };
      if (BOOLEAN_FLAGS.has(name) && next && /^(true|false)$/i.test(next.arg.trim())) occ.stray = next.arg.trim();
      out.push(occ);
    }
  }
  return out;
}

function containerOf(c: Record<string, unknown>, path: string): ControlPlaneContainer | undefined {
  const items: Array<{ arg: string; path: string }> = [];
  for (const field of ['command', 'args'] as const) {
    const list = c[field];
    if (!Array.isArray(list)) continue;
    list.forEach((a, j) => {
      if (typeof a === 'string' || typeof a === 'number' || typeof a === 'boolean')
        items.push({ arg: String(a), path: join(path, field, j) });
    });
  }
  // The binary is one of the first arguments (`kube-apiserver`, `/usr/local/bin/etcd`, `hyperkube kube-apiserver`).
  const at = items.slice(0, 3).findIndex((x) => (COMPONENTS as readonly string[]).includes(basename(x.arg.trim())));
  if (at < 0) return undefined;
  const component = basename(items[at]!.arg.trim()) as Component;
  const occurrences = parseFlags(items.slice(at + 1));
  const argsPath = Array.isArray(c.args) && c.args.length > 0 ? join(path, 'args') : join(path, 'command');
  const all = (name: string): FlagOccurrence[] => {
    onFlagRead?.(component, name);
    return occurrences.filter((o) => o.name === name);
  };
  const flag = (name: string): FlagOccurrence | undefined => all(name).at(-1);
  return {
    component,
    path,
    argsPath,
    occurrences,
    all,
    flag,
    value: (name) => {
      const f = flag(name);
      return f ? (f.value ?? 'true') : undefined;
    },
    list: (name) =>
      all(name)
        .flatMap((o) => (o.value ?? '').split(','))
        .map((s) => s.trim())
        .filter(Boolean),
  };
}

/**
 * What a control-plane rule reads, per component: the flag names (without
 * `--`) and the feature gates. test/integration/control-plane-flags.test.ts
 * checks every name against the `--help` of the real binaries, so a misspelt
 * flag (which the component would refuse, and the rule would never see)
 * fails; src/rules/control-plane/flags-declared.test.ts checks that the rules
 * read nothing they do not declare.
 */
export interface FlagsRead {
  readonly flags: Readonly<Partial<Record<Component, readonly string[]>>>;
  readonly featureGates?: Readonly<Partial<Record<Component, readonly string[]>>>;
}

export type ControlPlaneRule = Rule & FlagsRead;

/** Identity helper for control-plane rules: a Rule that declares the flags it reads. */
export function defineControlPlaneRule(rule: ControlPlaneRule): ControlPlaneRule {
  return rule;
}

/**
 * Flags rules read that current releases no longer accept, with the release
 * that removed them: old manifests still carry them (and such an API server
 * refuses to start, or an older one serves what the flag opens).
 */
export const REMOVED_FLAGS: Readonly<Partial<Record<Component, Readonly<Record<string, string>>>>> = {
  'kube-apiserver': { 'insecure-port': 'v1.24', 'insecure-bind-address': 'v1.24' },
};

let onFlagRead: ((component: Component, name: string) => void) | undefined;

/**
 * Runs `f`, calling `record` for every flag read through a container's
 * `flag`/`all`/`value`/`list` meanwhile. For the test that holds rules to
 * their declared flags; never nest it.
 */
export async function recordFlagReads<T>(
  record: (component: Component, name: string) => void,
  f: () => Promise<T>,
): Promise<T> {
  onFlagRead = record;
  try {
    return await f();
  } finally {
    onFlagRead = undefined;
  }
}

// Every control-plane rule asks for the same Pod's containers: parse its flags once.
const parsed = new WeakMap<KubeObject, ControlPlaneContainer[]>();

/** The control-plane containers of a Pod in kube-system (a static pod manifest); none otherwise. */
export function controlPlaneContainers(obj: KubeObject): ControlPlaneContainer[] {
  let hit = parsed.get(obj);
  if (!hit) {
    hit = readContainers(obj);
    parsed.set(obj, hit);
  }
  return hit;
}

function readContainers(obj: KubeObject): ControlPlaneContainer[] {
  if (obj.kind !== 'Pod' || obj.apiVersion !== 'v1' || obj.namespace !== 'kube-system') return [];
  const spec = obj.raw.spec;
  if (!isRecord(spec) || !Array.isArray(spec.containers)) return [];
  const out: ControlPlaneContainer[] = [];
  spec.containers.forEach((c, i) => {
    if (!isRecord(c)) return;
    const cp = containerOf(c, join('/spec/containers', i));
    if (cp) out.push(cp);
  });
  return out;
}

/** Run `f` on every container of `obj` that runs one of `components`, collecting hits. */
export function forComponents(
  obj: KubeObject,
  components: readonly Component[],
  f: (c: ControlPlaneContainer) => RuleHit[] | RuleHit | undefined,
): RuleHit[] | undefined {
  const hits: RuleHit[] = [];
  for (const c of controlPlaneContainers(obj)) {
    if (!components.includes(c.component)) continue;
    const r = f(c);
    if (Array.isArray(r)) hits.push(...r);
    else if (r) hits.push(r);
  }
  return hits.length > 0 ? hits : undefined;
}

/** True for Go boolean spellings of false. */
export function isFalse(v: string | undefined): boolean {
  return v !== undefined && ['false', '0', 'f', 'FALSE', 'False'].includes(v.trim());
}

/** True for Go boolean spellings of true (a bare flag is true). */
export function isTrue(v: string | undefined): boolean {
  return v !== undefined && ['true', '1', 't', 'TRUE', 'True'].includes(v.trim());
}

/** A hit for a flag that should be set but is not. */
export function missing(c: ControlPlaneContainer, message: string): RuleHit {
  return { message, path: c.argsPath };
}

/** The hit for an effective flag occurrence. */
export function at(f: FlagOccurrence, message: string): RuleHit {
  const note =
    f.stray === undefined
      ? ''
      : ` (\`--${f.name} ${f.stray}\` sets ${f.name} to true and ignores "${f.stray}": write --${f.name}=${f.stray})`;
  return { message: message + note, path: f.path };
}

/** A CIS Kubernetes Benchmark reference. */
export function cis(id: string, title: string): Reference {
  return { title: `CIS Kubernetes Benchmark ${id}: ${title}`, url: 'https://www.cisecurity.org/benchmark/kubernetes' };
}

/** A flag's documentation page for a component. */
export function flagDoc(component: Component): Reference {
  const urls: Record<Component, string> = {
    'kube-apiserver': 'https://kubernetes.io/docs/reference/command-line-tools-reference/kube-apiserver/',
    'kube-controller-manager':
      'https://kubernetes.io/docs/reference/command-line-tools-reference/kube-controller-manager/',
    'kube-scheduler': 'https://kubernetes.io/docs/reference/command-line-tools-reference/kube-scheduler/',
    etcd: 'https://etcd.io/docs/v3.5/op-guide/configuration/',
  };
  return { title: `${component} flags`, url: urls[component] };
}

/** Hits for each of `names` that is absent or empty: `why` says what that costs. */
export function requireFlags(c: ControlPlaneContainer, names: readonly string[], why: string): RuleHit[] {
  const hits: RuleHit[] = [];
  for (const n of names) {
    const f = c.flag(n);
    if (!f) hits.push(missing(c, `${c.component} has no --${n}: ${why}`));
    else if ((f.value ?? '').trim() === '') hits.push(at(f, `${c.component} sets --${n} to nothing: ${why}`));
  }
  return hits;
}

/** A hit when a list flag (`--authorization-mode`, admission plugins) lacks `item`. */
export function requireInList(c: ControlPlaneContainer, name: string, item: string, why: string): RuleHit | undefined {
  if (c.list(name).includes(item)) return undefined;
  const f = c.flag(name);
  return f
    ? at(f, `${c.component} --${name}=${f.value ?? ''} does not include ${item}: ${why}`)
    : missing(c, `${c.component} has no --${name} including ${item}: ${why}`);
}

/** A hit at the occurrence of a list flag that contains `item`. */
export function forbidInList(c: ControlPlaneContainer, name: string, item: string, why: string): RuleHit | undefined {
  const f = c.all(name).find((o) => (o.value ?? '').split(',').some((s) => s.trim() === item));
  return f ? at(f, `${c.component} --${name} includes ${item}: ${why}`) : undefined;
}
