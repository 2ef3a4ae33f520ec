/**
 * Admission end to end on a real kube-apiserver: the webhook, served by this
 * test over TLS on 127.0.0.1, is registered with the ValidatingWebhookConfiguration
 * that `admission manifests` generates (clientConfig switched to a URL); the
 * API server then admits or denies Deployments and Pods through it. Then the
 * webhook process stops (failurePolicy decides), and the generated
 * ValidatingAdmissionPolicies replace it.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateWebhookTls } from '../../src/admission/certs.js';
import { startClusterCache } from '../../src/admission/cluster-cache.js';
import { admissionPolicy, decide } from '../../src/admission/decide.js';
import { admissionManifests } from '../../src/admission/manifests.js';
import { parseAdmissionReview } from '../../src/admission/review.js';
import { startWebhookServer, type WebhookServer } from '../../src/admission/server.js';
import { review, testObject } from '../../src/admission/testdata/reviews.js';
import { TS_WORKER } from '../../src/admission/testdata/workers.js';
import { validatingAdmissionPolicies } from '../../src/admission/vap.js';
import { parseConfig } from '../../src/config/config.js';
import { type ControlPlane, controlPlaneMissing, startControlPlane } from '../helpers/control-plane.js';

const missing = controlPlaneMissing();
if (missing) console.warn(`admission end-to-end tests skipped: ${missing}`);

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

type Obj = Record<string, unknown>;

function withName(o: Obj, name: string): Obj {
  return { ...o, metadata: { ...(o.metadata as Obj), name } };
}

/** The first container of a Deployment's pod template or of a Pod. */
function firstContainer(o: Obj): Obj {
  const spec = o.kind === 'Pod' ? (o.spec as Obj) : ((o.spec as Obj).template as { spec: Obj }).spec;
  const c = (spec.containers as Obj[])[0];
  if (!c) throw new Error('no container');
  return c;
}

function privileged(o: Obj): Obj {
  const c = firstContainer(o);
  c.securityContext = { ...(c.securityContext as Obj), privileged: true, allowPrivilegeEscalation: true };
  return o;
}

/** The compliant Deployment with its own app label. */
function labelled(name: string, app: string): Obj {
  const d = withName(testObject('compliant-deployment.yaml'), name);
  const spec = d.spec as { selector: { matchLabels: Obj }; template: { metadata: { labels: Obj } } };
  (d.metadata as Obj).labels = { app };
  spec.selector.matchLabels = { app };
  spec.template.metadata.labels = { app };
  return d;
}

/** A compliant Pod: the compliant Deployment's pod template, owned by a ReplicaSet as the Pods a Deployment makes are (a bare Pod is a finding of its own). */
function compliantPod(name: string): Obj {
  const d = testObject('compliant-deployment.yaml');
  const tpl = (d.spec as Obj).template as Obj;
  const owner = {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    name: 'web-5d8f7c9b6',
    uid: '6f1c2d3e-0000-4000-8000-000000000001',
    controller: true,
  };
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { ...(tpl.metadata as Obj), name, ownerReferences: [owner] },
    spec: tpl.spec,
  };
}

/**
 * Exemption annotations are honoured at admission only as far as config
 * allows: here two rules, for the test's admin (CN=kubeprint-admin) only.
 */
const ANNOTATIONS_FOR_ADMIN = parseConfig(
  [
    'admission:',
    '  annotationExemptions:',
    '    rules: [pss-privileged, pss-allow-privilege-escalation]',
    '    users: [kubeprint-admin]',
    '',
  ].join('\n'),
  '.kubeprint.yaml',
);

/** The HTTP status of a GET over TLS with the given CA (0 when it fails). */
function statusOf(url: string, ca: string): Promise<number> {
  return new Promise((resolve) => {
    const req = httpsRequest(url, { ca }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', () => resolve(0));
    req.end();
  });
}

describe.skipIf(missing !== undefined)('admission on a real API server', () => {
  let cp: ControlPlane;
  let dir: string;
  let srv: WebhookServer | undefined;
  let ca: string;
  const NS = 'apps';

  function kubectl(args: string[], input?: Obj | string): Promise<Run> {
    return new Promise((resolve) => {
      const child = execFile(
        'kubectl',
        ['--kubeconfig', cp.kubeconfig, ...args],
        { maxBuffer: 64 * 1024 * 1024 },
        (err, stdout, stderr) => {
          const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
          resolve({ code, stdout, stderr });
        },
      );
      child.stdin?.end(input === undefined ? undefined : typeof input === 'string' ? input : JSON.stringify(input));
    });
  }
  const create = (o: Obj, extra: string[] = []) => kubectl(['create', '-n', NS, '-f', '-', ...extra], o);

  /** Wait (bounded) until the API server has picked up its admission configuration. */
  async function until(what: string, check: () => Promise<boolean>, ms = 30_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (Date.now() < deadline) {
      if (await check()) return;
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`timed out waiting for ${what}`);
  }

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kubeprint-adm-'));
    cp = await startControlPlane();
    const tls = generateWebhookTls(['127.0.0.1', 'localhost'], 2);
    ca = tls.caCert;
    writeFileSync(join(dir, 'tls.crt'), tls.cert);
    writeFileSync(join(dir, 'tls.key'), tls.key);
    srv = await startWebhookServer({
      policy: admissionPolicy({ config: ANNOTATIONS_FOR_ADMIN }),
      tlsCert: join(dir, 'tls.crt'),
      tlsKey: join(dir, 'tls.key'),
      host: '127.0.0.1',
      decisionLog: join(dir, 'decisions.jsonl'),
      log: () => {},
      // reviews over 64 KiB are judged by a worker thread (started from the TypeScript sources here)
      workers: 1,
      ...TS_WORKER,
    });
    const url = `${srv.url}/readyz`;
    await until('the webhook to be ready (its worker started)', async () => (await statusOf(url, ca)) === 200, 90_000);
    expect((await kubectl(['create', 'namespace', NS])).code).toBe(0);
    // the configuration `admission manifests` prints, pointed at this process
    const vwc = admissionManifests({ namespace: 'kubeprint', tls: 'cert-manager' }).find(
      (o) => o.kind === 'ValidatingWebhookConfiguration',
    ) as Obj;
    for (const h of vwc.webhooks as Obj[]) {
      const path = ((h.clientConfig as Obj).service as Obj).path as string;
      h.clientConfig = { url: `${srv.url}${path}`, caBundle: Buffer.from(ca).toString('base64') };
    }
    delete (vwc.metadata as Obj).annotations;
    const r = await kubectl(['create', '-f', '-'], vwc);
    expect(r.stderr).toBe('');
    await until('the webhook to be called', async () => {
      const probe = await create(privileged(withName(testObject('privileged-pod.yaml'), 'probe')), [
        '--dry-run=server',
      ]);
      return probe.code !== 0 && probe.stderr.includes('enforce.kubeprint.dev');
    });
  }, 150_000);

  afterAll(async () => {
    await srv?.close(1000);
    await cp?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('allows a compliant Deployment and a compliant Pod, with no warning', async () => {
    for (const o of [withName(testObject('compliant-deployment.yaml'), 'good'), compliantPod('good-pod')]) {
      const r = await create(o);
      expect(r.stderr, `${o.kind}`).toBe('');
      expect(r.code).toBe(0);
    }
    expect((await kubectl(['get', 'deployment/good', 'pod/good-pod', '-n', NS, '-o', 'name'])).stdout).toContain(
      'deployment.apps/good',
    );
  });

  it('denies a violating Deployment and Pod, naming the rules and their fixes', async () => {
    const dep = await create(privileged(withName(testObject('compliant-deployment.yaml'), 'bad')));
    expect(dep.code).not.toBe(0);
    expect(dep.stderr).toContain('admission webhook "enforce.kubeprint.dev" denied the request');
    expect(dep.stderr).toContain('[pss-privileged]');
    expect(dep.stderr).toContain('fix: ');
    const pod = await create(testObject('privileged-pod.yaml'));
    expect(pod.code).not.toBe(0);
    expect(pod.stderr).toContain('[pss-host-namespaces]');
    expect((await kubectl(['get', 'deployment/bad', '-n', NS])).code).not.toBe(0);
    // dry-run requests are judged the same
    const dry = await create(testObject('privileged-pod.yaml'), ['--dry-run=server']);
    expect(dry.stderr).toContain('[pss-privileged]');
  });

  it('admits a warn-mode violation with a warning', async () => {
    const d = withName(testObject('compliant-deployment.yaml'), 'no-probe');
    delete firstContainer(d).readinessProbe;
    const r = await create(d);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/Warning: \[readiness-probe-missing\] container "web" has no readinessProbe/);
  });

  it('judges large objects in a worker, and decides one over the budget by the failure policy', async () => {
    // a ConfigMap near the API server's 1 MiB limit: its review goes to the worker, and it is admitted
    const big = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'big' },
      data: Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`part-${i}`, 'x'.repeat(100_000)])),
    };
    const admitted = await create(big);
    expect(admitted.stderr).toBe('');
    expect(admitted.code).toBe(0);
    // a Pod with more containers than a review may have: not judged, and /validate (failurePolicy Fail) denies it
    const many = compliantPod('many');
    const spec = many.spec as { containers: Obj[] };
    const base = spec.containers[0] as Obj;
    spec.containers = Array.from({ length: 101 }, (_, i) => ({ ...base, name: `c${i}` }));
    const denied = await create(many, ['--dry-run=server']);
    expect(denied.code).not.toBe(0);
    expect(denied.stderr).toContain('admission webhook "enforce.kubeprint.dev" denied the request');
    expect(denied.stderr).toMatch(/did not judge Pod "many" in namespace "apps": it has 101 containers/);
  });

  it('honours no self-exemption: "*" is denied, and named rules only for the requester config lists', async () => {
    const selfExempt = privileged(withName(testObject('compliant-deployment.yaml'), 'self-exempt'));
    const spec = (selfExempt.spec as { template: { spec: Obj } }).template.spec;
    spec.hostPID = true;
    spec.volumes = [{ name: 'host', hostPath: { path: '/' } }];
    firstContainer(selfExempt).volumeMounts = [{ name: 'host', mountPath: '/host' }];
    (selfExempt.metadata as Obj).annotations = {
      'kubeprint.dev/exempt': '*',
      'kubeprint.dev/exempt-reason': 'trust me',
    };
    const star = await create(selfExempt);
    expect(star.code).not.toBe(0);
    expect(star.stderr).toContain('admission webhook "enforce.kubeprint.dev" denied the request');
    expect(star.stderr).toContain('[pss-host-namespaces]');
    expect(star.stderr).toContain('"*" is not honoured at admission');
    // another user, allowed by RBAC to create Deployments, names the rules config lets the admin exempt
    const dev = cp.userKubeconfig('dev', ['developers']);
    // (the aggregated `edit` role has no rules without the controller manager: a Role of its own)
    expect(
      (await kubectl(['create', 'role', 'deployer', '-n', NS, '--verb=create,get', '--resource=deployments.apps']))
        .code,
    ).toBe(0);
    expect(
      (await kubectl(['create', 'rolebinding', 'dev-deployer', '-n', NS, '--role=deployer', '--group=developers']))
        .code,
    ).toBe(0);
    const named = privileged(withName(testObject('compliant-deployment.yaml'), 'named-exempt'));
    (named.metadata as Obj).annotations = {
      'kubeprint.dev/exempt': 'pss-privileged,pss-allow-privilege-escalation',
      'kubeprint.dev/exempt-reason': 'legacy agent, migration tracked',
    };
    const byDev = await new Promise<Run>((resolve) => {
      const child = execFile('kubectl', ['--kubeconfig', dev, 'create', '-n', NS, '-f', '-'], (err, stdout, stderr) =>
        resolve({ code: err ? 1 : 0, stdout, stderr }),
      );
      child.stdin?.end(JSON.stringify(named));
    });
    expect(byDev.code).not.toBe(0);
    expect(byDev.stderr).toContain('[pss-privileged]');
    expect(byDev.stderr).toContain('annotations are not honoured for requests by "dev"');
    // the admin, whom config lists, may
    const byAdmin = await create(named, ['--dry-run=server']);
    expect(byAdmin.stderr).toBe('');
    expect(byAdmin.code).toBe(0);
  });

  it('on UPDATE, does not deny for what was already there', async () => {
    // admitted while exempt by annotation (config allows the admin to), then
    // the exemption is removed: the violation was already there, so the
    // update warns instead of denying
    const d = privileged(withName(testObject('compliant-deployment.yaml'), 'legacy'));
    (d.metadata as Obj).annotations = {
      'kubeprint.dev/exempt': 'pss-privileged,pss-allow-privilege-escalation',
      'kubeprint.dev/exempt-reason': 'legacy agent, migration tracked',
    };
    expect((await create(d)).code).toBe(0);
    const r = await kubectl([
      'annotate',
      '-n',
      NS,
      'deployment/legacy',
      'kubeprint.dev/exempt-',
      'kubeprint.dev/exempt-reason-',
    ]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/Warning: \[pss-privileged\].*already present/);
    // decisions are written in batches
    await until('the decision log entry', async () =>
      /"operation":"UPDATE".*"name":"legacy"/.test(readFileSync(join(dir, 'decisions.jsonl'), 'utf8')),
    );
  });

  it('with a cluster cache kept by watches, cross-object rules see the cluster as it changes', async () => {
    const cache = await startClusterCache({ kubeconfig: cp.kubeconfig, env: {} });
    try {
      const policy = admissionPolicy({ clusterState: true, neighbours: cache.neighbours });
      expect(policy.skipped.filter((s) => s.why === 'cluster-state')).toEqual([]);
      const dep = labelled('cached', 'cached');
      const judge = () => {
        const p = parseAdmissionReview(JSON.stringify(review({ object: dep, namespace: NS })));
        if (!p.ok) throw new Error(p.reason);
        return decide(p.request, policy, 'all').verdicts.map((v) => v.ruleId);
      };
      expect(judge()).toContain('pdb-missing');
      const pdb = {
        apiVersion: 'policy/v1',
        kind: 'PodDisruptionBudget',
        metadata: { name: 'cached' },
        spec: { minAvailable: 1, selector: { matchLabels: { app: 'cached' } } },
      };
      expect((await create(pdb)).code).toBe(0);
      await until('the PDB to reach the cache', async () => !judge().includes('pdb-missing'), 10_000);
      expect((await kubectl(['delete', '-n', NS, 'pdb/cached'])).code).toBe(0);
      await until('the deletion to reach the cache', async () => judge().includes('pdb-missing'), 10_000);
    } finally {
      cache.stop();
    }
  });

  it('with the webhook process stopped, follows failurePolicy', async () => {
    await srv?.close(1000);
    srv = undefined;
    // enforce webhook: failurePolicy Fail → every matched request is refused
    const good = await create(compliantPod('while-down'));
    expect(good.code).not.toBe(0);
    expect(good.stderr).toMatch(/failed calling webhook "enforce\.kubeprint\.dev"/);
    // the advisory webhook alone (failurePolicy Ignore) lets requests through
    expect((await kubectl(['delete', 'validatingwebhookconfiguration', 'kubeprint'])).code).toBe(0);
    const vwc = admissionManifests({ namespace: 'kubeprint', tls: 'cert-manager' }).find(
      (o) => o.kind === 'ValidatingWebhookConfiguration',
    ) as Obj;
    const advisory = (vwc.webhooks as Obj[]).filter((h) => h.failurePolicy === 'Ignore');
    expect(advisory).toHaveLength(1);
    for (const h of advisory)
      h.clientConfig = { url: 'https://127.0.0.1:1/validate/advisory', caBundle: Buffer.from(ca).toString('base64') };
    const only = { ...vwc, metadata: { name: 'kubeprint-advisory' }, webhooks: advisory };
    expect((await kubectl(['create', '-f', '-'], only)).code).toBe(0);
    await until(
      'the advisory-only configuration',
      async () => (await create(compliantPod('ignored'), ['--dry-run=server'])).code === 0,
    );
    const bad = await create(testObject('privileged-pod.yaml'));
    expect(bad.code).toBe(0);
    await kubectl(['delete', 'pod', '-n', NS, 'root-shell', '--wait=false']);
    expect((await kubectl(['delete', 'validatingwebhookconfiguration', 'kubeprint-advisory'])).code).toBe(0);
  });

  it('without the webhook, the generated ValidatingAdmissionPolicies make the API server deny violations itself', async () => {
    const objects = validatingAdmissionPolicies({ namespace: 'kubeprint', config: ANNOTATIONS_FOR_ADMIN });
    expect(objects.length).toBeGreaterThan(0);
    const r = await kubectl(['create', '-f', '-'], { apiVersion: 'v1', kind: 'List', items: objects });
    expect(r.stderr).toBe('');
    // the API server picks up policies and bindings one by one: wait (dry-run)
    // until each one this test relies on is in force
    const crbObject = {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name: 'ci-admin' },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
      subjects: [{ kind: 'ServiceAccount', name: 'ci', namespace: NS }],
    };
    const roleObject = {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'anything' },
      rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['*'] }],
    };
    const probeDeployment = privileged(withName(testObject('compliant-deployment.yaml'), 'vap-probe'));
    delete firstContainer(probeDeployment).readinessProbe;
    await until('the policies to be enforced', async () => {
      const [dep, crbProbe, roleProbe] = await Promise.all([
        create(probeDeployment, ['--dry-run=server']),
        kubectl(['create', '-f', '-', '--dry-run=server'], crbObject),
        create(roleObject, ['--dry-run=server']),
      ]);
      return (
        dep.stderr.includes("'kubeprint-pss-privileged'") &&
        dep.stderr.includes("'kubeprint-readiness-probe-missing'") &&
        crbProbe.stderr.includes("'kubeprint-cluster-admin-binding'") &&
        roleProbe.stderr.includes("'kubeprint-rbac-wildcard-permissions'")
      );
    });
    const pod = await create(testObject('privileged-pod.yaml'));
    expect(pod.code).not.toBe(0);
    // the API server names the first policy that denies
    expect(pod.stderr).toMatch(
      /ValidatingAdmissionPolicy 'kubeprint-pss-(privileged|host-namespaces)' with binding '[^']+' denied request: \[pss-(privileged|host-namespaces)\]/,
    );
    // warn-mode policies add warnings on the way
    expect(pod.stderr).toMatch(
      /Warning: Validation failed for ValidatingAdmissionPolicy 'kubeprint-readiness-probe-missing'/,
    );
    const dep = await create(privileged(withName(testObject('compliant-deployment.yaml'), 'bad-vap')));
    expect(dep.code).not.toBe(0);
    expect(dep.stderr).toMatch(
      /ValidatingAdmissionPolicy 'kubeprint-pss-privileged' with binding '[^']+' denied request: \[pss-privileged\]/,
    );
    const good = await create(withName(testObject('compliant-deployment.yaml'), 'good-vap'));
    expect(good.stderr).toBe('');
    expect(good.code).toBe(0);
    // an exempted object is not matched; once the exemption goes, the update is
    // admitted because the violation was already there (only what changed is judged)
    const legacy = privileged(withName(testObject('compliant-deployment.yaml'), 'legacy-vap'));
    (legacy.metadata as Obj).annotations = {
      'kubeprint.dev/exempt': 'pss-privileged',
      'kubeprint.dev/exempt-reason': 'legacy agent, migration tracked',
    };
    expect((await create(legacy)).code).toBe(0);
    const unexempt = await kubectl(['annotate', '-n', NS, 'deployment/legacy-vap', 'kubeprint.dev/exempt-']);
    expect(unexempt.stderr).not.toContain('denied');
    expect(unexempt.code).toBe(0);
    // an update that introduces the violation is denied
    const patch = await kubectl([
      'patch',
      '-n',
      NS,
      'deployment/good-vap',
      '--type=json',
      '-p',
      '[{"op":"add","path":"/spec/template/spec/containers/0/securityContext/privileged","value":true},{"op":"replace","path":"/spec/template/spec/containers/0/securityContext/allowPrivilegeEscalation","value":true}]',
    ]);
    expect(patch.code).not.toBe(0);
    expect(patch.stderr).toMatch(/ValidatingAdmissionPolicy 'kubeprint-pss-privileged'.*denied request/);
    // cluster-scoped and RBAC objects too
    const crb = await kubectl(['create', '-f', '-'], crbObject);
    expect(crb.code).not.toBe(0);
    expect(crb.stderr).toMatch(/ValidatingAdmissionPolicy 'kubeprint-cluster-admin-binding'.*denied request/);
    const role = await create(roleObject);
    expect(role.code).not.toBe(0);
    expect(role.stderr).toMatch(/ValidatingAdmissionPolicy 'kubeprint-rbac-wildcard-permissions'.*denied request/);
    // a warn-mode rule binds with the Warn action
    const noProbe = withName(testObject('compliant-deployment.yaml'), 'no-probe-vap');
    delete firstContainer(noProbe).readinessProbe;
    const warned = await create(noProbe);
    expect(warned.code).toBe(0);
    expect(warned.stderr).toMatch(
      /Warning: Validation failed for ValidatingAdmissionPolicy 'kubeprint-readiness-probe-missing'/,
    );
  });

  it("generated policies honour the config file's exemptions: the API server admits what one covers", async () => {
    const config = parseConfig(
      `exemptions:
  - rules: ["*"]
    namespace: legacy-*
    kind: Deployment
    reason: vendor agent, migration tracked
    owner: team-a
    expires: "2999-12-31"
`,
      '.kubeprint.yaml',
    );
    const objects = validatingAdmissionPolicies({ config, namespace: 'kubeprint' });
    const r = await kubectl(['replace', '-f', '-'], { apiVersion: 'v1', kind: 'List', items: objects });
    expect(r.stderr).toBe('');
    expect((await kubectl(['create', 'namespace', 'legacy-a'])).code).toBe(0);
    const agent = privileged(withName(testObject('compliant-deployment.yaml'), 'agent'));
    await until('the exemption to be in force', async () => {
      const probe = await kubectl(['create', '-n', 'legacy-a', '-f', '-', '--dry-run=server'], agent);
      // the API server picks up each replaced policy on its own: until then a warn-mode one may still warn
      return probe.code === 0 && probe.stderr === '';
    });
    const admitted = await kubectl(['create', '-n', 'legacy-a', '-f', '-'], agent);
    expect(admitted.stderr).toBe('');
    expect(admitted.code).toBe(0);
    // outside the exempted namespaces, and for another kind in them, the policies still deny
    const elsewhere = await create(withName(agent, 'agent-elsewhere'));
    expect(elsewhere.code).not.toBe(0);
    expect(elsewhere.stderr).toMatch(/ValidatingAdmissionPolicy 'kubeprint-pss-[a-z-]+' .*denied request/);
    const pod = await kubectl(['create', '-n', 'legacy-a', '-f', '-'], privileged(compliantPod('agent-pod')));
    expect(pod.code).not.toBe(0);
    expect(pod.stderr).toMatch(/ValidatingAdmissionPolicy 'kubeprint-pss-[a-z-]+' .*denied request/);
  });
});
