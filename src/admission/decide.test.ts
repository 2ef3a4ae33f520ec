import { describe, expect, it } from 'vitest';
import { parseConfig } from '../config/config.js';
import { RULES } from '../rules/registry.js';
import { admissionPolicy, decide, modeOf } from './decide.js';
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
    const d = decide(request(review({ object: testObject('compliant-deployment.yaml') })), policy, 'all');
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

  it('honours exemptions from annotations and from config (namespace taken from the request)', () => {
    const pod = testObject('privileged-pod.yaml');
    (pod.metadata as Record<string, unknown>).annotations = {
      'kubeprint.dev/exempt': 'pss-privileged,pss-host-namespaces',
      'kubeprint.dev/exempt-reason': 'node debugging tool, reviewed by platform team',
    };
    const d = decide(request(review({ object: pod })), policy, 'all');
    expect(d.response.allowed).toBe(true);
    expect(d.verdicts.find((v) => v.ruleId === 'pss-privileged')?.exempted).toContain('node debugging');

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
