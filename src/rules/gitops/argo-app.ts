/**
 * Facts about Argo CD objects that several rules read: the Application spec
 * of an Application or of an ApplicationSet's template, its sources (with
 * their JSON pointers), its destination, and whether config marks that
 * destination as production. Every reader tolerates any shape: rules report,
 * they do not throw.
 */
import picomatch from 'picomatch';
import type { Config } from '../../config/config.js';
import type { KubeObject } from '../../model/kube-object.js';
import { join } from '../../model/pointer.js';

export type Json = Record<string, unknown>;

export function isMap(v: unknown): v is Json {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** True for an object of Argo CD's API group (`argoproj.io/...`), so that another project's `Application` kind is left alone. */
export function isArgo(obj: KubeObject): boolean {
  return obj.apiVersion.startsWith('argoproj.io/');
}

/** `{{ ... }}`: a value an ApplicationSet generator fills in (fasttemplate or Go template). */
export function isTemplated(v: string): boolean {
  return v.includes('{{');
}

/** An Application spec: the Application's own, or the template of an ApplicationSet. */
export interface AppSpec {
  readonly kind: 'Application' | 'ApplicationSet';
  readonly spec: Json;
  /** Pointer to `spec` (`/spec` or `/spec/template/spec`). */
  readonly at: string;
}

export function appSpecOf(obj: KubeObject): AppSpec | undefined {
  if (!isArgo(obj)) return undefined;
  const spec = obj.raw.spec;
  if (!isMap(spec)) return undefined;
  if (obj.kind === 'Application') return { kind: 'Application', spec, at: '/spec' };
  if (obj.kind === 'ApplicationSet') {
    const template = spec.template;
    const tspec = isMap(template) ? template.spec : undefined;
    return isMap(tspec) ? { kind: 'ApplicationSet', spec: tspec, at: '/spec/template/spec' } : undefined;
  }
  return undefined;
}

export interface AppSource {
  readonly source: Json;
  /** Pointer to the source object. */
  readonly at: string;
  /** `spec.source`, `spec.sources[2]`, `the hydrator's dry source`: for messages. */
  readonly label: string;
}

/**
 * The sources Argo CD reads: `spec.sources` when it has any (then
 * `spec.source` is ignored, as Argo CD documents), else `spec.source`, and
 * the source hydrator's dry source.
 */
export function sourcesOf(app: AppSpec): AppSource[] {
  const out: AppSource[] = [];
  const { spec, at } = app;
  const many = Array.isArray(spec.sources) ? spec.sources : [];
  if (many.length > 0) {
    many.forEach((s, i) => {
      if (isMap(s)) out.push({ source: s, at: join(at, 'sources', i), label: `spec.sources[${i}]` });
    });
  } else if (isMap(spec.source)) {
    out.push({ source: spec.source, at: join(at, 'source'), label: 'spec.source' });
  }
  const hydrator = spec.sourceHydrator;
  if (isMap(hydrator) && isMap(hydrator.drySource))
    out.push({
      source: hydrator.drySource,
      at: join(at, 'sourceHydrator', 'drySource'),
      label: 'spec.sourceHydrator.drySource',
    });
  return out;
}

/**
 * Every source written in the spec, the ones Argo CD ignores included
 * (`spec.source` beside `spec.sources`): what is in git, whether deployed or not.
 */
export function writtenSourcesOf(app: AppSpec): AppSource[] {
  const out = sourcesOf(app);
  const many = Array.isArray(app.spec.sources) ? app.spec.sources : [];
  if (many.length > 0 && isMap(app.spec.source))
    out.unshift({
      source: app.spec.source,
      at: join(app.at, 'source'),
      label: 'spec.source (ignored beside spec.sources)',
    });
  return out;
}

/** `Application "web"` or `ApplicationSet "team-apps" (its template)`. */
export function describeApp(obj: KubeObject, app: AppSpec): string {
  return app.kind === 'Application' ? `Application "${obj.name}"` : `ApplicationSet "${obj.name}" (its template)`;
}

/** The project an Application spec names: Argo CD reads an empty one as `default`. */
export function projectOf(app: AppSpec): { name: string; written: boolean } | undefined {
  const p = app.spec.project;
  if (p === undefined || p === null || p === '') return { name: 'default', written: false };
  return typeof p === 'string' ? { name: p, written: true } : undefined;
}

export interface Destination {
  readonly server: string | undefined;
  readonly name: string | undefined;
  readonly namespace: string | undefined;
}

export function destinationOf(app: AppSpec): Destination | undefined {
  const d = app.spec.destination;
  if (!isMap(d)) return undefined;
  const s = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
  return { server: s(d.server), name: s(d.name), namespace: s(d.namespace) };
}

const matchers = new WeakMap<Config, { ns: (s: string) => boolean; cluster: (s: string) => boolean } | null>();

function productionMatchers(config: Config) {
  let m = matchers.get(config);
  if (m === undefined) {
    const prod = config.gitops?.production;
    const compile = (globs: readonly string[] | undefined) =>
      globs && globs.length > 0 ? picomatch([...globs], { dot: true }) : () => false;
    m =
      prod && (prod.namespaces?.length || prod.clusters?.length)
        ? { ns: compile(prod.namespaces), cluster: compile(prod.clusters) }
        : null;
    matchers.set(config, m);
  }
  return m;
}

/** True when config says where production is (`gitops.production`). */
export function productionConfigured(config: Config): boolean {
  return productionMatchers(config) !== null;
}

/**
 * Why a destination is production by config (`namespace "prod"`, `cluster
 * https://prod.example.com`), or undefined. Templated values are never
 * matched: what a generator fills in is not known here.
 */
export function productionReason(dest: Destination | undefined, config: Config): string | undefined {
  const m = productionMatchers(config);
  if (!m || !dest) return undefined;
  for (const c of [dest.server, dest.name])
    if (c !== undefined && !isTemplated(c) && m.cluster(c)) return `cluster "${c}"`;
  if (dest.namespace !== undefined && !isTemplated(dest.namespace) && m.ns(dest.namespace))
    return `namespace "${dest.namespace}"`;
  return undefined;
}

/** A `group`/`kind`/`name` entry of an AppProject resource list. */
export interface GroupKind {
  readonly group: string;
  readonly kind: string;
  readonly name: string | undefined;
}

export function groupKindsOf(v: unknown): Array<{ gk: GroupKind; index: number }> {
  if (!Array.isArray(v)) return [];
  const out: Array<{ gk: GroupKind; index: number }> = [];
  v.forEach((e, index) => {
    if (!isMap(e)) return;
    const group = typeof e.group === 'string' ? e.group : '';
    const kind = typeof e.kind === 'string' ? e.kind : '';
    const name = typeof e.name === 'string' && e.name !== '' ? e.name : undefined;
    out.push({ gk: { group, kind, name }, index });
  });
  return out;
}

const globCache = new Map<string, RegExp | null>();

/**
 * Go's `filepath.Match`, which Argo CD uses for an AppProject's group and
 * kind patterns: `*` is any run of characters but `/` (the empty one too, so
 * `*` matches the core group `""`), `?` one character, `[...]` a class, `\\`
 * escapes. A malformed pattern matches nothing, as in Go.
 */
export function globMatches(pattern: string, value: string): boolean {
  if (pattern === '*') return !value.includes('/');
  let re = globCache.get(pattern);
  if (re === undefined) {
    re = goGlobToRegExp(pattern);
    if (globCache.size > 1000) globCache.clear();
    globCache.set(pattern, re);
  }
  return re?.test(value) ?? false;
}

function goGlobToRegExp(p: string): RegExp | null {
  let out = '^';
  for (let i = 0; i < p.length; i++) {
    const c = p[i] as string;
    if (c === '*') out += '[^/]*';
    else if (c === '?') out += '[^/]';
    else if (c === '\\') {
      const next = p[++i];
      if (next === undefined) return null;
      out += escapeRe(next);
    } else if (c === '[') {
      const end = p.indexOf(']', i + 2);
      if (end < 0) return null;
      // Go's class syntax (ranges, `^` negation, `\\` escapes) reads the same in a RegExp class
      out += `[${p.slice(i + 1, end)}]`;
      i = end;
    } else out += escapeRe(c);
  }
  try {
    return new RegExp(`${out}$`, 's');
  } catch {
    return null;
  }
}

function escapeRe(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/** True when an entry matches the resource (any name, when the entry names none or `*`). */
export function entryMatches(entry: GroupKind, group: string, kind: string): boolean {
  return globMatches(entry.group, group) && globMatches(entry.kind, kind);
}
