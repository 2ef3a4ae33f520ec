import type { Finding, ScanResult } from '../model/finding.js';
import { objectKey } from '../model/kube-object.js';
import { atLeast, type Category, failsAt, type Severity, type Threshold } from '../model/severity.js';
import type { RuleMeta } from '../rules/rule.js';
import type { ReportContext, Reporter } from './reporter.js';
import { locationText } from './summary.js';

/**
 * JUnit XML for CI dashboards.
 *
 * One <testsuite> per rule, one <testcase> per finding, named by its object
 * and field, so that the failure count is the summary's count of findings at
 * or above --fail-on (one definition everywhere). Dashboards (Jenkins, GitLab,
 * Azure DevOps) list failed tests as "suite › case" and track each test's
 * history by that name: per rule, a failure reads "image-digest-not-pinned ›
 * Deployment/prod/web /spec/template/spec/containers/0/image" and stays the
 * same test from run to run, so "new" and "fixed" mean something (a second
 * finding on the same field gets `#2`). Per pillar the suites
 * would be few and huge, and a case name would have to carry the rule anyway.
 * `classname` is `kubeprint.<pillar>.<rule>` so that Jenkins' package view
 * still groups by pillar.
 *
 * The test outcome follows the exit code: findings at or above --fail-on are
 * <failure>s; findings below it leave the case passing and are listed in its
 * <system-out>; exempted findings (with --show-exempted) are <skipped> with
 * the exemption's reason. A rule of `ctx.rules` with no finding gets one
 * passing case, so dashboards show it ran.
 */
export const junitReporter: Reporter = {
  name: 'junit',
  render(result: ScanResult, ctx: ReportContext): string {
    return [...junitChunks(result, ctx)].join('');
  },
  chunks: junitChunks,
};

/** The document, one suite at a time; every line ends in a newline. */
function* junitChunks(result: ScanResult, ctx: ReportContext): Generator<string> {
  const suites = buildSuites(result, ctx);
  let tests = 0;
  let failures = 0;
  let skipped = 0;
  const counted = suites.map((suite) => {
    const counts = {
      tests: suite.cases.length,
      failures: suite.cases.filter((c) => c.failing.length > 0).length,
      skipped: suite.cases.filter((c) => c.failing.length === 0 && c.passing.length === 0 && c.exempted.length > 0)
        .length,
    };
    tests += counts.tests;
    failures += counts.failures;
    skipped += counts.skipped;
    return { suite, counts };
  });
  const head = attrs({
    name: 'kubeprint',
    tests,
    failures,
    errors: 0,
    skipped,
    time: (result.stats.durationMs / 1000).toFixed(3),
  });
  yield `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites${head}>\n`;
  for (const { suite, counts } of counted) {
    const body: string[] = [];
    body.push(
      `  <testsuite${attrs({ name: suite.id, tests: counts.tests, failures: counts.failures, errors: 0, skipped: counts.skipped })}>`,
    );
    body.push('    <properties>');
    for (const [name, value] of [
      ['category', suite.category],
      ['severity', suite.severity],
      ['title', suite.title],
    ] as const)
      if (value !== undefined) body.push(`      <property${attrs({ name, value })}/>`);
    body.push('    </properties>');
    yield `${body.join('\n')}\n`;
    // A suite can hold a case per object of the cluster: written a few hundred cases at a time.
    let lines: string[] = [];
    for (const c of suite.cases) {
      for (const line of renderCase(suite, c, ctx.failOn)) lines.push(line);
      if (lines.length >= 500) {
        yield `${lines.join('\n')}\n`;
        lines = [];
      }
    }
    lines.push('  </testsuite>');
    yield `${lines.join('\n')}\n`;
  }
  yield '</testsuites>\n';
}

interface Suite {
  id: string;
  category: Category | undefined;
  severity: Severity | undefined;
  title: string | undefined;
  cases: Case[];
}

interface Case {
  name: string;
  file: string | undefined;
  line: number | undefined;
  failing: Finding[];
  passing: Finding[];
  exempted: Finding[];
}

function buildSuites(result: ScanResult, ctx: ReportContext): Suite[] {
  const suites = new Map<string, Suite>();
  const suiteFor = (id: string, meta: RuleMeta | undefined, f: Finding | undefined): Suite => {
    let s = suites.get(id);
    if (!s) {
      s = {
        id,
        category: meta?.category ?? f?.category,
        severity: meta?.severity,
        title: meta?.title,
        cases: [],
      };
      suites.set(id, s);
    }
    return s;
  };
  // Rule order first, so that suites come out in the registry's order.
  for (const meta of ctx.rules) suiteFor(meta.id, meta, undefined);
  const seen = new Map<string, number>();
  const add = (f: Finding, bucket: (c: Case) => Finding[]): void => {
    const suite = suiteFor(f.ruleId, undefined, f);
    const base = `${f.object ? objectKey(f.object) : (f.source?.file ?? '(no source)')}${f.path ? ` ${f.path}` : ''}`;
    const key = `${f.ruleId}\u0000${f.source?.file ?? ''}\u0000${base}`;
    const n = (seen.get(key) ?? 0) + 1;
    seen.set(key, n);
    const c: Case = {
      name: n === 1 ? base : `${base} #${n}`,
      file: f.source?.file,
      line: f.source?.line,
      failing: [],
      passing: [],
      exempted: [],
    };
    suite.cases.push(c);
    bucket(c).push(f);
  };
  for (const f of result.findings) add(f, (c) => (failsAt(f.severity, ctx.failOn) ? c.failing : c.passing));
  if (ctx.showExempted) for (const f of result.exempted) add(f, (c) => c.exempted);
  for (const s of suites.values())
    if (s.cases.length === 0)
      s.cases.push({ name: 'no findings', file: undefined, line: undefined, failing: [], passing: [], exempted: [] });
  return [...suites.values()];
}

function renderCase(suite: Suite, c: Case, failOn: Threshold): string[] {
  const a = attrs({
    name: c.name,
    classname: `kubeprint.${suite.category ?? 'unknown'}.${suite.id}`,
    file: c.file,
    line: c.line,
  });
  const children: string[] = [];
  const first = c.failing[0];
  if (first) {
    const message = c.failing.length === 1 ? first.message : `${first.message} (and ${c.failing.length - 1} more)`;
    children.push(
      `      <failure${attrs({ message, type: worst(c.failing) })}>${text(c.failing.map(findingLine).join('\n'))}</failure>`,
    );
  } else if (c.passing.length === 0 && c.exempted[0]) {
    const e = c.exempted[0].exemption;
    children.push(`      <skipped${attrs({ message: `exempted${e ? ` via ${e.via}: ${e.reason}` : ''}` })}/>`);
  }
  const notes: string[] = [];
  if (c.passing.length > 0)
    notes.push(`Below --fail-on ${failOn}:`, ...c.passing.map((f) => `${f.severity}: ${findingLine(f)}`));
  if (c.exempted.length > 0 && (first || c.passing.length > 0))
    notes.push('Exempted:', ...c.exempted.map((f) => `${f.severity}: ${findingLine(f)}`));
  if (notes.length > 0) children.push(`      <system-out>${text(notes.join('\n'))}</system-out>`);
  if (children.length === 0) return [`    <testcase${a}/>`];
  return [`    <testcase${a}>`, ...children, '    </testcase>'];
}

/** `file:line:column path: message [exempted via ...]` */
function findingLine(f: Finding): string {
  const where = [locationText(f), f.path].filter(Boolean).join(' ');
  const e = f.exemption;
  const exemption = e
    ? ` [exempted via ${e.via}: ${e.reason}${e.owner ? `; owner ${e.owner}` : ''}${e.expires ? `; expires ${e.expires}` : ''}]`
    : '';
  return `${where ? `${where}: ` : ''}${f.message}${exemption}`;
}

function worst(findings: readonly Finding[]): Severity {
  return findings.reduce<Severity>((w, f) => (atLeast(f.severity, w) ? f.severity : w), 'info');
}

/**
 * Characters XML 1.0 cannot carry at all, not even as character references:
 * C0 controls other than tab/newline/return, U+FFFE/U+FFFF and unpaired
 * surrogates. They are written as a visible `\uXXXX` instead.
 */
const NOT_XML =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

function visibleXml(s: string): string {
  return s.replace(NOT_XML, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Escapes element text (a return as a reference, since parsers turn CR LF into LF). */
export function text(s: string): string {
  return visibleXml(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#13;');
}

/**
 * Escapes an attribute value. Tab, newline and return are written as
 * character references, since a parser turns literal ones into spaces.
 */
export function attr(s: string): string {
  return text(s).replace(/"/g, '&quot;').replace(/'/g, '&apos;').replace(/\t/g, '&#9;').replace(/\n/g, '&#10;');
}

function attrs(values: Record<string, string | number | undefined>): string {
  let out = '';
  for (const [k, v] of Object.entries(values)) if (v !== undefined) out += ` ${k}="${attr(String(v))}"`;
  return out;
}
