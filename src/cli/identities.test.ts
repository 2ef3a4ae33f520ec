import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CliIO } from './io.js';
import { main } from './main.js';

const dir = mkdtempSync(join(tmpdir(), 'kubeprint-identities-'));
writeFileSync(
  join(dir, 'ids.yaml'),
  `apiVersion: v1
kind: Namespace
metadata: { name: shop, labels: { team: shop } }
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: uploader
  namespace: shop
  annotations:
    eks.amazonaws.com/role-arn: arn:aws:iam::111122223333:role/uploader
---
apiVersion: v1
kind: ServiceAccount
metadata:
  name: reporter
  namespace: shop
  annotations:
    iam.gke.io/gcp-service-account: reporter@proj.iam.gserviceaccount.com
    azure.workload.identity/client-id: 00000000-0000-0000-0000-000000000001
automountServiceAccountToken: false
---
apiVersion: v1
kind: Secret
type: kubernetes.io/service-account-token
metadata: { name: ci-token, namespace: ci, annotations: { kubernetes.io/service-account.name: ci } }
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: uploader, namespace: shop }
spec:
  template:
    metadata: { labels: { app: uploader } }
    spec:
      serviceAccountName: uploader
      containers: [{ name: c, image: x }]
---
apiVersion: batch/v1
kind: CronJob
metadata: { name: report, namespace: shop }
spec:
  jobTemplate:
    spec:
      template:
        spec:
          serviceAccountName: reporter
          containers: [{ name: c, image: x }]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: { name: uploader-edit, namespace: shop }
subjects: [{ kind: ServiceAccount, name: uploader }]
roleRef: { kind: ClusterRole, name: edit, apiGroup: rbac.authorization.k8s.io }
---
apiVersion: spire.spiffe.io/v1alpha1
kind: ClusterSPIFFEID
metadata: { name: shop-apps }
spec:
  spiffeIDTemplate: "spiffe://example.org/ns/{{ .PodMeta.Namespace }}/sa/{{ .PodSpec.ServiceAccountName }}"
  podSelector: { matchLabels: { app: uploader } }
  namespaceSelector: { matchLabels: { team: shop } }
`,
);

async function identities(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIO = {
    stdout: (t) => out.push(t),
    stderr: (t) => err.push(t),
    readStdin: async () => '',
    isTTY: false,
    cwd: dir,
    env: {},
  };
  const code = await main(['identities', ...args], io);
  return { code, out: out.join(''), err: err.join('') };
}

describe('kubeprint identities', () => {
  it('lists service accounts with workloads, tokens, bindings, permissions and cloud identities', async () => {
    const r = await identities('ids.yaml', '-o', 'json');
    expect(r.code).toBe(0);
    const j = JSON.parse(r.out) as Array<Record<string, unknown>>;
    expect(j.map((e) => `${e.namespace}/${e.name}`)).toEqual(['ci/ci', 'shop/reporter', 'shop/uploader']);
    const [ci, reporter, uploader] = j;
    expect(ci).toMatchObject({
      exists: false,
      legacyTokenSecrets: ['ci-token'],
      workloads: [],
      // nothing beyond what every service account holds through its groups
      permissions: { rules: 0, defaultRules: expect.any(Number) },
    });
    expect((ci?.permissions as { defaultRules?: number } | undefined)?.defaultRules).toBeGreaterThan(0);
    expect(reporter).toMatchObject({
      automount: false,
      tokenMounted: false,
      workloads: [{ kind: 'CronJob', name: 'report', automount: false }],
      cloud: [
        { provider: 'gcp', serviceAccount: 'reporter@proj.iam.gserviceaccount.com' },
        { provider: 'azure', clientId: '00000000-0000-0000-0000-000000000001' },
      ],
    });
    expect(uploader).toMatchObject({
      tokenMounted: true,
      bindings: [{ kind: 'RoleBinding', name: 'uploader-edit', role: 'ClusterRole/edit', default: false }],
      permissions: { clusterWide: false, namespaces: ['shop'] },
      cloud: [
        { provider: 'aws', roleArn: 'arn:aws:iam::111122223333:role/uploader' },
        {
          provider: 'spiffe',
          clusterSpiffeId: 'shop-apps',
          spiffeIdTemplate: 'spiffe://example.org/ns/shop/sa/uploader',
        },
      ],
      source: { file: 'ids.yaml', line: 5 },
    });
    expect(uploader?.escalation).toEqual(expect.arrayContaining(['pod-create', 'secret-read']));
  });

  it('prints a table and filters by namespace', async () => {
    const r = await identities('ids.yaml', '-n', 'shop');
    expect(r.out).toContain('shop/uploader');
    expect(r.out).not.toContain('ci/ci');
    expect(r.out).toContain('aws:arn:aws:iam::111122223333:role/uploader');
    expect(r.out).toContain('2 service accounts');
    expect(r.out).toMatch(/shop\/reporter .* defaults only /);
    expect(r.out).toMatch(/shop\/uploader .* \d+ rules shop /);
  });

  it('assumes the default roles and bindings unless --no-bootstrap', async () => {
    const r = await identities('ids.yaml', '-n', 'shop', '--no-bootstrap');
    expect(r.code).toBe(0);
    // without the default ClusterRole edit, the RoleBinding to it grants nothing
    expect(r.out).toMatch(/shop\/uploader .* ClusterRole\/edit +none +- /);
    expect(r.out).toMatch(/shop\/reporter .* none /);
    expect((await identities('ids.yaml', '--bootstrap', '--no-bootstrap')).code).toBe(2);
  });
});
