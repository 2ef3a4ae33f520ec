import { createHash } from 'node:crypto';
import type { FindingFix } from '../fix/sarif-fixes.js';
import { fingerprintOf } from '../gitops/baseline.js';
import type { Finding, ScanResult } from '../model/finding.js';
import { objectKey } from '../model/kube-object.js';
import type { Category, Severity } from '../model/severity.js';
import type { RuleMeta } from '../rules/rule.js';
import { JsonArray, jsonChunks, mapped } from './json-chunks.js';
import type { ReportContext, Reporter } from './reporter.js';
import { objectLabel } from './summary.js';

/**
 * SARIF 2.1.0 for GitHub code scanning.
 *
 * The rule table lists the rules that have results in this log (in the order
 * of `ctx.rules`, then any rule id not in `ctx.rules`, such as a source's
 * problem ids, in first-seen order): GitHub reads rule metadata only through
 * results, and a log that repeats every rule on every run only grows.
 */
export const sarifReporter: Reporter = {
  name: 'sarif',
  render(result: ScanResult, ctx: ReportContext): string {
    return `${JSON.stringify(toSarif(result, ctx), null, 2)}\n`;
  },
  *chunks(result: ScanResult, ctx: ReportContext): Generator<string> {
    // The same value as toSarif, its results made one at a time as they are written.
    yield* jsonChunks(sarifLog(result, ctx, (findings, toResult) => new JsonArray(mapped(findings, toResult))));
    yield '\n';
  },
};

export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';
/** The project's public page; GitHub links the tool name to it. */
export const INFORMATION_URI = 'https://www.npmjs.com/package/kubeprint';
/**
 * Key of kubeprint's own entry in `partialFingerprints`; bump the suffix if the
 * hashed inputs ever change (v2: the finding's fingerprint, docs/adr/0009).
 */
export const FINGERPRINT_KEY = 'kubeprint/v2';

/** GitHub maps these to its critical/high/medium/low bands (>= 9.0, 7.0-8.9, 4.0-6.9, 0.1-3.9). */
const SECURITY_SEVERITY: Record<Severity, string> = {
  critical: '9.5',
  high: '7.5',
  medium: '5.0',
  low: '3.0',
  info: '1.0',
};

type Level = 'error' | 'warning' | 'note';
const LEVEL: Record<Severity, Level> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
  info: 'note',
};

/**
 * GitHub applies `security-severity` only to rules tagged `security`. Resilience
 * rules (replicas, probes, budgets) are reliability findings and keep plain
 * error/warning/note levels.
 */
const NOT_SECURITY: ReadonlySet<Category> = new Set(['resilience']);

// Only the SARIF properties kubeprint writes; enough to keep the builder honest.
interface SarifLog<Results = SarifResult[]> {
  $schema: string;
  version: '2.1.0';
  runs: SarifRun<Results>[];
}
interface SarifRun<Results> {
  tool: { driver: SarifDriver };
  columnKind: 'utf16CodeUnits';
  results: Results;
}
interface SarifDriver {
  name: string;
  version: string;
  informationUri: string;
  rules: SarifRule[];
}
interface Text {
  text: string;
}
interface SarifRule {
  id: string;
  name: string;
  shortDescription: Text;
  fullDescription?: Text;
  help?: { text: string; markdown: string };
  helpUri?: string;
  defaultConfiguration: { level: Level };
  properties: { tags: string[]; 'security-severity': string; precision: 'very-high' };
}
interface SarifLocation {
  physicalLocation?: {
    artifactLocation: { uri: string; uriBaseId?: string };
    region?: { startLine: number; startColumn?: number };
  };
  logicalLocations?: { name: string; fullyQualifiedName: string; kind: string }[];
}
interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: Level;
  message: Text;
  locations?: SarifLocation[];
  partialFingerprints: Record<string, string>;
  /** With a baseline, every result is a new one (the others are not in the log). */
  baselineState?: 'new';
  suppressions?: { kind: 'inSource' | 'external'; status: 'accepted'; justification: string; properties: object }[];
  properties: { severity: Severity; category: Category; path?: string; roots?: string[]; deployedBy?: string[] };
  fixes?: SarifFix[];
}
interface SarifFix {
  description: Text;
  artifactChanges: Array<{
    artifactLocation: { uri: string; uriBaseId?: string };
    replacements: Array<{ deletedRegion: { charOffset: number; charLength: number }; insertedContent?: Text }>;
  }>;
}

/** The log as a value (for the library API and tests). */
export function toSarif(result: ScanResult, ctx: ReportContext): SarifLog {
  return sarifLog(result, ctx, (findings, toResult) => Array.from(findings, toResult));
}

/**
 * The log, its results made by `results` from the findings in order (each
 * finding's result must be made once, in that order: fingerprints count
 * repeats).
 */
function sarifLog<Results>(
  result: ScanResult,
  ctx: ReportContext,
  results: (findings: Iterable<Finding>, toResult: (f: Finding) => SarifResult) => Results,
): SarifLog<Results> {
  const findings = ctx.showExempted ? both(result.findings, result.exempted) : result.findings;
  const rules = ruleTable(findings, ctx.rules);
  const index = new Map(rules.map((r, i) => [r.id, i]));
  const seen = new Map<string, number>();
  return {
    $schema: SARIF_SCHEMA_URI,
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'kubeprint', version: ctx.toolVersion, informationUri: INFORMATION_URI, rules } },
        // Columns come from JavaScript string offsets.
        columnKind: 'utf16CodeUnits',
        results: results(findings, (f) => {
          const r = sarifResult(f, index.get(f.ruleId) ?? 0, seen);
          const fix = ctx.fixes?.get(f);
          if (fix) r.fixes = [sarifFix(fix)];
          if (result.baseline && !f.exemption) r.baselineState = 'new';
          return r;
        }),
      },
    ],
  };
}

/** Both lists, one after the other, without copying them into one. */
function both<T>(a: readonly T[], b: readonly T[]): Iterable<T> {
  return {
    *[Symbol.iterator]() {
      yield* a;
      yield* b;
    },
  };
}

function ruleTable(findings: Iterable<Finding>, metas: readonly RuleMeta[]): SarifRule[] {
  const used = new Map<string, Finding>();
  for (const f of findings) if (!used.has(f.ruleId)) used.set(f.ruleId, f);
  const out: SarifRule[] = [];
  for (const meta of metas) {
    if (used.has(meta.id)) {
      out.push(describeRule(meta));
      used.delete(meta.id);
    }
  }
  // Ids without metadata (a source's `yaml-invalid`, a rule missing from ctx.rules): a minimal entry.
  for (const [id, f] of used) {
    out.push({
      id,
      name: pascalCase(id),
      shortDescription: { text: id },
      defaultConfiguration: { level: LEVEL[f.severity] },
      properties: {
        tags: tagsFor(f.category),
        'security-severity': SECURITY_SEVERITY[f.severity],
        precision: 'very-high',
      },
    });
  }
  return out;
}

function describeRule(meta: RuleMeta): SarifRule {
  const refs = meta.references;
  const helpUri = refs.find((r) => r.url)?.url;
  const text = [meta.description, `Remediation: ${meta.remediation}`];
  const markdown = [`**${meta.title}**`, meta.description, `**Remediation:** ${meta.remediation}`];
  if (refs.length > 0) {
    text.push(`References:\n${refs.map((r) => `- ${r.title}${r.url ? ` <${r.url}>` : ''}`).join('\n')}`);
    markdown.push(
      `**References:**\n${refs.map((r) => (r.url ? `- [${r.title}](${r.url})` : `- ${r.title}`)).join('\n')}`,
    );
  }
  const rule: SarifRule = {
    id: meta.id,
    name: pascalCase(meta.id),
    shortDescription: { text: meta.title },
    fullDescription: { text: meta.description },
    help: { text: text.join('\n\n'), markdown: markdown.join('\n\n') },
    ...(helpUri ? { helpUri } : {}),
    defaultConfiguration: { level: LEVEL[meta.severity] },
    properties: {
      tags: tagsFor(meta.category),
      'security-severity': SECURITY_SEVERITY[meta.severity],
      precision: 'very-high',
    },
  };
  return rule;
}

function tagsFor(category: Category): string[] {
  return NOT_SECURITY.has(category) ? ['kubernetes', category] : ['security', 'kubernetes', category];
}

function sarifResult(f: Finding, ruleIndex: number, seen: Map<string, number>): SarifResult {
  const r: SarifResult = {
    ruleId: f.ruleId,
    ruleIndex,
    level: LEVEL[f.severity],
    message: { text: f.message },
    partialFingerprints: { [FINGERPRINT_KEY]: fingerprint(f, seen) },
    properties: { severity: f.severity, category: f.category },
  };
  if (f.path !== undefined) r.properties.path = f.path;
  if (f.roots && f.roots.length > 1) r.properties.roots = [...f.roots];
  // the GitOps objects that deploy it, as `Application argocd/web (apps/web.yaml:3)`
  if (f.deployedBy && f.deployedBy.length > 0)
    r.properties.deployedBy = f.deployedBy.map(
      (d) =>
        `${objectLabel(d)}${d.source ? ` (${d.source.file}${d.source.line !== undefined ? `:${d.source.line}` : ''})` : ''}`,
    );
  const location = locationOf(f);
  if (location) r.locations = [location];
  if (f.exemption) {
    const e = f.exemption;
    const who = [e.owner && `owner ${e.owner}`, e.expires && `expires ${e.expires}`].filter(Boolean);
    r.suppressions = [
      {
        // An annotation lives in the manifest itself; a config exemption lives beside it.
        kind: e.via === 'annotation' ? 'inSource' : 'external',
        status: 'accepted',
        justification: who.length > 0 ? `${e.reason} (${who.join(', ')})` : e.reason,
        properties: {
          via: e.via,
          ...(e.owner ? { owner: e.owner } : {}),
          ...(e.expires ? { expires: e.expires } : {}),
        },
      },
    ];
  }
  return r;
}

/** A fix as SARIF 2.1.0 writes it (§3.55): replacements of regions of the file as scanned. */
function sarifFix(fix: FindingFix): SarifFix {
  return {
    description: { text: fix.description },
    artifactChanges: fix.changes.flatMap((c) => {
      const artifact = artifactLocation(c.file);
      if (!artifact) return [];
      return [
        {
          artifactLocation: artifact,
          replacements: c.replacements.map((r) => ({
            deletedRegion: { charOffset: r.charOffset, charLength: r.charLength },
            ...(r.text ? { insertedContent: { text: r.text } } : {}),
          })),
        },
      ];
    }),
  };
}

/**
 * A physical location for findings from a file (no region without a line),
 * a logical one naming the object. A finding with neither has no location:
 * GitHub cannot place such a result, but other SARIF viewers still list it.
 * A finding that overlays share (one base line, objects in several
 * namespaces) is one result at that line with one logical location per object.
 */
function locationOf(f: Finding): SarifLocation | undefined {
  const loc: SarifLocation = {};
  const artifact = f.source ? artifactLocation(f.source.file) : undefined;
  if (artifact && f.source) {
    loc.physicalLocation = { artifactLocation: artifact };
    if (f.source.line !== undefined) {
      loc.physicalLocation.region = { startLine: f.source.line };
      if (f.source.column !== undefined) loc.physicalLocation.region.startColumn = f.source.column;
    }
  }
  if (f.object) {
    loc.logicalLocations = [f.object, ...(f.otherObjects ?? [])].map((o) => {
      const key = objectKey(o);
      return { name: key, fullyQualifiedName: `${o.apiVersion}/${key}`, kind: 'resource' };
    });
  }
  return loc.physicalLocation || loc.logicalLocations ? loc : undefined;
}

/**
 * The path as given, with forward slashes and percent-encoded segments.
 * Relative paths resolve against `%SRCROOT%` (the repository checkout in
 * GitHub); absolute ones become `file://` URIs; stdin (`-`) has no artifact.
 */
export function artifactLocation(file: string): { uri: string; uriBaseId?: string } | undefined {
  if (file === '' || file === '-') return undefined;
  const slashed = file.replace(/\\/g, '/');
  const drive = /^[A-Za-z]:\//.test(slashed);
  if (drive || slashed.startsWith('/')) {
    const [first = '', ...rest] = (drive ? slashed : slashed.slice(1)).split('/');
    const head = drive ? first : encodeURIComponent(first);
    return { uri: `file:///${[head, ...rest.map(encodeURIComponent)].join('/')}` };
  }
  const relative = slashed.replace(/^(\.\/)+/, '');
  return { uri: relative.split('/').map(encodeURIComponent).join('/'), uriBaseId: '%SRCROOT%' };
}

/**
 * The finding's fingerprint, as `-o json` writes it and `--baseline`
 * compares it (rule, object group/kind/namespace/name, JSON pointer; the
 * file only for a finding about a file; never the line: docs/adr/0009), so
 * that edits above a finding do not make it a new alert. Identical
 * fingerprints within one log (the same object rendered by two overlays at
 * two places) get an occurrence number hashed in from the second on.
 */
function fingerprint(f: Finding, seen: Map<string, number>): string {
  const base = fingerprintOf(f);
  const n = (seen.get(base) ?? 0) + 1;
  seen.set(base, n);
  return n === 1 ? base : createHash('sha256').update(`${base}\u0000${n}`).digest('hex').slice(0, 32);
}

function pascalCase(id: string): string {
  return id
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]?.toUpperCase() + w.slice(1))
    .join('');
}
