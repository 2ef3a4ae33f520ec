/**
 * Bootstrap roles and bindings redefined in files, on a real kube-apiserver.
 *
 * At every start the API server reconciles its default RBAC policy
 * (post-start hook rbac/bootstrap-roles): a default role or binding the
 * cluster holds gets back the permissions or subjects it lacks, and a default
 * binding whose roleRef differs is deleted and created anew — unless it is
 * annotated `rbac.authorization.kubernetes.io/autoupdate: "false"`, which
 * leaves it as it is. kubeprint assumes that steady state wherever it assumes
 * the default policy: every answer from files (docs/rbac.md). Here the files are
 * applied, the API server is restarted, the objects are read back, and
 * SubjectAccessReviews on the live server are compared with `kubeprint rbac
 * can-i` on the same files (no flag: the default policy is assumed).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli-capture.js';
import { type ControlPlane, controlPlaneMissing, startControlPlane } from '../helpers/control-plane.js';

const missing = controlPlaneMissing();
if (missing) console.warn(`bootstrap RBAC reconciliation tests skipped: ${missing}`);

const PROTECT = 'annotations: { rbac.authorization.kubernetes.io/autoupdate: "false" }';

const FILES = `
# cluster-admin cut down to reading pods, not protected
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata: { name: cluster-admin }
rules: [{ apiGroups: [""], resources: [pods], verbs: [get] }]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: ops-admin }
subjects: [{ kind: Group, name: ops, apiGroup: rbac.authorization.k8s.io }]
roleRef: { kind: ClusterRole, name: cluster-admin, apiGroup: rbac.authorization.k8s.io }
---
# discovery cut down to /healthz, protected
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: system:discovery
  ${PROTECT}
rules: [{ nonResourceURLs: [/healthz], verbs: [get] }]
---
# basic-user for devs instead of every authenticated user, protected
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: system:basic-user
  ${PROTECT}
subjects: [{ kind: Group, name: devs, apiGroup: rbac.authorization.k8s.io }]
roleRef: { kind: ClusterRole, name: system:basic-user, apiGroup: rbac.authorization.k8s.io }
---
# monitoring for watchers instead of system:monitoring, not protected
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: system:monitoring }
subjects: [{ kind: Group, name: watchers, apiGroup: rbac.authorization.k8s.io }]
roleRef: { kind: ClusterRole, name: system:monitoring, apiGroup: rbac.authorization.k8s.io }
---
# public-info-viewer pointed at system:monitoring, for devs, not protected
# (not at an aggregated role: no aggregation controller runs here)
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: { name: system:public-info-viewer }
subjects: [{ kind: Group, name: devs, apiGroup: rbac.authorization.k8s.io }]
roleRef: { kind: ClusterRole, name: system:monitoring, apiGroup: rbac.authorization.k8s.io }
`;

interface Ask {
  /** kubeprint's subject */
  as: string;
  /** what the API server sees for it */
  user: string;
  groups: string[];
  verb: string;
  /** `secrets`, `selfsubjectaccessreviews.authorization.k8s.io`, or a URL */
  what: string;
  namespace?: string;
}

const ops = { as: 'Group:ops', user: 'probe', groups: ['ops'] };
const bob = { as: 'User:bob', user: 'bob', groups: ['system:authenticated'] };
const devs = { as: 'Group:devs', user: 'probe', groups: ['devs'] };
const monitoring = { as: 'Group:system:monitoring', user: 'probe', groups: ['system:monitoring'] };
const watchers = { as: 'Group:watchers', user: 'probe', groups: ['watchers'] };
const SSAR = 'selfsubjectaccessreviews.authorization.k8s.io';

const ASKS: Ask[] = [
  { ...ops, verb: 'delete', what: 'secrets', namespace: 'x' },
  { ...ops, verb: 'get', what: 'pods', namespace: 'x' },
  { ...bob, verb: 'get', what: '/apis' },
  { ...bob, verb: 'get', what: '/healthz' },
  { ...bob, verb: 'create', what: SSAR },
  { ...devs, verb: 'create', what: SSAR },
  { ...devs, verb: 'get', what: '/metrics' },
  { ...devs, verb: 'get', what: '/version' },
  { ...monitoring, verb: 'get', what: '/metrics' },
  { ...watchers, verb: 'get', what: '/metrics' },
];

const describeAsk = (a: Ask) => `${a.as} ${a.verb} ${a.what}${a.namespace ? ` -n ${a.namespace}` : ''}`;

describe.skipIf(missing !== undefined)('bootstrap RBAC objects redefined in files (real kube-apiserver)', () => {
  let cp: ControlPlane;
  let dir: string;
  let file: string;

  beforeAll(async () => {
    cp = await startControlPlane();
    dir = mkdtempSync(join(tmpdir(), 'kubeprint-bootstrap-'));
    file = join(dir, 'rbac.yaml');
    writeFileSync(file, FILES);
    // a roleRef cannot change: the default binding goes first
    await cp.kubectl(['delete', 'clusterrolebinding', 'system:public-info-viewer']);
    await cp.kubectl(['apply', '-f', file]);
  }, 150_000);

  afterAll(async () => {
    await cp?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** The API server's answer: a SubjectAccessReview created by the admin. */
  const review = async (a: Ask): Promise<boolean> => {
    const attrs = a.what.startsWith('/')
      ? { nonResourceAttributes: { verb: a.verb, path: a.what } }
      : {
          resourceAttributes: {
            verb: a.verb,
            resource: a.what.split('.')[0],
            group: a.what.split('.').slice(1).join('.'),
            namespace: a.namespace ?? '',
          },
        };
    const body = {
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SubjectAccessReview',
      spec: { user: a.user, groups: a.groups, ...attrs },
    };
    const out = await cp.kubectl(['create', '-o', 'json', '-f', '-'], JSON.stringify(body));
    return (JSON.parse(out) as { status?: { allowed?: boolean } }).status?.allowed === true;
  };

  /** kubeprint's answer on the files with the default policy added. */
  const kubeprint = async (a: Ask): Promise<boolean> => {
    const ns = a.namespace ? ['-n', a.namespace] : [];
    const r = await runCli(['rbac', 'can-i', a.verb, a.what, '--as', a.as, ...ns, file]);
    if (r.code !== 0 && r.code !== 1) throw new Error(`kubeprint rbac can-i ${describeAsk(a)}: ${r.stderr}`);
    return r.code === 0;
  };

  const get = async (kind: string, name: string) =>
    JSON.parse(await cp.kubectl(['get', kind, name, '-o', 'json'])) as {
      rules?: Array<Record<string, string[]>>;
      subjects?: Array<{ kind: string; name: string }>;
      roleRef?: { name: string };
    };

  it('as applied, before a restart, the cut-down objects are what the server uses', async () => {
    expect(await review(ASKS[0]!)).toBe(false); // ops cannot delete secrets yet
    expect(await review({ ...devs, verb: 'get', what: '/metrics' })).toBe(true); // system:monitoring, for now
  });

  it('after a restart the server has reconciled what is not protected', { timeout: 150_000 }, async () => {
    await cp.restartApiserver();
    const admin = await get('clusterrole', 'cluster-admin');
    expect(admin.rules).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ resources: ['pods'], verbs: ['get'] }),
        expect.objectContaining({ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }),
        expect.objectContaining({ nonResourceURLs: ['*'], verbs: ['*'] }),
      ]),
    );
    expect((await get('clusterrole', 'system:discovery')).rules).toEqual([
      { nonResourceURLs: ['/healthz'], verbs: ['get'] },
    ]);
    expect((await get('clusterrolebinding', 'system:basic-user')).subjects?.map((s) => s.name)).toEqual(['devs']);
    expect((await get('clusterrolebinding', 'system:monitoring')).subjects?.map((s) => s.name)).toEqual([
      'watchers',
      'system:monitoring',
    ]);
    const viewer = await get('clusterrolebinding', 'system:public-info-viewer');
    expect(viewer.roleRef?.name).toBe('system:public-info-viewer');
    expect(viewer.subjects?.map((s) => s.name).sort()).toEqual(['system:authenticated', 'system:unauthenticated']);
  });

  it("kubeprint rbac can-i on the files gives the restarted server's answers", {
    timeout: 60_000,
  }, async () => {
    const server: string[] = [];
    const ours: string[] = [];
    for (const a of ASKS) {
      server.push(`${describeAsk(a)}: ${(await review(a)) ? 'yes' : 'no'}`);
      ours.push(`${describeAsk(a)}: ${(await kubeprint(a)) ? 'yes' : 'no'}`);
    }
    expect(ours).toEqual(server);
    // and the answers are not all alike (the comparison can tell)
    expect(new Set(server.map((s) => s.endsWith('yes'))).size).toBe(2);
  });

  it('who-can names the group the reconciled cluster-admin reaches', async () => {
    const r = await runCli(['rbac', 'who-can', 'delete', 'secrets', '-n', 'x', '-o', 'json', file]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('"name": "ops"');
  });
});
