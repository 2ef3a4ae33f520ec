import { describe, expect, it } from 'vitest';
import { parseConfig } from '../config/config.js';
import { RULES } from '../rules/registry.js';
import { admissionPolicy, DEFAULT_BUDGET, decide, judge, modeOf } from './decide.js';
import { type AdmissionRequest, parseAdmissionReview } from './review.js';
import { review, testObject } from './testdata/reviews.js';

function request(body: Record<string, unknown>): AdmissionRequest {
  const p = parseAdmissionReview(JSON.stringify(body));
  if (!p.ok) throw new Error(p.reason);
  return p.request;
}

function withContainerSecurity(obj: Record<string, unknown>, patch: Record<string, unknown>) {
  const spec = (obj.spec as { template: { spec: { containers: Array<Record<string, unknown>> } } }).template.spec;
  const c = spec.containers[0];
  if (c) c.securityContext = { ...(c.securityContext as object), ...patch };
  return obj;
}

const policy = admissionPolicy({});

describe('parseAdmissionReview', () => {
  it.each([
    ['not json', '{'],
    ['not an object', '[1]'],
    ['wrong kind', JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'Pod', request: {} })],
    ['v1beta1', JSON.stringify({ apiVersion: 'admission.k8s.io/v1beta1', kind: 'AdmissionReview', request: {} })],
    ['no request', JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview' })],
    [
      'no uid',
      JSON.stringify({ ...review({ object: testObject('privileged-pod.yaml') }), request: { operation: 'CREATE' } }),
    ],
    ['object not an object', JSON.stringify(review({ object: [] as unknown as Record<string, unknown> }))],
    ['CREATE without object', JSON.stringify(review({}))],
  ])('rejects %s with a reason', (_name, body) => {
    const p = parseAdmissionReview(body);
    expect(p.ok).toBe(false);
    if (!p.ok) expect(p.reason.length).toBeGreaterThan(5);
  });
});

describe('decide', () => {
  it('allows a compliant Deployment with no warnings', () => {
    const d = decide(
      request(review({ object: testObject('compliant-deployment.yaml'), namespace: 'shop' })),
      policy,
      'all',
    );
    expect(d.response).toEqual({ uid: expect.any(String), allowed: true });
    expect(d.verdicts).toEqual([]);
  });

  it('denies a privileged Pod, naming each violated enforce rule and its fix, and warns on medium rules', () => {
    const body = review({ object: testObject('privileged-pod.yaml'), uid: 'abc-1' });
    const d = decide(request(body), policy, 'all');
    expect(d.response.uid).toBe('abc-1');
    expect(d.response.allowed).toBe(false);
    expect(d.response.status?.code).toBe(403);
    const msg = d.response.status?.message ?? '';
    expect(msg).toContain('[pss-privileged]');
    expect(msg).toContain('[pss-host-namespaces]');
    expect(msg).toContain('fix: ');
    expect(msg).toContain('Pod "root-shell" in namespace "default"');
    expect(msg).not.toContain('[readiness-probe-missing]');
    expect(d.response.warnings?.some((w) => w.startsWith('[readiness-probe-missing]'))).toBe(true);
    // low rules are only logged
    expect(d.response.warnings?.some((w) => w.startsWith('[liveness-probe-missing]'))).toBe(false);
    expect(d.verdicts.find((v) => v.ruleId === 'liveness-probe-missing')?.mode).toBe('audit');
  });

  it('splits enforce and advisory paths', () => {
    const req = request(review({ object: testObject('privileged-pod.yaml') }));
    const enforce = decide(req, policy, 'enforce');
    expect(enforce.response.allowed).toBe(false);
    expect(enforce.response.warnings).toBeUndefined();
    expect(enforce.verdicts.every((v) => v.mode === 'enforce')).toBe(true);
    const advisory = decide(req, policy, 'advisory');
    expect(advisory.response.allowed).toBe(true);
    expect(advisory.response.warnings?.length).toBeGreaterThan(0);
    expect(advisory.verdicts.every((v) => v.mode !== 'enforce')).toBe(true);
  });

  it('takes per-rule modes from config', () => {
    const config = parseConfig(
      'rules:\n  pss-privileged: {mode: warn}\n  pss-host-namespaces: {mode: audit}\n  readiness-probe-missing: {mode: enforce}\n',
      'c.yaml',
    );
    expect(modeOf('pss-privileged', 'high', config)).toBe('warn');
    const p = admissionPolicy({ config });
    const d = decide(request(review({ object: testObject('privileged-pod.yaml') })), p, 'all');
    expect(d.response.allowed).toBe(false);
    const msg = d.response.status?.message ?? '';
    expect(msg).toContain('[readiness-probe-missing]');
    expect(msg).not.toContain('[pss-privileged]');
    expect(d.response.warnings?.some((w) => w.startsWith('[pss-privileged]'))).toBe(true);
    expect(d.response.warnings?.some((w) => w.startsWith('[pss-host-namespaces]'))).toBe(false);
  });

  it('honours exemptions from config (namespace taken from the request)', () => {
    const config = parseConfig(
      'exemptions:\n- rules: [pss-privileged, pss-host-namespaces]\n  namespace: debug\n  reason: debug namespace\n  owner: platform\n  expires: "2999-01-01"\n',
      'c.yaml',
    );
    const p = admissionPolicy({ config });
    const inDebug = decide(
      request(review({ object: testObject('privileged-pod.yaml'), namespace: 'debug' })),
      p,
      'all',
    );
    expect(inDebug.response.allowed).toBe(true);
    expect(inDebug.verdicts.find((v) => v.ruleId === 'pss-privileged')?.exempted).toBe('debug namespace');
    const elsewhere = decide(
      request(review({ object: testObject('privileged-pod.yaml'), namespace: 'prod' })),
      p,
      'all',
    );
    expect(elsewhere.response.allowed).toBe(false);
  });

  it('on UPDATE, only warns for a violation already present in oldObject', () => {
    const before = withContainerSecurity(testObject('compliant-deployment.yaml'), { privileged: true });
    const after = withContainerSecurity(testObject('compliant-deployment.yaml'), { privileged: true });
    (after.spec as Record<string, unknown>).replicas = 3;
    const d = decide(request(review({ object: after, oldObject: before, operation: 'UPDATE' })), policy, 'enforce');
    expect(d.response.allowed).toBe(true);
    expect(d.response.warnings?.[0]).toMatch(/^\[pss-privileged\].*already present/);
    expect(d.verdicts.find((v) => v.ruleId === 'pss-privileged')?.preexisting).toBe(true);

    const introduced = decide(
      request(review({ object: after, oldObject: testObject('compliant-deployment.yaml'), operation: 'UPDATE' })),
      policy,
      'enforce',
    );
    expect(introduced.response.allowed).toBe(false);
  });

  it('judges dry-run requests like real ones', () => {
    const d = decide(request(review({ object: testObject('privileged-pod.yaml'), dryRun: true })), policy, 'all');
    expect(d.response.allowed).toBe(false);
  });

  it('ignores subresources, DELETE and CONNECT', () => {
    const pod = testObject('privileged-pod.yaml');
    for (const body of [
      review({ object: pod, oldObject: pod, operation: 'UPDATE', subResource: 'status' }),
      review({ object: pod, subResource: 'scale', operation: 'UPDATE', oldObject: pod }),
      review({ oldObject: pod, operation: 'DELETE' }),
      review({ object: { apiVersion: 'v1', kind: 'PodExecOptions' }, operation: 'CONNECT', subResource: 'exec' }),
    ]) {
      const d = decide(request(body), policy, 'all');
      expect(d.response.allowed).toBe(true);
      expect(d.ignored).toBeDefined();
    }
  });

  it('says which rules it leaves off without cluster state or configuration', () => {
    const cluster = policy.skipped.filter((s) => s.why === 'cluster-state').map((s) => s.id);
    const scopeRules = RULES.filter((r) => r.needs === 'scope').map((r) => r.id);
    expect(cluster.sort()).toEqual([...scopeRules].sort());
    expect(policy.skipped.filter((s) => s.why === 'configuration').map((s) => s.id)).toContain(
      'image-registry-not-allowed',
    );
    expect(policy.rules.some((r) => r.needs === 'scope' || r.needsConfig)).toBe(false);
    const configured = admissionPolicy({ config: parseConfig('registries: {allow: [ghcr.io/acme]}\n', 'c.yaml') });
    expect(configured.rules.some((r) => r.id === 'image-registry-not-allowed')).toBe(true);
  });
});

/** The attack: a privileged, hostPID pod with the host's / mounted, exempting itself from everything. */
function selfExemptingPod(annotations: Record<string, string>): Record<string, unknown> {
  const pod = testObject('privileged-pod.yaml');
  (pod.metadata as Record<string, unknown>).annotations = annotations;
  const spec = pod.spec as { volumes?: unknown[]; containers: Array<Record<string, unknown>> };
  spec.volumes = [{ name: 'host', hostPath: { path: '/' } }];
  const c = spec.containers[0] as Record<string, unknown>;
  c.volumeMounts = [{ name: 'host', mountPath: '/host' }];
  return pod;
}

function asUser(body: Record<string, unknown>, username: string, groups: string[] = []): Record<string, unknown> {
  const r = body.request as Record<string, unknown>;
  return { ...body, request: { ...r, userInfo: { username, groups } } };
}

describe('exemption annotations at admission', () => {
  const EXEMPT_ALL = { 'kubeprint.dev/exempt': '*', 'kubeprint.dev/exempt-reason': 'trust me' };

  it('are not honoured by default: a self-exempting privileged, hostPID pod with / mounted is denied, saying why', () => {
    const d = decide(request(review({ object: selfExemptingPod(EXEMPT_ALL), namespace: 'prod' })), policy, 'all');
    expect(d.response.allowed).toBe(false);
    const msg = d.response.status?.message ?? '';
    for (const id of ['pss-privileged', 'pss-host-namespaces', 'pss-host-path-volumes'])
      expect(msg).toContain(`[${id}]`);
    expect(msg).toMatch(/kubeprint\.dev\/exempt is not honoured: annotation exemptions are off at admission/);
    expect(d.verdicts.filter((v) => v.exempted !== undefined)).toEqual([]);
    // naming the rules instead of "*" changes nothing
    const named = selfExemptingPod({
      'kubeprint.dev/exempt': 'pss-privileged,pss-host-namespaces,pss-host-path-volumes',
      'kubeprint.dev/exempt-reason': 'trust me',
    });
    expect(decide(request(review({ object: named, namespace: 'prod' })), policy, 'all').response.allowed).toBe(false);
  });

  const config = parseConfig(
    [
      'admission:',
      '  annotationExemptions:',
      '    rules: [pss-privileged, pss-host-namespaces, pss-host-path-volumes]',
      '    namespaces: ["legacy-*"]',
      '    users: ["system:serviceaccount:argocd:*"]',
      '    groups: [platform-admins]',
      '',
    ].join('\n'),
    'c.yaml',
  );
  const allowing = admissionPolicy({ config });
  const NAMED = {
    'kubeprint.dev/exempt': 'pss-privileged, pss-host-namespaces,pss-host-path-volumes,readiness-probe-missing',
    'kubeprint.dev/exempt-reason': 'node agent, reviewed in SEC-1',
  };
  const judged = (
    annotations: Record<string, string>,
    namespace: string,
    username: string,
    groups: string[] = [],
    p = allowing,
  ) =>
    decide(request(asUser(review({ object: selfExemptingPod(annotations), namespace }), username, groups)), p, 'all');

  it.each([
    [
      'an allowed requester in an allowed namespace',
      'legacy-a',
      'system:serviceaccount:argocd:argocd-application-controller',
      [],
      true,
    ],
    ['an allowed group', 'legacy-a', 'bob', ['dev', 'platform-admins'], true],
    ['another requester', 'legacy-a', 'mallory', ['dev'], false],
    ['a service account elsewhere', 'legacy-a', 'system:serviceaccount:shop:deployer', [], false],
    ['a namespace not listed', 'prod', 'system:serviceaccount:argocd:argocd-application-controller', [], false],
  ] as const)('with config, honours an annotation only for %s', (_what, ns, user, groups, exempt) => {
    const d = judged(NAMED, ns, user, [...groups]);
    expect(d.response.allowed).toBe(exempt);
    const privileged = d.verdicts.find((v) => v.ruleId === 'pss-privileged');
    expect(privileged?.exempted !== undefined).toBe(exempt);
    // a rule the config does not list is never exempted by annotation
    expect(d.verdicts.find((v) => v.ruleId === 'readiness-probe-missing')?.exempted).toBeUndefined();
    if (!exempt)
      expect(d.response.status?.message).toMatch(
        /kubeprint\.dev\/exempt is not honoured: annotations are not honoured/,
      );
  });

  it('never for "*" unless allowWildcard, and then only for the rules listed', () => {
    const user = 'system:serviceaccount:argocd:argocd-application-controller';
    const wildcard = judged(EXEMPT_ALL, 'legacy-a', user);
    expect(wildcard.response.allowed).toBe(false);
    expect(wildcard.response.status?.message).toContain('"*" is not honoured at admission');
    const withWildcard = admissionPolicy({
      config: parseConfig(
        'admission:\n  annotationExemptions:\n    rules: [pss-privileged, pss-host-namespaces, pss-host-path-volumes]\n    allowWildcard: true\n',
        'c.yaml',
      ),
    });
    const d = judged(EXEMPT_ALL, 'prod', 'anyone', [], withWildcard);
    expect(d.response.allowed).toBe(true);
    expect(d.verdicts.find((v) => v.ruleId === 'pss-privileged')?.exempted).toBe('trust me');
    expect(d.verdicts.find((v) => v.ruleId === 'readiness-probe-missing')?.exempted).toBeUndefined();
  });

  it('needs a reason, and annotationExemptions: false switches them off at admission too', () => {
    const user = 'system:serviceaccount:argocd:argocd-application-controller';
    const noReason = judged({ 'kubeprint.dev/exempt': NAMED['kubeprint.dev/exempt'] }, 'legacy-a', user);
    expect(noReason.response.allowed).toBe(false);
    expect(noReason.response.status?.message).toContain('kubeprint.dev/exempt-reason is missing');
    const off = admissionPolicy({
      config: parseConfig(
        'annotationExemptions: false\nadmission:\n  annotationExemptions:\n    rules: ["*"]\n    allowWildcard: true\n',
        'c.yaml',
      ),
    });
    expect(judged(EXEMPT_ALL, 'legacy-a', user, [], off).response.allowed).toBe(false);
  });
});

/** A Pod with `n` privileged containers (each violates several enforce rules), the image name `image`, names padded by `pad`. */
function manyContainers(n: number, image = 'busybox:1.36.1', pad = ''): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'many' },
    spec: {
      hostPID: true,
      containers: Array.from({ length: n }, (_, i) => ({
        name: `c${i}${pad}`,
        image,
        securityContext: { privileged: true },
      })),
    },
  };
}

describe('the per-review budget', () => {
  const over = request(review({ object: manyContainers(DEFAULT_BUDGET.maxContainers + 1), namespace: 'prod' }));

  it("is not judged over the container budget: the path's failure policy decides, saying why", () => {
    const enforce = decide(over, policy, 'enforce');
    expect(enforce.response.allowed).toBe(false);
    expect(enforce.response.status?.message).toMatch(
      /did not judge Pod "many" in namespace "prod": it has 101 containers, more than the 100 .*failurePolicy Fail/,
    );
    expect(enforce.overBudget).toMatchObject({ limit: 'containers', actual: 101, max: 100, failurePolicy: 'Fail' });
    expect(enforce.verdicts).toEqual([]);
    const advisory = decide(over, policy, 'advisory');
    expect(advisory.response.allowed).toBe(true);
    expect(advisory.response.warnings?.[0]).toMatch(/did not judge .*admitted by failurePolicy Ignore/);
    // /validate/all: Fail unless config says Ignore
    expect(decide(over, policy, 'all').response.allowed).toBe(false);
    const ignore = admissionPolicy({ config: parseConfig('admission: {failurePolicy: Ignore}\n', 'c.yaml') });
    expect(decide(over, ignore, 'all').response.allowed).toBe(true);
    // a larger budget judges it
    const roomy = admissionPolicy({ config: parseConfig('admission: {budget: {maxContainers: 200}}\n', 'c.yaml') });
    const judged = decide(over, roomy, 'enforce');
    expect(judged.overBudget).toBeUndefined();
    expect(judged.response.status?.message).toContain('[pss-privileged]');
  });

  it('is not judged over the JSON value budget (object and oldObject together)', () => {
    const small = admissionPolicy({ config: parseConfig('admission: {budget: {maxValues: 1000}}\n', 'c.yaml') });
    const d = testObject('compliant-deployment.yaml');
    (d.metadata as Record<string, unknown>).labels = Object.fromEntries(
      Array.from({ length: 600 }, (_, i) => [`l${i}`, 'x']),
    );
    const create = decide(request(review({ object: d, namespace: 'shop' })), small, 'enforce');
    expect(create.overBudget).toBeUndefined();
    const update = decide(
      request(review({ object: d, oldObject: d, operation: 'UPDATE', namespace: 'shop' })),
      small,
      'enforce',
    );
    expect(update.overBudget).toMatchObject({ limit: 'values', max: 1000 });
    expect(update.response.allowed).toBe(false);
  });

  it('bounds the denial whatever the object holds: the first violations, lines cut, the rest counted', () => {
    // the API server validates names after admission: a review can hold any
    const d = decide(
      request(
        review({
          object: manyContainers(DEFAULT_BUDGET.maxContainers, 'nginx:latest', `-${'x'.repeat(20_000)}`),
          namespace: 'prod',
        }),
      ),
      policy,
      'all',
    );
    const msg = d.response.status?.message ?? '';
    expect(d.verdicts.length).toBeGreaterThan(200);
    expect(JSON.stringify(d.response).length).toBeLessThan(50_000);
    expect(msg.length).toBeLessThan(40_000);
    for (const line of msg.split('\n')) expect(line.length).toBeLessThanOrEqual(512);
    expect(msg).toMatch(/… and \d+ more: [a-z-]+ ×\d+/);
    expect(msg.split('\n').filter((l) => l.startsWith('[')).length).toBe(20);
    const few = admissionPolicy({ config: parseConfig('admission: {maxViolationsReported: 3}\n', 'c.yaml') });
    const three = decide(
      request(review({ object: manyContainers(10, 'nginx:latest'), namespace: 'prod' })),
      few,
      'enforce',
    );
    expect((three.response.status?.message ?? '').split('\n').filter((l) => l.startsWith('['))).toHaveLength(3);
  });

  it("judge: a review still unjudged at its deadline gets the failure policy's decision", async () => {
    const req = request(review({ object: testObject('privileged-pod.yaml'), namespace: 'prod' }));
    const past = performance.now() - 1;
    const enforce = await judge(req, policy, 'enforce', { deadline: past });
    expect(enforce.overBudget?.limit).toBe('time');
    expect(enforce.response.allowed).toBe(false);
    expect(enforce.response.status?.message).toMatch(/judging took longer than .*failurePolicy Fail/);
    const advisory = await judge(req, policy, 'advisory', { deadline: past });
    expect(advisory.response.allowed).toBe(true);
    // with time left, judge decides as decide does
    const inTime = await judge(req, policy, 'enforce');
    expect(inTime.response).toEqual(decide(req, policy, 'enforce').response);
  });

  it('judge lets other reviews through while a large one is judged', async () => {
    const heavy = request(review({ object: manyContainers(DEFAULT_BUDGET.maxContainers), namespace: 'prod' }));
    const light = request(review({ object: testObject('compliant-deployment.yaml'), namespace: 'shop' }));
    const order: string[] = [];
    const h = judge(heavy, policy, 'all', { sliceMs: 0 }).then(() => order.push('heavy'));
    const l = judge(light, policy, 'all', { sliceMs: 0 }).then(() => order.push('light'));
    await Promise.all([h, l]);
    expect(order).toEqual(['light', 'heavy']);
  });
});
