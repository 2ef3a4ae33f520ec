/**
 * Config-file exemptions in the generated ValidatingAdmissionPolicies: the
 * globs' CEL translation agrees with picomatch (what `scan` and the webhook
 * use), and a generated policy, evaluated with @bufbuild/cel as the API
 * server would, exempts exactly what the webhook's `decide` exempts with the
 * same config and date.
 */
import { isCelError, run } from '@bufbuild/cel';
import { strings } from '@bufbuild/cel/ext';
import picomatch from 'picomatch';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../config/config.js';
import { RULES } from '../rules/registry.js';
import { admissionPolicy, decide } from './decide.js';
import { parseAdmissionReview } from './review.js';
import { toCel } from './testdata/cel-json.js';
import { review, testObject } from './testdata/reviews.js';
import { configExemptions, globToRe2, validatingAdmissionPolicies } from './vap.js';

const NOW = new Date('2026-06-01T12:00:00Z');

function cel(expr: string, bindings: Record<string, unknown>): unknown {
  const r = run(expr, bindings as never, { funcs: strings });
  if (isCelError(r)) throw new Error(`${expr}: ${r.message}`);
  return r;
}

describe('globToRe2', () => {
  const VALUES = [
    '',
    'prod',
    'prod-eu',
    'prod-eu-2',
    'team-a',
    'team-ab',
    'a.b',
    'aXb',
    'system:node',
    'system:controller:x',
    'kube-system',
    'Deployment',
    'DaemonSet',
    'p',
    'x',
    'dev-1',
    'web-7f9c*',
  ];
  const GLOBS = [
    'prod',
    'prod-*',
    '*-eu',
    '*-eu*',
    'team-?',
    '[pt]*',
    '[a-c]*',
    '{prod,dev}-*',
    '{a,b{c,d}}*',
    '!prod*',
    '!!prod*',
    '**',
    'a.b',
    'system:*',
    '*:*',
    '?',
    'D*Set',
    'web-*',
  ];

  it.each(GLOBS)('%s: CEL matches() agrees with picomatch on every value', (g) => {
    const t = globToRe2(g);
    expect(t, g).toBeDefined();
    if (!t) return;
    const isMatch = picomatch(g, { dot: true });
    for (const v of VALUES) {
      const viaCel = cel(`v != '' && ${t.negated ? '!' : ''}v.matches('${t.re}')`, { v });
      expect(viaCel, `${g} on ${JSON.stringify(v)}`).toBe(isMatch(v));
    }
  });

  it.each([
    '[!p]*',
    '[^p]*',
    '@(prod|dev)',
    '+(a)',
    '!(prod)',
    '{1..3}',
    '{prod}',
    'a\\*b',
    "it's",
    'a b',
    '[',
    '{a,b',
  ])('%s: not translated', (g) => {
    expect(globToRe2(g)).toBeUndefined();
  });
});

/** A rule with CEL that the privileged test Pod violates. */
const RULE = RULES.find((r) => r.id === 'pss-privileged');
if (!RULE?.cel) throw new Error('pss-privileged with CEL expected in the registry');

function configWith(exemptions: string): ReturnType<typeof parseConfig> {
  return parseConfig(`exemptions:\n${exemptions}`, '.kubeprint.yaml');
}

interface PolicySpec {
  matchConditions?: Array<{ name: string; expression: string }>;
}

/** Whether the generated policy for RULE matches the object at all (its matchConditions), as the API server evaluates them. */
function policyMatches(
  spec: PolicySpec,
  obj: Record<string, unknown>,
  namespace: string,
  userInfo: { username?: string; groups?: string[] } = { username: 'alice', groups: ['dev'] },
): boolean {
  const md = obj.metadata as { name?: string } | undefined;
  const request = toCel({
    operation: 'CREATE',
    namespace,
    kind: { group: '', version: 'v1', kind: obj.kind },
    userInfo,
    ...(md?.name ? { name: md.name } : {}),
  });
  for (const mc of spec.matchConditions ?? []) {
    if (cel(mc.expression, { object: toCel(obj), oldObject: null, request }) !== true) return false;
  }
  return true;
}

function podIn(name: { name?: string; generateName?: string }): Record<string, unknown> {
  const pod = testObject('privileged-pod.yaml');
  const md = { ...(pod.metadata as Record<string, unknown>) };
  delete md.name;
  return { ...pod, metadata: { ...md, ...name } };
}

describe('config exemptions in generated policies', () => {
  const EXEMPTIONS = `  - rules: [pss-privileged]
    namespace: legacy-*
    reason: vendor agent
    owner: team-a
    expires: "2026-12-31"
  - rules: ["*"]
    namespace: tools
    kind: Pod
    name: debug-*
    reason: break-glass shells
    owner: sre
    expires: "2026-07-01"
  - rules: [pss-privileged]
    namespace: old
    reason: expired
    owner: team-b
    expires: "2026-05-31"
  - rules: [pss-privileged]
    namespace: last-day
    reason: expires at the end of today
    owner: team-d
    expires: "2026-06-01"
  - rules: [pss-host-namespaces]
    namespace: other-rule
    reason: another rule
    owner: team-c
    expires: "2027-01-01"
`;
  const config = configWith(EXEMPTIONS);
  const [policy] = validatingAdmissionPolicies({ config, namespace: 'kubeprint', rules: [RULE], now: NOW });
  const spec = (policy as { spec: PolicySpec }).spec;
  const webhook = admissionPolicy({ config, rules: [RULE] });

  /** The webhook's verdict on the same object: exempted (or clean) vs denied by RULE. */
  function webhookExempts(obj: Record<string, unknown>, namespace: string): boolean {
    const p = parseAdmissionReview(JSON.stringify(review({ object: obj, namespace })));
    if (!p.ok) throw new Error(p.reason);
    const v = decide(p.request, webhook, 'all', NOW).verdicts.filter((x) => x.ruleId === RULE?.id);
    expect(v.length, 'the rule finds the privileged container').toBeGreaterThan(0);
    return v.every((x) => x.exempted !== undefined);
  }

  it.each([
    ['legacy-a', { name: 'agent' }, true],
    ['legacy', { name: 'agent' }, false],
    ['prod', { name: 'agent' }, false],
    ['tools', { name: 'debug-1' }, true],
    ['tools', { generateName: 'debug-' }, true],
    ['tools', { name: 'shell' }, false],
    ['old', { name: 'agent' }, false],
    ['last-day', { name: 'agent' }, true],
    ['other-rule', { name: 'agent' }, false],
  ] as const)('namespace %s, %j: the policy exempts exactly when the webhook does', (ns, name, exempt) => {
    const obj = { ...podIn(name), metadata: { ...(podIn(name).metadata as object), namespace: ns } };
    expect(webhookExempts(obj, ns)).toBe(exempt);
    expect(policyMatches(spec, obj, ns)).toBe(!exempt);
  });

  it('leaves out expired exemptions and dates the policy by the earliest expiry it holds', () => {
    const ex = configExemptions('pss-privileged', config, NOW);
    expect(ex.expressed.map((e) => e.owner)).toEqual(['team-a', 'sre', 'team-d']);
    expect(ex.expired.map((e) => e.owner)).toEqual(['team-b']);
    const annotations = (policy as { metadata: { annotations: Record<string, string> } }).metadata.annotations;
    expect(annotations['kubeprint.dev/exemptions-valid-until']).toBe('2026-06-01');
    // after the break-glass exemption's last day, it is no longer in the policy
    const later = configExemptions('pss-privileged', config, new Date('2026-07-02T00:00:00Z'));
    expect(later.expressed.map((e) => e.owner)).toEqual(['team-a']);
  });

  it('names the exemptions it cannot express instead of dropping them silently; the policy does not exempt them', () => {
    const c = configWith(`  - rules: [pss-privileged]
    namespace: "@(legacy|old)"
    reason: extglob
    owner: team-x
    expires: "2027-01-01"
`);
    const ex = configExemptions('pss-privileged', c, NOW);
    expect(ex.expressed).toEqual([]);
    expect(ex.notExpressed.map((n) => n.why)).toEqual(['namespace glob "@(legacy|old)" has no CEL translation']);
    const [p] = validatingAdmissionPolicies({ config: c, namespace: 'kubeprint', rules: [RULE], now: NOW });
    const meta = (p as { metadata: { annotations: Record<string, string> } }).metadata;
    expect(meta.annotations['kubeprint.dev/exemptions-not-honoured']).toContain('team-x');
    const s = (p as { spec: PolicySpec }).spec;
    expect(s.matchConditions).toBeUndefined();
    expect(policyMatches(s, { ...podIn({ name: 'a' }), metadata: { name: 'a', namespace: 'legacy' } }, 'legacy')).toBe(
      true,
    );
  });

  it('leaves out exemptions by image (per container, which a matchCondition cannot say) and names them', () => {
    const c = configWith(`  - rules: [pss-privileged]
    namespace: legacy
    images: [ghcr.io/vendor/agent]
    reason: vendor agent needs it
    owner: team-y
    expires: "2027-01-01"
`);
    const ex = configExemptions('pss-privileged', c, NOW);
    expect(ex.expressed).toEqual([]);
    expect(ex.notExpressed.map((n) => n.why)).toEqual([
      'images ["ghcr.io/vendor/agent"]: exemptions by image are honoured by scan and the webhook, not by policies',
    ]);
    const [p] = validatingAdmissionPolicies({ config: c, namespace: 'kubeprint', rules: [RULE], now: NOW });
    const meta = (p as { metadata: { annotations: Record<string, string> } }).metadata;
    expect(meta.annotations['kubeprint.dev/exemptions-not-honoured']).toContain('team-y');
    const s = (p as { spec: PolicySpec }).spec;
    expect(s.matchConditions).toBeUndefined();
    const pod = podIn({ name: 'a' });
    expect(policyMatches(s, { ...pod, metadata: { name: 'a', namespace: 'legacy' } }, 'legacy')).toBe(true);
  });

  it('an exemption of every rule everywhere leaves nothing matched; none leaves the policy as before', () => {
    const all = configWith(`  - rules: ["*"]
    reason: all
    owner: o
    expires: "2027-01-01"
`);
    const [p] = validatingAdmissionPolicies({ config: all, namespace: 'kubeprint', rules: [RULE], now: NOW });
    expect(policyMatches((p as { spec: PolicySpec }).spec, podIn({ name: 'a' }), 'prod')).toBe(false);
    const [plain] = validatingAdmissionPolicies({ namespace: 'kubeprint', rules: [RULE], now: NOW });
    expect((plain as { spec: PolicySpec }).spec.matchConditions).toBeUndefined();
  });
});

describe('exemption annotations in generated policies', () => {
  const SELF_EXEMPT = { 'kubeprint.dev/exempt': '*', 'kubeprint.dev/exempt-reason': 'trust me' };
  const NAMED = { 'kubeprint.dev/exempt': 'pss-privileged', 'kubeprint.dev/exempt-reason': 'node agent, SEC-1' };
  const annotated = (annotations: Record<string, string>, namespace: string) => {
    const pod = podIn({ name: 'agent' });
    return { ...pod, metadata: { ...(pod.metadata as object), namespace, annotations } };
  };

  it('by default honour none, as the webhook: a self-exempting privileged pod is matched', () => {
    const [p] = validatingAdmissionPolicies({ namespace: 'kubeprint', rules: [RULE], now: NOW });
    const s = (p as { spec: PolicySpec }).spec;
    expect(s.matchConditions).toBeUndefined();
    expect(policyMatches(s, annotated(SELF_EXEMPT, 'prod'), 'prod')).toBe(true);
    expect(policyMatches(s, annotated(NAMED, 'prod'), 'prod')).toBe(true);
  });

  const config = parseConfig(
    [
      'admission:',
      '  annotationExemptions:',
      '    rules: [pss-privileged]',
      '    namespaces: ["legacy-*", "{tools,ops}"]',
      '    users: ["system:serviceaccount:argocd:*"]',
      '    groups: [platform-admins]',
      '',
    ].join('\n'),
    '.kubeprint.yaml',
  );
  const [policy] = validatingAdmissionPolicies({ config, namespace: 'kubeprint', rules: [RULE], now: NOW });
  const spec = (policy as { spec: PolicySpec }).spec;
  const webhook = admissionPolicy({ config, rules: [RULE] });

  const ARGO = 'system:serviceaccount:argocd:argocd-application-controller';
  it.each([
    [NAMED, 'legacy-a', ARGO, []],
    [NAMED, 'tools', ARGO, []],
    [NAMED, 'ops', 'bob', ['platform-admins']],
    [NAMED, 'legacy-a', 'bob', ['dev']],
    [NAMED, 'legacy-a', 'system:serviceaccount:shop:ci', ['system:serviceaccounts']],
    [NAMED, 'prod', ARGO, []],
    [SELF_EXEMPT, 'legacy-a', ARGO, []],
    [{ 'kubeprint.dev/exempt': 'pss-privileged' }, 'legacy-a', ARGO, []],
    [{ 'kubeprint.dev/exempt': 'pss-privileged', 'kubeprint.dev/exempt-reason': '  ' }, 'legacy-a', ARGO, []],
    [{ 'kubeprint.dev/exempt': 'x,pss-privileged ,y', 'kubeprint.dev/exempt-reason': 'r' }, 'legacy-a', ARGO, []],
    [{ 'kubeprint.dev/exempt': 'pss-privileged-not', 'kubeprint.dev/exempt-reason': 'r' }, 'legacy-a', ARGO, []],
  ] as const)('%j in %s by %s %j: the policy exempts exactly when the webhook does', (ann, ns, user, groups) => {
    const obj = annotated({ ...ann }, ns);
    const body = review({ object: obj, namespace: ns }) as { request: Record<string, unknown> };
    body.request.userInfo = { username: user, groups: [...groups] };
    const p = parseAdmissionReview(JSON.stringify(body));
    if (!p.ok) throw new Error(p.reason);
    const v = decide(p.request, webhook, 'all', NOW).verdicts.filter((x) => x.ruleId === RULE?.id);
    expect(v.length).toBeGreaterThan(0);
    const exempt = v.every((x) => x.exempted !== undefined);
    expect(policyMatches(spec, obj, ns, { username: user, groups: [...groups] })).toBe(!exempt);
  });

  it('honour "*" only with allowWildcard, and only for the rules listed', () => {
    const wild = (rules: string) =>
      validatingAdmissionPolicies({
        config: parseConfig(
          `admission:\n  annotationExemptions:\n    rules: ${rules}\n    allowWildcard: true\n`,
          '.kubeprint.yaml',
        ),
        namespace: 'kubeprint',
        rules: [RULE],
        now: NOW,
      })[0] as { spec: PolicySpec };
    expect(policyMatches(wild('[pss-privileged]').spec, annotated(SELF_EXEMPT, 'prod'), 'prod')).toBe(false);
    expect(wild('[pss-host-namespaces]').spec.matchConditions).toBeUndefined();
    expect(policyMatches(spec, annotated(SELF_EXEMPT, 'legacy-a'), 'legacy-a', { username: ARGO })).toBe(true);
  });

  it('name the globs they cannot express and honour fewer annotations, never more', () => {
    const c = parseConfig(
      'admission:\n  annotationExemptions:\n    rules: [pss-privileged]\n    users: ["https://issuer.example/*"]\n',
      '.kubeprint.yaml',
    );
    const [p] = validatingAdmissionPolicies({ config: c, namespace: 'kubeprint', rules: [RULE], now: NOW });
    const meta = (p as { metadata: { annotations: Record<string, string> } }).metadata;
    expect(meta.annotations['kubeprint.dev/exemptions-not-honoured']).toContain('user glob "https://issuer.example/*"');
    const s = (p as { spec: PolicySpec }).spec;
    expect(policyMatches(s, annotated(NAMED, 'prod'), 'prod', { username: 'https://issuer.example/alice' })).toBe(true);
  });
});
