import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { runCli } from '../../test/cli-capture.js';
import { parseConfig } from '../config/config.js';
import { toKubeObject } from '../model/kube-object.js';
import { atLeast } from '../model/severity.js';
import { scanObjects } from '../scan.js';
import { admissionPolicy, decide } from './decide.js';
import { parseAdmissionReview } from './review.js';
import { review, testObject } from './testdata/reviews.js';

async function manifests(args: string[] = []) {
  const r = await runCli(['admission', 'manifests', ...args]);
  // the one thing said on stderr: that ingress is open without --apiserver-cidr
  expect(r.stderr).toBe(
    args.includes('--apiserver-cidr')
      ? ''
      : 'kubeprint: the webhook NetworkPolicy admits any source on port 8443: pass --apiserver-cidr with the addresses the API server calls from (docs/admission.md)\n',
  );
  expect(r.code).toBe(0);
  return parseAllDocuments(r.stdout).map((d) => d.toJS() as Record<string, unknown>);
}

type Obj = Record<string, unknown>;

/** The value at a dotted path of parsed YAML (numbers index lists). */
function at(o: unknown, path: string): unknown {
  let cur = o;
  for (const k of path.split('.')) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[k];
  }
  return cur;
}

describe('admission manifests', () => {
  it.each([[[] as string[]], [['--cert-manager', '--namespace', 'policy']], [['--cluster-access']]])(
    "pass kubeprint's own rules (%j)",
    async (args) => {
      const objects = (await manifests(args)).map((o) => toKubeObject(o, undefined, 'manifests'));
      expect(objects.every((o) => o !== undefined)).toBe(true);
      const result = scanObjects(
        objects.filter((o) => o !== undefined),
        {},
      );
      const serious = result.findings.filter((f) => atLeast(f.severity, 'medium'));
      expect(serious.map((f) => `${f.ruleId} ${f.object?.kind}/${f.object?.name}: ${f.message}`)).toEqual([]);
      // each exemption is one we justify, with its reason
      const justified = [
        'image-digest-not-pinned',
        'egress-denied-without-dns',
        'workload-exposed-to-cluster-or-internet',
      ];
      expect(result.exempted.length).toBeGreaterThan(0);
      for (const f of result.exempted) {
        expect(justified).toContain(f.ruleId);
        expect(f.exemption?.reason.length).toBeGreaterThan(40);
      }
    },
  );

  it('pins the image it is given and then needs no digest exemption', async () => {
    const image = `ghcr.io/acme/kubeprint:1.0.0@sha256:${'a'.repeat(64)}`;
    const objects = await manifests(['--image', image]);
    const dep = objects.find((o) => o.kind === 'Deployment');
    expect(at(dep, 'spec.template.spec.containers.0.image')).toBe(image);
    const kos = objects.map((o) => toKubeObject(o, undefined, 'm')).filter((o) => o !== undefined);
    const result = scanObjects(kos, {});
    expect(result.exempted.map((f) => f.ruleId)).not.toContain('image-digest-not-pinned');
    expect(result.findings.filter((f) => atLeast(f.severity, 'medium'))).toEqual([]);
  });

  it('runs the webhook safely: replicas, PDB, anti-affinity, restricted PSS, no token, two webhooks', async () => {
    const objects = await manifests();
    const byKind = (k: string) => objects.filter((o) => o.kind === k);
    const dep = byKind('Deployment')[0];
    expect(at(dep, 'spec.replicas')).toBeGreaterThanOrEqual(2);
    expect(at(dep, 'spec.template.spec.affinity.podAntiAffinity')).toBeDefined();
    expect(at(dep, 'spec.template.spec.automountServiceAccountToken')).toBe(false);
    expect(byKind('PodDisruptionBudget')).toHaveLength(1);
    expect(at(byKind('Namespace')[0], 'metadata.labels.pod-security.kubernetes.io/enforce')).toBeUndefined();
    expect((at(byKind('Namespace')[0], 'metadata.labels') as Obj)['pod-security.kubernetes.io/enforce']).toBe(
      'restricted',
    );
    expect(byKind('RoleBinding').length + byKind('ClusterRoleBinding').length).toBe(0);
    const hooks = at(byKind('ValidatingWebhookConfiguration')[0], 'webhooks') as Obj[];
    expect(hooks.map((h) => [at(h, 'clientConfig.service.path'), h.failurePolicy])).toEqual([
      ['/validate', 'Fail'],
      ['/validate/advisory', 'Ignore'],
    ]);
    for (const h of hooks) {
      expect(h.timeoutSeconds).toBeLessThanOrEqual(5);
      expect(h.sideEffects).toBe('None');
      expect(at(h, 'namespaceSelector.matchExpressions.0.values')).toEqual(['kube-system', 'kubeprint']);
      expect(Buffer.from(String(at(h, 'clientConfig.caBundle')), 'base64').toString()).toContain('BEGIN CERTIFICATE');
      const resources = (h.rules as Obj[]).flatMap((r) => r.resources as string[]);
      expect(resources).toEqual(expect.arrayContaining(['pods', 'deployments', 'cronjobs']));
    }
    expect(byKind('Secret')[0]?.type).toBe('kubernetes.io/tls');
  });

  it('with --cluster-access, grants list and watch only, and mounts the token', async () => {
    const objects = await manifests(['--cluster-access']);
    const role = objects.find((o) => o.kind === 'ClusterRole');
    const verbs = new Set((at(role, 'rules') as Obj[]).flatMap((r) => r.verbs as string[]));
    expect([...verbs].sort()).toEqual(['list', 'watch']);
    const resources = (at(role, 'rules') as Obj[]).flatMap((r) => r.resources as string[]);
    expect(resources).not.toContain('secrets');
    expect(resources).toContain('poddisruptionbudgets');
    const dep = objects.find((o) => o.kind === 'Deployment');
    expect(at(dep, 'spec.template.spec.automountServiceAccountToken')).toBe(true);
    expect(at(dep, 'spec.template.spec.containers.0.args')).toContain('--in-cluster');
  });

  it('with --verify-images or --cluster-access, allows DNS and HTTPS egress and still passes its own rules', async () => {
    for (const flags of [['--verify-images'], ['--cluster-access'], []]) {
      const objects = await manifests(flags);
      const egress = objects.find(
        (o) => o.kind === 'NetworkPolicy' && at(o, 'metadata.name') === 'kubeprint-webhook-egress',
      );
      const dep = objects.find((o) => o.kind === 'Deployment');
      const exempt = String(
        at(dep, 'metadata.annotations') ? ((at(dep, 'metadata.annotations') as Obj)['kubeprint.dev/exempt'] ?? '') : '',
      );
      if (flags.length === 0) {
        expect(egress).toBeUndefined();
        expect(exempt).toContain('egress-denied-without-dns');
        continue;
      }
      const ports = (at(egress, 'spec.egress') as Obj[]).flatMap((r) =>
        (r.ports as Obj[]).map((p) => `${p.protocol} ${p.port}`),
      );
      expect(ports.sort()).toEqual(['TCP 443', 'TCP 53', 'TCP 6443', 'UDP 53']);
      expect(exempt).not.toContain('egress-denied-without-dns');
      const kos = objects.map((o) => toKubeObject(o, undefined, 'm')).filter((o) => o !== undefined);
      const result = scanObjects(kos, {});
      expect(
        result.findings.filter((f) => atLeast(f.severity, 'medium')).map((f) => `${f.ruleId}: ${f.message}`),
      ).toEqual([]);
    }
  });

  it("configures a webhook that honours no exemption annotation: its ConfigMap's config denies a self-exempting pod", async () => {
    const cm = (await manifests()).find((o) => o.kind === 'ConfigMap');
    const text = String((at(cm, 'data') as Obj)['kubeprint.yaml']);
    const config = parseConfig(text, 'kubeprint.yaml');
    expect(config.config.admission?.annotationExemptions).toBeUndefined();
    const pod = testObject('privileged-pod.yaml');
    (pod.metadata as Obj).annotations = { 'kubeprint.dev/exempt': '*', 'kubeprint.dev/exempt-reason': 'trust me' };
    const p = parseAdmissionReview(JSON.stringify(review({ object: pod, namespace: 'prod' })));
    if (!p.ok) throw new Error(p.reason);
    const d = decide(p.request, admissionPolicy({ config }), 'enforce');
    expect(d.response.allowed).toBe(false);
    expect(d.response.status?.message).toContain('[pss-privileged]');
  });

  it('with --apiserver-cidr, admits only those sources to the webhook port, and still passes its own rules', async () => {
    const objects = await manifests([
      '--apiserver-cidr',
      '10.0.0.0/24,10.0.1.0/24',
      '--apiserver-cidr',
      'fd00:10::/64',
    ]);
    const ingress = objects.find(
      (o) => o.kind === 'NetworkPolicy' && at(o, 'metadata.name') === 'kubeprint-webhook-ingress',
    );
    expect(at(ingress, 'spec.ingress')).toEqual([
      {
        from: [
          { ipBlock: { cidr: '10.0.0.0/24' } },
          { ipBlock: { cidr: '10.0.1.0/24' } },
          { ipBlock: { cidr: 'fd00:10::/64' } },
        ],
        ports: [{ port: 8443, protocol: 'TCP' }],
      },
    ]);
    // nothing left to exempt: no pod, namespace or address outside the control plane reaches it
    expect(at(ingress, 'metadata.annotations')).toBeUndefined();
    const kos = objects.map((o) => toKubeObject(o, undefined, 'm')).filter((o) => o !== undefined);
    const result = scanObjects(kos, {});
    expect(
      result.findings.filter((f) => atLeast(f.severity, 'medium')).map((f) => `${f.ruleId}: ${f.message}`),
    ).toEqual([]);
    expect(result.exempted.map((f) => f.ruleId)).not.toContain('workload-exposed-to-cluster-or-internet');
  });

  it('without --apiserver-cidr, says on stderr that any source reaches the webhook port', async () => {
    const objects = await manifests();
    const ingress = objects.find(
      (o) => o.kind === 'NetworkPolicy' && at(o, 'metadata.name') === 'kubeprint-webhook-ingress',
    );
    expect(at(ingress, 'spec.ingress')).toEqual([{ ports: [{ port: 8443, protocol: 'TCP' }] }]);
    expect(String((at(ingress, 'metadata.annotations') as Obj)['kubeprint.dev/exempt-reason'])).toContain(
      '--apiserver-cidr',
    );
  });

  it.each(['10.0.0.0', '10.0.0.0/33', 'fd00::/129', 'example.com/24', ''])(
    '--apiserver-cidr %j is a usage error',
    async (cidr) => {
      const r = await runCli(['admission', 'manifests', '--apiserver-cidr', cidr]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/--apiserver-cidr must be a CIDR/);
      expect(r.stdout).toBe('');
    },
  );

  it('uses cert-manager when asked', async () => {
    const objects = await manifests(['--cert-manager']);
    expect(objects.some((o) => o.kind === 'Certificate')).toBe(true);
    expect(objects.some((o) => o.kind === 'Secret')).toBe(false);
    const vwc = objects.find((o) => o.kind === 'ValidatingWebhookConfiguration');
    expect((at(vwc, 'metadata.annotations') as Obj)['cert-manager.io/inject-ca-from']).toBe(
      'kubeprint/kubeprint-webhook',
    );
    expect(at(vwc, 'webhooks.0.clientConfig.caBundle')).toBeUndefined();
  });

  it('rejects an unknown subcommand with a usage error', async () => {
    const r = await runCli(['admission', 'nope']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unknown admission subcommand/);
  });
});
