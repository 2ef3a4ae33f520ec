import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { toKubeObject } from '../../model/kube-object.js';
import { workloadOf } from '../../model/workload.js';
import { evaluateWorkload, forbiddenDetail, LATEST_MINOR, namespacePolicy, resolveMinor } from './index.js';

function workload(yaml: string) {
  const obj = toKubeObject(parse(yaml), undefined, 'test');
  if (!obj) throw new Error('not an object');
  const w = workloadOf(obj);
  if (!w) throw new Error('not a workload');
  return w;
}

const DEPLOYMENT = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template:
    metadata:
      annotations:
        container.apparmor.security.beta.kubernetes.io/app: unconfined
    spec:
      hostNetwork: true
      containers:
      - name: app
        image: nginx
        ports: [{containerPort: 80, hostPort: 8080}]
      - name: sidecar
        image: envoy
        securityContext:
          privileged: true
          capabilities: {add: [NET_ADMIN, CHOWN]}
`;

describe('evaluateWorkload', () => {
  it('reports each baseline violation with the controller reason, detail and field pointer', () => {
    const r = evaluateWorkload(workload(DEPLOYMENT), 'baseline', 'latest');
    expect(r.allowed).toBe(false);
    const by = Object.fromEntries(r.violations.map((v) => [v.check, v]));
    expect(by.hostNamespaces).toMatchObject({
      reason: 'host namespaces',
      detail: 'hostNetwork=true',
      path: '/spec/template/spec/hostNetwork',
    });
    expect(by.privileged).toMatchObject({
      reason: 'privileged',
      detail: 'container "sidecar" must not set securityContext.privileged=true',
      path: '/spec/template/spec/containers/1/securityContext/privileged',
    });
    expect(by.capabilities_baseline).toMatchObject({
      reason: 'non-default capabilities',
      detail: 'container "sidecar" must not include "NET_ADMIN" in securityContext.capabilities.add',
      path: '/spec/template/spec/containers/1/securityContext/capabilities/add/0',
    });
    expect(by.hostPorts).toMatchObject({
      reason: 'hostPort',
      detail: 'container "app" uses hostPort 8080',
      path: '/spec/template/spec/containers/0/ports/0/hostPort',
    });
    expect(by.appArmorProfile).toMatchObject({
      reason: 'forbidden AppArmor profile',
      // joinQuote wraps without escaping, so the inner %q quotes show as they are.
      detail:
        'annotation must not set AppArmor profile type to "container.apparmor.security.beta.kubernetes.io/app="unconfined""',
      path: '/spec/template/metadata/annotations/container.apparmor.security.beta.kubernetes.io~1app',
    });
    expect(forbiddenDetail(r.violations)).toContain('host namespaces (hostNetwork=true)');
  });

  it('evaluates CronJob templates and init/ephemeral containers', () => {
    const w = workload(`
apiVersion: batch/v1
kind: CronJob
metadata: {name: nightly}
spec:
  jobTemplate:
    spec:
      template:
        spec:
          securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}
          initContainers:
          - name: init
            securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}
          containers:
          - name: main
            securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}
          ephemeralContainers:
          - name: debug
            securityContext: {allowPrivilegeEscalation: true, capabilities: {drop: [ALL]}}
`);
    const r = evaluateWorkload(w, 'restricted');
    expect(r.violations.map((v) => v.check)).toEqual(['allowPrivilegeEscalation']);
    expect(r.violations[0]?.path).toBe(
      '/spec/jobTemplate/spec/template/spec/ephemeralContainers/0/securityContext/allowPrivilegeEscalation',
    );
    expect(r.violations[0]?.detail).toBe('container "debug" must set securityContext.allowPrivilegeEscalation=false');
  });

  it('applies checks by version: none of the restricted ones exist before their minimum version', () => {
    const w = workload(`
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  securityContext: {runAsNonRoot: true, runAsUser: 0}
  containers: [{name: c}]
`);
    expect(evaluateWorkload(w, 'restricted', 'v1.7').violations.map((v) => v.check)).toEqual([]);
    expect(evaluateWorkload(w, 'restricted', 'v1.8').violations.map((v) => v.check)).toEqual([
      'allowPrivilegeEscalation',
    ]);
    expect(evaluateWorkload(w, 'restricted', 'v1.23').violations.map((v) => v.check)).toEqual([
      'allowPrivilegeEscalation',
      'runAsUser',
      'seccompProfile_restricted',
      'capabilities_restricted',
    ]);
    expect(evaluateWorkload(w, 'baseline', 'v1.23').allowed).toBe(true);
    expect(evaluateWorkload(w, 'privileged').allowed).toBe(true);
  });

  it('relaxes runAsUser and the baseline procMount for user-namespaced pods from v1.35 only', () => {
    const w = workload(`
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  hostUsers: false
  securityContext: {runAsUser: 0, seccompProfile: {type: RuntimeDefault}}
  containers:
  - name: c
    securityContext: {procMount: Unmasked, allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}
`);
    expect(evaluateWorkload(w, 'baseline', 'v1.34').violations.map((v) => v.check)).toEqual(['procMount']);
    expect(evaluateWorkload(w, 'baseline', 'v1.35').allowed).toBe(true);
    expect(evaluateWorkload(w, 'restricted', 'v1.34').violations.map((v) => v.check)).toEqual([
      'procMount',
      'runAsNonRoot',
      'runAsUser',
    ]);
    expect(evaluateWorkload(w, 'restricted', 'v1.35').violations.map((v) => v.check)).toEqual(['procMount_restricted']);
  });

  it('exempts Windows pods from the Linux-only restricted checks from v1.25', () => {
    const w = workload(`
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  os: {name: windows}
  securityContext: {runAsNonRoot: true}
  containers: [{name: c}]
`);
    expect(evaluateWorkload(w, 'restricted', 'v1.24').violations.map((v) => v.check)).toEqual([
      'allowPrivilegeEscalation',
      'seccompProfile_restricted',
      'capabilities_restricted',
    ]);
    expect(evaluateWorkload(w, 'restricted', 'v1.25').allowed).toBe(true);
  });

  it('names the restricted volume types and skips the replaced hostPath check at restricted', () => {
    const w = workload(`
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  volumes:
  - {name: a, hostPath: {path: /}}
  - {name: b, nfs: {server: x, path: /}}
  - {name: c}
  - {name: d, image: {reference: busybox}}
  containers: []
`);
    const r = evaluateWorkload(w, 'restricted');
    expect(r.violations.map((v) => v.check)).toEqual(['restrictedVolumes']);
    expect(r.violations[0]).toMatchObject({
      reason: 'restricted volume types',
      detail: 'volumes "a", "b" use restricted volume types "hostPath", "nfs"',
      paths: ['/spec/volumes/0/hostPath', '/spec/volumes/1/nfs'],
    });
    expect(evaluateWorkload(w, 'baseline').violations.map((v) => v.check)).toEqual(['hostPathVolumes']);
  });
});

describe('unnamed containers', () => {
  it('are named by their list and index in details, never as ""', () => {
    const w = workload(`
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  initContainers:
  - name: ""
    securityContext: {privileged: true}
  containers:
  - name: app
    securityContext: {privileged: true}
  - image: nginx
    securityContext: {privileged: true}
  ephemeralContainers:
  - name: 7
    securityContext: {privileged: true}
`);
    const r = evaluateWorkload(w, 'baseline');
    const v = r.violations.find((x) => x.check === 'privileged');
    expect(v?.detail).toBe(
      'containers #0 (unnamed init container), "app", #1 (unnamed), #0 (unnamed ephemeral container) must not set securityContext.privileged=true',
    );
    expect(v?.detail).not.toContain('""');
  });

  it('say container #N (unnamed) for a lone unnamed container', () => {
    const w = workload(`
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers:
  - securityContext: {allowPrivilegeEscalation: true}
`);
    const r = evaluateWorkload(w, 'restricted');
    expect(r.violations.find((x) => x.check === 'allowPrivilegeEscalation')?.detail).toBe(
      'container #0 (unnamed) must set securityContext.allowPrivilegeEscalation=false',
    );
  });
});

describe('versions', () => {
  it('resolves latest and future versions to the newest check version', () => {
    expect(resolveMinor('latest')).toBe(LATEST_MINOR);
    expect(resolveMinor('v1.99')).toBe(LATEST_MINOR);
    expect(resolveMinor('v1.3')).toBe(3);
    expect(() => resolveMinor('1.3')).toThrow(expect.objectContaining({ code: 'USAGE' }));
  });
});

describe('namespacePolicy', () => {
  it('reads levels and versions, defaulting to privileged/latest and failing closed on bad values', () => {
    const p = namespacePolicy({
      'pod-security.kubernetes.io/enforce': 'baseline',
      'pod-security.kubernetes.io/enforce-version': 'v1.30',
      'pod-security.kubernetes.io/warn': 'strict',
      'pod-security.kubernetes.io/audit-version': 'newest',
    });
    expect(p.enforce).toMatchObject({ level: 'baseline', version: 'v1.30', labelled: true });
    expect(p.warn).toMatchObject({ level: 'restricted', version: 'latest', labelled: true });
    expect(p.audit).toMatchObject({ level: 'privileged', version: 'latest', labelled: false });
    expect(p.problems.map((x) => x.label)).toEqual([
      'pod-security.kubernetes.io/audit-version',
      'pod-security.kubernetes.io/warn',
    ]);
  });
});
