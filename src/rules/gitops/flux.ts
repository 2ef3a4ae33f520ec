/**
 * Facts about Flux objects that several Flux rules read: which toolkit kind an
 * object is (by API group, so another project's `Kustomization` is left
 * alone), its source references with their JSON pointers, where it deploys and
 * whether config calls that production, and semantic-version ranges as Flux
 * resolves them (Masterminds semver constraints). Every reader tolerates any
 * shape: rules report, they do not throw.
 */
import picomatch from 'picomatch';
import type { Config } from '../../config/config.js';
import type { Inventory } from '../../model/inventory.js';
import type { KubeObject } from '../../model/kube-object.js';
import { join } from '../../model/pointer.js';

export type Json = Record<string, unknown>;

export function isMap(v: unknown): v is Json {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

/** A non-empty string, else undefined. */
export function text(v: unknown): string | undefined {
  return typeof v === 'string' && v.trim() !== '' ? v : undefined;
}

const GROUP_OF: Readonly<Record<string, string>> = {
  GitRepository: 'source.toolkit.fluxcd.io',
  OCIRepository: 'source.toolkit.fluxcd.io',
  HelmRepository: 'source.toolkit.fluxcd.io',
  Bucket: 'source.toolkit.fluxcd.io',
  HelmChart: 'source.toolkit.fluxcd.io',
  ExternalArtifact: 'source.toolkit.fluxcd.io',
  Kustomization: 'kustomize.toolkit.fluxcd.io',
  HelmRelease: 'helm.toolkit.fluxcd.io',
  ArtifactGenerator: 'source.extensions.fluxcd.io',
  ImageRepository: 'image.toolkit.fluxcd.io',
};

/** The kinds source-controller serves (and the artifacts other controllers hand it). */
export const SOURCE_KINDS = ['GitRepository', 'OCIRepository', 'HelmRepository', 'Bucket', 'HelmChart'] as const;

/** True when `obj` is Flux's `kind` (any version of its API group), not a same-named kind of another project. */
export function isFlux(obj: KubeObject, kind?: string): boolean {
  const k = kind ?? obj.kind;
  if (kind !== undefined && obj.kind !== kind) return false;
  const group = GROUP_OF[k];
  return group !== undefined && obj.apiVersion.startsWith(`${group}/`);
}

/** `spec` when it is a map. */
export function specOf(obj: KubeObject): Json | undefined {
  const spec = obj.raw.spec;
  return isMap(spec) ? spec : undefined;
}

/** `GitRepository "flux-system"`. */
export function describeFlux(obj: KubeObject): string {
  return `${obj.kind} "${obj.name}"`;
}

// ---------------------------------------------------------------------------
// references to sources

export interface SourceRef {
  readonly kind: string;
  readonly name: string;
  /** As written; undefined means the referrer's own namespace. */
  readonly namespace: string | undefined;
  /** Pointer to the reference object. */
  readonly at: string;
  /** `spec.sourceRef`, `spec.chart.spec.sourceRef`, ... for messages. */
  readonly label: string;
  /** False for references that cannot name another namespace (HelmChart, GitRepository include). */
  readonly mayCrossNamespace: boolean;
}

function refAt(v: unknown, at: string, label: string, defaultKind?: string, mayCross = true): SourceRef | undefined {
  if (!isMap(v)) return undefined;
  const kind = text(v.kind) ?? defaultKind;
  const name = text(v.name);
  if (!kind || !name) return undefined;
  const namespace = mayCross ? text(v.namespace) : undefined;
  return { kind, name, namespace, at, label, mayCrossNamespace: mayCross };
}

/**
 * The sources a Flux object reads: a Kustomization's `spec.sourceRef`, a
 * HelmRelease's `spec.chart.spec.sourceRef` or `spec.chartRef`, a HelmChart's
 * `spec.sourceRef`, a GitRepository's `spec.include[].repository`.
 */
export function sourceRefsOf(obj: KubeObject): SourceRef[] {
  const spec = specOf(obj);
  if (!spec) return [];
  const out: SourceRef[] = [];
  const push = (r: SourceRef | undefined) => {
    if (r) out.push(r);
  };
  if (isFlux(obj, 'Kustomization')) push(refAt(spec.sourceRef, '/spec/sourceRef', 'spec.sourceRef'));
  else if (isFlux(obj, 'HelmRelease')) {
    const chart = spec.chart;
    if (isMap(chart) && isMap(chart.spec))
      push(refAt(chart.spec.sourceRef, '/spec/chart/spec/sourceRef', 'spec.chart.spec.sourceRef'));
    push(refAt(spec.chartRef, '/spec/chartRef', 'spec.chartRef'));
  } else if (isFlux(obj, 'HelmChart'))
    push(refAt(spec.sourceRef, '/spec/sourceRef', 'spec.sourceRef', undefined, false));
  else if (isFlux(obj, 'GitRepository') && Array.isArray(spec.include))
    spec.include.forEach((inc, i) => {
      if (isMap(inc))
        push(
          refAt(
            inc.repository,
            join('/spec/include', i, 'repository'),
            `spec.include[${i}].repository`,
            'GitRepository',
            false,
          ),
        );
    });
  return out;
}

/** The namespace a reference resolves in: its own, else the referrer's (undefined when neither is written). */
export function refNamespace(ref: SourceRef, referrer: KubeObject): string | undefined {
  return ref.namespace ?? referrer.namespace;
}

/**
 * The objects of `inv` that `ref` names. An ExternalArtifact is also made by
 * an ArtifactGenerator (`spec.artifacts[].name`, in the generator's
 * namespace). A side whose namespace is not written (applied with `-n`, set by
 * a kustomization later) matches any namespace.
 */
export function resolveRef(ref: SourceRef, referrer: KubeObject, inv: Inventory): KubeObject[] {
  const ns = refNamespace(ref, referrer);
  const sameNs = (o: KubeObject) => ns === undefined || o.namespace === undefined || o.namespace === ns;
  const found = inv.ofKind(ref.kind).filter((o) => isFlux(o, ref.kind) && o.name === ref.name && sameNs(o));
  if (ref.kind === 'ExternalArtifact')
    for (const g of inv.ofKind('ArtifactGenerator')) {
      if (!isFlux(g, 'ArtifactGenerator') || !sameNs(g)) continue;
      const arts = specOf(g)?.artifacts;
      if (Array.isArray(arts) && arts.some((a) => isMap(a) && a.name === ref.name)) found.push(g);
    }
  return found;
}

/** Objects of `inv` that read `source` (Kustomizations, HelmReleases, HelmCharts, including GitRepositories). */
export function consumersOf(source: KubeObject, inv: Inventory): Array<{ obj: KubeObject; ref: SourceRef }> {
  const out: Array<{ obj: KubeObject; ref: SourceRef }> = [];
  for (const kind of ['Kustomization', 'HelmRelease', 'HelmChart', 'GitRepository'])
    for (const o of inv.ofKind(kind)) {
      if (!isFlux(o, kind)) continue;
      for (const ref of sourceRefsOf(o)) {
        if (ref.kind !== source.kind || ref.name !== source.name) continue;
        const ns = refNamespace(ref, o);
        if (ns === undefined || source.namespace === undefined || ns === source.namespace) out.push({ obj: o, ref });
      }
    }
  return out;
}

// ---------------------------------------------------------------------------
// production

interface ProductionMatchers {
  readonly ns: (s: string) => boolean;
  readonly path: (s: string) => boolean;
}

const matchers = new WeakMap<Config, ProductionMatchers | null>();

function productionMatchers(config: Config): ProductionMatchers | null {
  let m = matchers.get(config);
  if (m === undefined) {
    const prod = config.gitops?.production;
    const compile = (globs: readonly string[] | undefined) =>
      globs && globs.length > 0 ? picomatch([...globs], { dot: true }) : () => false;
    m =
      prod && (prod.namespaces?.length || prod.paths?.length)
        ? { ns: compile(prod.namespaces), path: compile(prod.paths) }
        : null;
    matchers.set(config, m);
  }
  return m;
}

/** True when config says where Flux's production is (`gitops.production.namespaces` or `paths`). */
export function fluxProductionConfigured(config: Config): boolean {
  return productionMatchers(config) !== null;
}

/** True when a glob matches the path or any run of its trailing segments (`clusters/production/**` wherever the repository lies). */
function pathMatches(match: (s: string) => boolean, path: string): boolean {
  const segs = path
    .replace(/\\/g, '/')
    .split('/')
    .filter((s) => s !== '' && s !== '.');
  for (let i = 0; i < segs.length; i++) if (match(segs.slice(i).join('/'))) return true;
  return false;
}

/** Why an object is production: a clause that reads after "it" (`deploys to namespace "prod"`). */
function ownReason(obj: KubeObject, config: Config): string | undefined {
  const m = productionMatchers(config);
  if (!m) return undefined;
  const file = obj.source?.file;
  if (file && file !== '-' && pathMatches(m.path, file)) return `is defined in ${file} (gitops.production.paths)`;
  if (obj.scope && obj.scope !== file && pathMatches(m.path, obj.scope))
    return `is rendered from ${obj.scope} (gitops.production.paths)`;
  const spec = specOf(obj);
  let dest: string | undefined;
  if (isFlux(obj, 'HelmRelease')) dest = text(spec?.targetNamespace) ?? obj.namespace;
  else if (isFlux(obj, 'Kustomization')) dest = text(spec?.targetNamespace);
  if (dest !== undefined && m.ns(dest)) return `deploys to namespace "${dest}"`;
  return undefined;
}

/**
 * Why a Flux object is production by its own place or destination, or
 * undefined: its file or render root matches `gitops.production.paths`, or it
 * deploys into a production namespace (a HelmRelease: `spec.targetNamespace`,
 * else its own namespace; a Kustomization: `spec.targetNamespace`).
 */
export function ownProductionReason(obj: KubeObject, config: Config): string | undefined {
  const why = ownReason(obj, config);
  return why ? `it ${why}` : undefined;
}

/**
 * Why a source is production: its own place, or a Kustomization, HelmRelease
 * or HelmChart of the scope that reads it (directly, or through a HelmChart)
 * and is production.
 */
export function sourceProductionReason(source: KubeObject, config: Config, scope: Inventory): string | undefined {
  const own = ownProductionReason(source, config);
  if (own) return own;
  const seen = new Set<KubeObject>([source]);
  const queue = [source];
  while (queue.length > 0) {
    const s = queue.shift() as KubeObject;
    for (const { obj } of consumersOf(s, scope)) {
      if (seen.has(obj)) continue;
      seen.add(obj);
      const why = ownReason(obj, config);
      if (why) return `${describeFlux(obj)} uses it and ${why}`;
      if (obj.kind === 'HelmChart' || obj.kind === 'GitRepository') queue.push(obj);
    }
  }
  return undefined;
}

// ---------------------------------------------------------------------------
// semantic-version ranges (Masterminds semver v3, which Flux uses)

/** An exact version, `v` prefix and `=` allowed: `1.2.3`, `=v1.2.3-rc.1+b`. */
const EXACT = /^=?\s*v?\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;

/** What a version constraint resolves to. */
export type VersionRange = { $case: 'exact' } | { $case: 'bounded' } | { $case: 'unbounded'; why: string };

/**
 * Judge a Masterminds constraint: `||` separates alternatives, each a list of
 * comparisons (space or comma separated). An alternative is bounded when one
 * of its terms caps the version: `<`, `<=`, `~`, `^`, a hyphen range, an
 * exact or partial version (`1.2.3`, `1.x`, `2`, `=1.4`), or `~>`. `*`, `x`,
 * an empty constraint, or only `>`/`>=`/`!=` terms let any newer major in.
 */
export function versionRange(constraint: string): VersionRange {
  const c = constraint.trim();
  if (EXACT.test(c)) return { $case: 'exact' };
  if (c === '' || c === '*' || /^[xX]$/.test(c)) return { $case: 'unbounded', why: c === '' ? 'no version' : `"${c}"` };
  for (const alt of c.split('||')) {
    const a = alt.trim();
    if (a === '' || a === '*' || /^[xX]$/.test(a)) return { $case: 'unbounded', why: `"${c}"` };
    // a hyphen range `1.2 - 1.4.5` caps the version
    if (/\s-\s/.test(a)) continue;
    const terms = a
      .replace(/([<>=!~^]+)\s+/g, '$1')
      .split(/[\s,]+/)
      .filter((t) => t !== '');
    const capped = terms.some((t) => {
      if (/^(?:<|<=|=<|~>?|\^)/.test(t)) return true;
      if (/^(?:>|>=|=>|!=)/.test(t)) return false;
      const v = t.replace(/^=/, '').replace(/^v/, '');
      // a version, partial or with wildcards, caps at its first wildcard: `1.x`, `1.2.*`, `2`; `*` alone does not
      return /^\d+(?:\.(?:\d+|[xX*]))*(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/.test(v);
    });
    if (!capped) return { $case: 'unbounded', why: `"${c}"` };
  }
  return { $case: 'bounded' };
}

// ---------------------------------------------------------------------------
// URLs

/** The host of a URL (or of `host:port/path`), lower case. */
export function hostOf(url: string): string {
  const m = /^\s*(?:[a-z][a-z0-9+.-]*:\/\/)?(?:[^@/]*@)?(\[[^\]]*\]|[^/:?#]+)/i.exec(url);
  return (m?.[1] ?? '').toLowerCase();
}

/** A host inside the cluster (`*.svc`, `*.svc.cluster.local`): plain text stays on the pod network. */
export function inClusterHost(url: string): boolean {
  return /\.svc(?:\.cluster\.local)?\.?$/.test(hostOf(url));
}

// ---------------------------------------------------------------------------
// URL globs (gitops.allowedSources, gitops.requireVerification)

const urlGlobCache = new Map<string, RegExp>();

/**
 * A URL glob as Kyverno's patterns read: `*` any run of characters (`/`
 * included), `?` one character, everything else literal; case-insensitive
 * (hosts are), whole value.
 */
export function urlGlobMatches(glob: string, value: string): boolean {
  let re = urlGlobCache.get(glob);
  if (!re) {
    const body = [...glob].map((c) => (c === '*' ? '.*' : c === '?' ? '.' : c.replace(/[.+^${}()|[\]\\/]/g, '\\$&')));
    re = new RegExp(`^${body.join('')}$`, 'is');
    if (urlGlobCache.size > 1000) urlGlobCache.clear();
    urlGlobCache.set(glob, re);
  }
  return re.test(value.trim());
}

/** The URL a source reads from, for allowlists: `spec.url`, a Bucket's `spec.endpoint`, an ImageRepository's `spec.image`. */
export function sourceUrlOf(obj: KubeObject): { url: string; path: string } | undefined {
  const spec = specOf(obj);
  if (!spec) return undefined;
  if (obj.kind === 'Bucket') {
    const e = text(spec.endpoint);
    return e ? { url: e, path: '/spec/endpoint' } : undefined;
  }
  if (obj.kind === 'ImageRepository') {
    const i = text(spec.image);
    return i ? { url: i, path: '/spec/image' } : undefined;
  }
  const u = text(spec.url);
  return u ? { url: u, path: '/spec/url' } : undefined;
}

// ---------------------------------------------------------------------------
// tenancy (gitops.flux)

const adminMatchers = new WeakMap<Config, (ns: string) => boolean>();

/** True when config says Flux runs locked down for tenants (`gitops.flux.multiTenant`). */
export function multiTenant(config: Config): boolean {
  return config.gitops?.flux?.multiTenant === true;
}

/** True for a namespace of the platform admins (`gitops.flux.adminNamespaces`, default `flux-system`). */
export function isAdminNamespace(ns: string | undefined, config: Config): boolean {
  if (ns === undefined) return false;
  let m = adminMatchers.get(config);
  if (!m) {
    const globs = config.gitops?.flux?.adminNamespaces ?? ['flux-system'];
    m = globs.length > 0 ? picomatch([...globs], { dot: true }) : () => false;
    adminMatchers.set(config, m);
  }
  return m(ns);
}
