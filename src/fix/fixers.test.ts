import { describe, expect, it } from 'vitest';
import { objectsFromText } from '../sources/file-objects.js';
import { toJsonPatch } from './fixer.js';
import { fixerFor } from './registry.js';

function object(text: string) {
  const o = objectsFromText(text, { file: 'x.yaml', scope: '' }).objects[0];
  if (!o) throw new Error('no object');
  return o;
}

const CRONJOB = `apiVersion: batch/v1
kind: CronJob
metadata: {name: nightly}
spec:
  schedule: "0 1 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          containers:
            - name: a
              image: a:1
              securityContext: {privileged: true}
            - name: b
              image: b:1
              securityContext: {capabilities: {add: [SYS_ADMIN]}}
            - name: c
              image: c:1
              securityContext: {seccompProfile: {type: Unconfined}, capabilities: {drop: [ALL]}}
`;

describe('fixers', () => {
  it('never sets allowPrivilegeEscalation: false beside privileged or SYS_ADMIN (the API server refuses it)', () => {
    const edits = fixerFor('pss-allow-privilege-escalation')?.edits(object(CRONJOB), []);
    expect(edits).toEqual([
      {
        op: 'set',
        path: '/spec/jobTemplate/spec/template/spec/containers/2/securityContext/allowPrivilegeEscalation',
        value: false,
      },
    ]);
  });

  it('drops ALL where ALL is not dropped, keeping what is added', () => {
    const edits = fixerFor('pss-capabilities-restricted')?.edits(object(CRONJOB), []);
    expect(edits?.map((e) => e.path)).toEqual([
      '/spec/jobTemplate/spec/template/spec/containers/0/securityContext/capabilities/drop',
      '/spec/jobTemplate/spec/template/spec/containers/1/securityContext/capabilities/drop',
    ]);
  });

  it("sets the pod's seccomp profile, and a container's own unconfined one", () => {
    const edits = fixerFor('pss-seccomp-profile-restricted')?.edits(object(CRONJOB), []);
    expect(edits?.map((e) => e.path)).toEqual([
      '/spec/jobTemplate/spec/template/spec/securityContext/seccompProfile/type',
      '/spec/jobTemplate/spec/template/spec/containers/2/securityContext/seccompProfile/type',
    ]);
  });

  it('mounts a size-limited emptyDir at /tmp with readOnlyRootFilesystem, beside a volume already named tmp', () => {
    const pod = object(`apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  volumes: [{name: tmp, configMap: {name: c}}]
  containers:
    - {name: a, image: a}
    - {name: b, image: b, volumeMounts: [{name: tmp, mountPath: /tmp}]}
`);
    expect(fixerFor('readonly-root-filesystem')?.edits(pod, [])).toEqual([
      { op: 'set', path: '/spec/containers/0/securityContext/readOnlyRootFilesystem', value: true },
      { op: 'set', path: '/spec/containers/0/volumeMounts', value: [{ name: 'kubeprint-tmp', mountPath: '/tmp' }] },
      { op: 'set', path: '/spec/containers/1/securityContext/readOnlyRootFilesystem', value: true },
      { op: 'set', path: '/spec/volumes/-', value: { name: 'kubeprint-tmp', emptyDir: { sizeLimit: '1Gi' } } },
    ]);
  });

  it('leaves Windows pods and odd shapes alone without throwing', () => {
    const windows = object(
      'apiVersion: v1\nkind: Pod\nmetadata: {name: w}\nspec:\n  os: {name: windows}\n  containers: [{name: a, image: a}]\n',
    );
    const odd = object(
      'apiVersion: v1\nkind: Pod\nmetadata: {name: o}\nspec:\n  containers: [7, {name: a, securityContext: x}]\n',
    );
    for (const id of [
      'pss-allow-privilege-escalation',
      'pss-capabilities-restricted',
      'pss-seccomp-profile-restricted',
    ]) {
      expect(fixerFor(id)?.edits(windows, [])).toEqual([]);
      expect(() => fixerFor(id)?.edits(odd, [])).not.toThrow();
    }
  });

  it('turns edits into a JSONPatch that creates missing parents, as a webhook sends it', () => {
    const raw = { spec: { containers: [{ name: 'a' }] } };
    const ops = toJsonPatch(raw, [
      { op: 'set', path: '/spec/containers/0/securityContext/allowPrivilegeEscalation', value: false },
      { op: 'set', path: '/spec/containers/0/securityContext/capabilities/drop', value: ['ALL'] },
      { op: 'set', path: '/spec/containers/0/name', value: 'b' },
    ]);
    expect(ops).toEqual([
      { op: 'add', path: '/spec/containers/0/securityContext', value: {} },
      { op: 'add', path: '/spec/containers/0/securityContext/allowPrivilegeEscalation', value: false },
      { op: 'add', path: '/spec/containers/0/securityContext/capabilities', value: {} },
      { op: 'add', path: '/spec/containers/0/securityContext/capabilities/drop', value: ['ALL'] },
      { op: 'replace', path: '/spec/containers/0/name', value: 'b' },
    ]);
    expect(raw).toEqual({ spec: { containers: [{ name: 'a' }] } });
  });
});
