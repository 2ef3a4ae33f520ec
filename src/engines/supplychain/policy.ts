/**
 * Image policy, resolved (keys parsed, aliases expanded), and the pure checks
 * on attestation contents: SLSA provenance constraints and SBOM package denial.
 */
import picomatch from 'picomatch';
import type { ExpectedSigner } from './bundle-verify.js';
import type { InTotoStatement } from './cosign.js';
import { type IdentityMatcher, matchesIdentity } from './identity.js';

/** A signer with a name for messages (`key cosign.pub`, `keyless https://...`). */
export type NamedSigner = ExpectedSigner & { label: string };

export interface SlsaConstraints {
  builderId?: IdentityMatcher;
  sourceRepository?: IdentityMatcher;
  ref?: IdentityMatcher;
}

export interface DeniedPackage {
  name: string;
  /** A version range (`<2.17.0`, `>=1.0 <1.4 || 2.0.1`); absent: every version. */
  versions?: string;
}

export interface AttestationRequirement {
  /** Full predicate type URI. */
  predicateType: string;
  /** Who must have signed it; the policy's signers when absent. */
  signers?: NamedSigner[];
  slsa?: SlsaConstraints;
  denyPackages?: DeniedPackage[];
}

export interface ImagePolicy {
  name: string;
  /** Globs over `registry/repository`. */
  images: string[];
  /** Registries (globs) images under this policy may come from. */
  allowedRegistries?: string[];
  /** Any one of them must have signed the image; none: no signature required. */
  signers: NamedSigner[];
  attestations: AttestationRequirement[];
  /** Reject keyed signatures without a transparency-log entry. */
  requireTlog: boolean;
  /** For an image index, require every platform manifest to satisfy the policy too (default: the index only). */
  verifyPlatforms?: boolean;
}

export type UnmatchedAction = 'deny' | 'warn' | 'ignore';

export interface ImagesPolicy {
  policies: ImagePolicy[];
  unmatched: UnmatchedAction;
}

/** Short names for the predicate types cosign writes, and what they mean. */
export const PREDICATE_ALIASES: Record<string, string> = {
  slsaprovenance: 'https://slsa.dev/provenance/v0.2',
  slsaprovenance02: 'https://slsa.dev/provenance/v0.2',
  slsaprovenance1: 'https://slsa.dev/provenance/v1',
  cyclonedx: 'https://cyclonedx.org/bom',
  spdx: 'https://spdx.dev/Document',
  spdxjson: 'https://spdx.dev/Document',
  vuln: 'https://cosign.sigstore.dev/attestation/vuln/v1',
};

export function predicateTypeURI(t: string): string {
  return PREDICATE_ALIASES[t.toLowerCase()] ?? t;
}

/** The first policy whose image globs match `registry/repository`. */
export function policyFor(policies: ImagePolicy[], name: string): ImagePolicy | undefined {
  return policies.find((p) => p.images.some((g) => picomatch.isMatch(name, g, { dot: true })));
}

export function registryAllowed(policy: ImagePolicy, registry: string): boolean {
  if (!policy.allowedRegistries || policy.allowedRegistries.length === 0) return true;
  return policy.allowedRegistries.some((g) => picomatch.isMatch(registry, g, { dot: true }));
}

/** What a statement violates of a requirement's content constraints (empty when nothing). */
export function statementProblems(req: AttestationRequirement, st: InTotoStatement): string[] {
  const problems: string[] = [];
  if (req.slsa) problems.push(...slsaProblems(req.slsa, st));
  if (req.denyPackages && req.denyPackages.length > 0) problems.push(...sbomProblems(req.denyPackages, st));
  return problems;
}

interface Provenance {
  builderId?: string;
  sourceRepository?: string;
  ref?: string;
}

/** Builder, source repository and ref from SLSA provenance v0.2 or v1. */
export function provenanceFacts(st: InTotoStatement): Provenance {
  const p = asRecord(st.predicate);
  const out: Provenance = {};
  if (st.predicateType === 'https://slsa.dev/provenance/v1') {
    const id = str(asRecord(asRecord(p.runDetails).builder).id);
    if (id !== undefined) out.builderId = id;
    const ext = asRecord(asRecord(p.buildDefinition).externalParameters);
    const wf = asRecord(ext.workflow);
    const repo = str(wf.repository) ?? str(ext.source) ?? str(ext.repository);
    const ref = str(wf.ref) ?? str(ext.ref);
    const dep = asRecord((asRecord(p.buildDefinition).resolvedDependencies as unknown[] | undefined)?.[0]);
    const split = splitURI(str(dep.uri));
    const r = repo ?? split.repo;
    const f = ref ?? split.ref;
    if (r !== undefined) out.sourceRepository = r;
    if (f !== undefined) out.ref = f;
    return out;
  }
  const id = str(asRecord(p.builder).id);
  if (id !== undefined) out.builderId = id;
  const cs = asRecord(asRecord(p.invocation).configSource);
  const material = asRecord((p.materials as unknown[] | undefined)?.[0]);
  const split = splitURI(str(cs.uri) ?? str(material.uri));
  if (split.repo !== undefined) out.sourceRepository = split.repo;
  if (split.ref !== undefined) out.ref = split.ref;
  return out;
}

/** `git+https://github.com/org/repo@refs/heads/main` → repo and ref. */
function splitURI(uri: string | undefined): { repo?: string; ref?: string } {
  if (uri === undefined) return {};
  const u = uri.replace(/^git\+/, '');
  const at = u.lastIndexOf('@');
  if (at > u.indexOf('://') + 3 && at > 0) return { repo: u.slice(0, at), ref: u.slice(at + 1) };
  return { repo: u };
}

function slsaProblems(c: SlsaConstraints, st: InTotoStatement): string[] {
  if (!st.predicateType.startsWith('https://slsa.dev/provenance/')) return ['not a SLSA provenance predicate'];
  const facts = provenanceFacts(st);
  const problems: string[] = [];
  const check = (what: keyof Provenance, m: IdentityMatcher | undefined, label: string) => {
    if (m && !matchesIdentity(m, facts[what])) {
      problems.push(
        `${label} is ${facts[what] ?? '(none)'}, expected ${m.$case === 'exact' ? m.value : `/${m.pattern}/`}`,
      );
    }
  };
  check('builderId', c.builderId, 'provenance builder id');
  check('sourceRepository', c.sourceRepository, 'provenance source repository');
  check('ref', c.ref, 'provenance source ref');
  return problems;
}

interface SbomPackage {
  name: string;
  version?: string;
}

/** Packages of a CycloneDX or SPDX predicate. */
export function sbomPackages(st: InTotoStatement): SbomPackage[] {
  const p = asRecord(st.predicate);
  const out: SbomPackage[] = [];
  const walk = (list: unknown) => {
    if (!Array.isArray(list)) return;
    for (const c of list) {
      const r = asRecord(c);
      const name = str(r.name);
      if (name !== undefined) {
        const version = str(r.version) ?? str(r.versionInfo);
        out.push(version === undefined ? { name } : { name, version });
      }
      walk(r.components);
    }
  };
  walk(p.components); // CycloneDX
  walk(p.packages); // SPDX
  return out;
}

function sbomProblems(denied: DeniedPackage[], st: InTotoStatement): string[] {
  const problems: string[] = [];
  for (const pkg of sbomPackages(st)) {
    for (const d of denied) {
      if (d.name !== pkg.name) continue;
      if (d.versions === undefined || (pkg.version !== undefined && versionInRange(pkg.version, d.versions))) {
        problems.push(
          `SBOM lists denied package ${pkg.name}${pkg.version ? `@${pkg.version}` : ''}${d.versions ? ` (${d.versions})` : ''}`,
        );
      }
    }
  }
  return problems;
}

/** Compare dotted versions numerically where both parts are numbers (`1.10` > `1.9`). */
export function compareVersions(a: string, b: string): number {
  const pa = a.replace(/^v/, '').split(/[.+-]/);
  const pb = b.replace(/^v/, '').split(/[.+-]/);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i] ?? '0';
    const y = pb[i] ?? '0';
    const nx = /^\d+$/.test(x) ? Number(x) : Number.NaN;
    const ny = /^\d+$/.test(y) ? Number(y) : Number.NaN;
    const c = !Number.isNaN(nx) && !Number.isNaN(ny) ? nx - ny : x < y ? -1 : x > y ? 1 : 0;
    if (c !== 0) return c < 0 ? -1 : 1;
  }
  return 0;
}

/**
 * True when `version` is in `range`: alternatives joined by `||`, each a
 * space-separated conjunction of `<`, `<=`, `>`, `>=`, `=` comparisons (a bare
 * version means `=`; `*` means any).
 */
export function versionInRange(version: string, range: string): boolean {
  return range.split('||').some((alt) => {
    const parts = alt.trim().split(/\s+/).filter(Boolean);
    if (parts.length === 0) return false;
    return parts.every((part) => {
      if (part === '*') return true;
      const m = /^(<=|>=|<|>|=)?\s*(.+)$/.exec(part);
      if (!m) return false;
      const c = compareVersions(version, m[2] as string);
      switch (m[1]) {
        case '<':
          return c < 0;
        case '<=':
          return c <= 0;
        case '>':
          return c > 0;
        case '>=':
          return c >= 0;
        default:
          return c === 0;
      }
    });
  });
}

/** Why a version range is malformed, or undefined. */
export function versionRangeProblem(range: string): string | undefined {
  for (const alt of range.split('||')) {
    const parts = alt.trim().split(/\s+/).filter(Boolean);
    if (parts.length === 0) return `empty alternative in "${range}"`;
    for (const p of parts)
      if (p !== '*' && !/^(<=|>=|<|>|=)?[0-9A-Za-z][0-9A-Za-z.+-]*$/.test(p))
        return `"${p}" is not a version comparison`;
  }
  return undefined;
}

function asRecord(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}
function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}
