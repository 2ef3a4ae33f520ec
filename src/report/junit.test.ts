import { describe, expect, it } from 'vitest';
import { HOSTILE_MESSAGE, sampleContext, sampleResult } from '../../test/helpers/report-sample.js';
import type { ScanResult } from '../model/finding.js';
import { attr, junitReporter, text } from './junit.js';
import { summarize } from './summary.js';

interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

/**
 * A small XML 1.0 well-formedness checker that also decodes what it reads:
 * legal characters only, one root, balanced tags, quoted and unique
 * attributes without `<`, `&` only in known entities or character
 * references, and attribute-value normalisation as a parser does it.
 */
function parseXml(xml: string): XmlElement {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the XML Char production
  const illegal = /[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\ud800-\udbff\udc00-\udfff]/.exec(xml);
  if (illegal) throw new Error(`illegal character U+${illegal[0].charCodeAt(0).toString(16)} at ${illegal.index}`);
  const lone = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/.exec(xml);
  if (lone) throw new Error(`unpaired surrogate at ${lone.index}`);
  const decode = (s: string, where: number): string =>
    s.replace(/&([^;]*);|&/g, (m, ref: string | undefined) => {
      if (ref === undefined) throw new Error(`bare & at ${where}`);
      const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
      if (ref in named) return named[ref]!;
      const num = /^#(?:x([0-9a-fA-F]+)|([0-9]+))$/.exec(ref);
      if (!num) throw new Error(`unknown entity ${m} at ${where}`);
      const cp = num[1] ? Number.parseInt(num[1], 16) : Number(num[2]);
      const ch = String.fromCodePoint(cp);
      // biome-ignore lint/suspicious/noControlCharactersInRegex: the XML Char production
      if (!/^[\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]$/u.test(ch))
        throw new Error(`reference to an illegal character ${m}`);
      return ch;
    });
  let pos = 0;
  const decl = /^<\?xml [^?]*\?>/.exec(xml);
  if (decl) pos = decl[0].length;
  const name = '[A-Za-z_:][A-Za-z0-9_.:-]*';
  const open = new RegExp(`^<(${name})((?:\\s+${name}\\s*=\\s*(?:"[^"<]*"|'[^'<]*'))*)\\s*(/?)>`);
  const attrRe = new RegExp(`(${name})\\s*=\\s*(?:"([^"<]*)"|'([^'<]*)')`, 'g');
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  while (pos < xml.length) {
    const rest = xml.slice(pos);
    if (rest.startsWith('</')) {
      const m = new RegExp(`^</(${name})\\s*>`).exec(rest);
      const top = stack.pop();
      if (!m || !top || top.name !== m[1]) throw new Error(`mismatched end tag at ${pos}`);
      pos += m[0].length;
      continue;
    }
    if (rest.startsWith('<')) {
      const m = open.exec(rest);
      if (!m) throw new Error(`malformed tag at ${pos}: ${rest.slice(0, 40)}`);
      if (!stack.length && root) throw new Error(`second root element at ${pos}`);
      const el: XmlElement = { name: m[1]!, attrs: {}, children: [], text: '' };
      for (const a of (m[2] ?? '').matchAll(attrRe)) {
        if (a[1]! in el.attrs) throw new Error(`duplicate attribute ${a[1]} at ${pos}`);
        el.attrs[a[1]!] = decode((a[2] ?? a[3] ?? '').replace(/[\t\n\r]/g, ' '), pos);
      }
      const parent = stack.at(-1);
      if (parent) parent.children.push(el);
      else root = el;
      if (m[3] !== '/') stack.push(el);
      pos += m[0].length;
      continue;
    }
    const end = rest.indexOf('<');
    const raw = end < 0 ? rest : rest.slice(0, end);
    if (raw.includes(']]>')) throw new Error(`]]> in text at ${pos}`);
    const top = stack.at(-1);
    if (top) top.text += decode(raw.replace(/\r\n?/g, '\n'), pos);
    else if (raw.trim()) throw new Error(`text outside the root at ${pos}`);
    pos += raw.length;
  }
  if (stack.length || !root) throw new Error('unclosed elements or no root');
  return root;
}

function render(result: ScanResult = sampleResult(), showExempted = false, failOn: 'high' | 'info' = 'high') {
  return parseXml(junitReporter.render(result, sampleContext({ showExempted, failOn })));
}

const suite = (root: XmlElement, id: string) => root.children.find((s) => s.attrs.name === id);
const cases = (el: XmlElement | undefined) => el?.children.filter((c) => c.name === 'testcase') ?? [];

describe('the XML checker', () => {
  it('rejects what is not well-formed', () => {
    expect(() => parseXml('<a><b></a></b>')).toThrow(/mismatched/);
    expect(() => parseXml('<a x="1 & 2"/>')).toThrow(/bare &/);
    expect(() => parseXml('<a x="<"/>')).toThrow(/malformed/);
    expect(() => parseXml('<a>\u0001</a>')).toThrow(/illegal character/);
    expect(() => parseXml('<a>&#1;</a>')).toThrow(/illegal character/);
    expect(() => parseXml('<a x="1" x="2"/>')).toThrow(/duplicate/);
    expect(() => parseXml('<a/><b/>')).toThrow(/second root/);
    expect(parseXml('<a x="&quot;&#10;">t&amp;&lt;</a>')).toEqual({
      name: 'a',
      attrs: { x: '"\n' },
      children: [],
      text: 't&<',
    });
  });
});

describe('junit reporter', () => {
  it('is well-formed, with one suite per rule in rule order', () => {
    const root = render();
    expect(root.name).toBe('testsuites');
    expect(root.attrs.name).toBe('kubeprint');
    expect(root.attrs.time).toBe('1.234');
    expect(root.children.map((s) => s.attrs.name)).toEqual([
      'privileged-container',
      'image-digest-not-pinned',
      'rbac-wildcard',
      'replicas-too-few',
      'namespace-without-default-deny',
      'run-as-root',
      'pdb-missing',
      'yaml-invalid',
    ]);
    const priv = suite(root, 'privileged-container');
    const props = priv?.children.find((c) => c.name === 'properties')?.children.map((p) => p.attrs);
    expect(props).toEqual([
      { name: 'category', value: 'pod-security' },
      { name: 'severity', value: 'critical' },
      { name: 'title', value: 'Container runs privileged' },
    ]);
  });

  it('has one testcase per finding, named by object and field, failing at --fail-on with file:line text', () => {
    const root = render();
    const [priv] = cases(suite(root, 'privileged-container'));
    expect(priv?.attrs).toEqual({
      name: 'Deployment/prod/web /spec/template/spec/containers/0/securityContext/privileged',
      classname: 'kubeprint.pod-security.privileged-container',
      file: 'deploy/web.yaml',
      line: '30',
    });
    const failure = priv?.children.find((c) => c.name === 'failure');
    expect(failure?.attrs).toEqual({ message: 'Container "web" runs privileged', type: 'critical' });
    expect(failure?.text).toBe(
      'deploy/web.yaml:30:13 /spec/template/spec/containers/0/securityContext/privileged: Container "web" runs privileged',
    );
    const [role] = cases(suite(root, 'rbac-wildcard'));
    expect(role?.attrs.name).toBe('ClusterRole/admin-all /rules/0');
    expect(role?.children.find((c) => c.name === 'failure')?.text).toBe(
      'rbac.yaml:7 /rules/0: ClusterRole grants * on *',
    );
    // Below --fail-on: the case passes and lists the finding in system-out.
    const [api] = cases(suite(root, 'replicas-too-few'));
    expect(api?.children.map((c) => c.name)).toEqual(['system-out']);
    expect(api?.children[0]?.text).toContain('low: deploy/api.yaml /spec/replicas: Deployment has 1 replica');
    // A file-level finding is named after its file.
    expect(cases(suite(root, 'yaml-invalid'))[0]?.attrs.name).toBe('broken.yaml');
    // A rule without findings: one passing case.
    expect(cases(suite(root, 'pdb-missing')).map((c) => [c.attrs.name, c.children.length])).toEqual([
      ['no findings', 0],
    ]);
  });

  it('counts tests, failures and skips consistently at every level', () => {
    for (const [showExempted, failOn] of [
      [false, 'high'],
      [true, 'high'],
      [true, 'info'],
    ] as const) {
      const root = render(sampleResult(), showExempted, failOn);
      let tests = 0;
      let failures = 0;
      let skipped = 0;
      for (const s of root.children) {
        const cs = cases(s);
        const f = cs.filter((c) => c.children.some((x) => x.name === 'failure')).length;
        const k = cs.filter((c) => c.children.some((x) => x.name === 'skipped')).length;
        expect(s.attrs).toMatchObject({
          tests: String(cs.length),
          failures: String(f),
          skipped: String(k),
          errors: '0',
        });
        tests += cs.length;
        failures += f;
        skipped += k;
      }
      expect(root.attrs).toMatchObject({ tests: String(tests), failures: String(failures), skipped: String(skipped) });
    }
    // At --fail-on high: critical + image + rbac fail; at info every one of the six findings does.
    expect(render(sampleResult(), false, 'high').attrs.failures).toBe('3');
    expect(render(sampleResult(), false, 'info').attrs.failures).toBe('6');
  });

  it('shows exempted findings as skipped, with the exemption, only when asked', () => {
    expect(cases(suite(render(), 'run-as-root')).map((c) => c.attrs.name)).toEqual(['no findings']);
    const root = render(sampleResult(), true);
    const [exempt] = cases(suite(root, 'run-as-root'));
    expect(exempt?.children[0]).toMatchObject({
      name: 'skipped',
      attrs: { message: 'exempted via config: legacy image, migration tracked in PLAT-12' },
    });
    const replicas = cases(suite(root, 'replicas-too-few'));
    expect(replicas.map((c) => c.attrs.name)).toEqual([
      'Deployment/prod/api /spec/replicas',
      'Deployment/dev/web /spec/replicas',
    ]);
    expect(replicas[1]?.children[0]?.name).toBe('skipped');
  });

  it('escapes quotes, <, & and control characters so that the message reads back as written', () => {
    const root = render();
    const [image] = cases(suite(root, 'image-digest-not-pinned'));
    const failure = image?.children.find((c) => c.name === 'failure');
    // The one character XML cannot carry (ESC) comes back as a visible \u001b.
    const expected = HOSTILE_MESSAGE.replace('\u001b', '\\u001b');
    expect(failure?.attrs.message).toBe(expected);
    expect(failure?.text).toBe(`deploy/web.yaml:21:16 /spec/template/spec/containers/0/image: ${expected}`);
  });

  it('survives every awkward character in names, files and messages', () => {
    const r = sampleResult();
    const nasty = 'a"b\'c<d>e&f]]>g\u0000h\u0008i\u000bj\u001fk\ud800l\ufffem\tn\no\rp😀';
    r.findings = [
      {
        ruleId: 'image-digest-not-pinned',
        severity: 'high',
        category: 'supply-chain',
        message: nasty,
        object: { apiVersion: 'v1', kind: 'Pod', namespace: nasty, name: nasty },
        path: `/metadata/${nasty}`,
        source: { file: `${nasty}.yaml`, line: 1, column: 1 },
      },
    ];
    const root = render(r);
    const [c] = cases(suite(root, 'image-digest-not-pinned'));
    const visible = 'a"b\'c<d>e&f]]>g\\u0000h\\u0008i\\u000bj\\u001fk\\ud800l\\ufffem\tn\no\rp😀';
    expect(c?.attrs.name).toBe(`Pod/${visible}/${visible} /metadata/${visible}`);
    expect(c?.attrs.file).toBe(`${visible}.yaml`);
    expect(c?.children[0]?.attrs.message).toBe(visible);
    expect(c?.children[0]?.text.endsWith(`: ${visible}`)).toBe(true);
  });
});

describe('junit failures and the summary', () => {
  it('count the same findings, also when one object has several findings of one rule', () => {
    const r = sampleResult();
    const [first] = r.findings;
    if (!first) throw new Error('sample has findings');
    // the same rule twice on one object, and twice on one field
    r.findings.push({ ...first, path: '/spec/template/spec/containers/1/securityContext/privileged' });
    r.findings.push({ ...first, message: `${first.message} (again)` });
    for (const failOn of ['high', 'info'] as const) {
      const root = render(r, false, failOn);
      expect(root.attrs.failures).toBe(String(summarize(r, failOn).failing));
    }
    const names = cases(suite(render(r), first.ruleId)).map((c) => c.attrs.name);
    expect(new Set(names).size).toBe(names.length);
  });
});

describe('XML escaping helpers', () => {
  it('escape text and attributes', () => {
    expect(text('a<b>&"\'')).toBe('a&lt;b&gt;&amp;"\'');
    expect(attr('a<b>&"\'\t\n\r')).toBe('a&lt;b&gt;&amp;&quot;&apos;&#9;&#10;&#13;');
    expect(text('\u0007')).toBe('\\u0007');
  });
});
