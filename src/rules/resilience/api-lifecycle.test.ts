import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../../test/cli-capture.js';
import { toKubeObject } from '../../model/kube-object.js';
import { apiStatus, NEWEST_KUBERNETES_MINOR, replacementAdvice } from './api-lifecycle.js';

const obj = (apiVersion: string, kind: string) => {
  const o = toKubeObject({ apiVersion, kind, metadata: { name: 'x' } }, undefined, 's');
  if (!o) throw new Error('not an object');
  return o;
};

describe('API lifecycle', () => {
  it('follows replacements to the first one the target still serves', () => {
    const at36 = apiStatus(obj('flowcontrol.apiserver.k8s.io/v1beta1', 'FlowSchema'), 36);
    expect(at36?.$case).toBe('removed');
    expect(at36 && replacementAdvice(at36)).toBe('use flowcontrol.apiserver.k8s.io/v1');
    const at27 = apiStatus(obj('flowcontrol.apiserver.k8s.io/v1beta1', 'FlowSchema'), 27);
    expect(at27 && replacementAdvice(at27)).toBe('use flowcontrol.apiserver.k8s.io/v1beta3');
  });

  it('tells served, deprecated, removed and not yet served apart', () => {
    expect(apiStatus(obj('batch/v1beta1', 'CronJob'), 20)).toBeUndefined();
    expect(apiStatus(obj('batch/v1beta1', 'CronJob'), 21)?.$case).toBe('deprecated');
    expect(apiStatus(obj('batch/v1beta1', 'CronJob'), 25)?.$case).toBe('removed');
    expect(apiStatus(obj('resource.k8s.io/v1beta2', 'ResourceClaim'), 30)?.$case).toBe('not-yet-served');
    expect(apiStatus(obj('apps/v1', 'Deployment'), 36)).toBeUndefined();
    expect(apiStatus(obj('example.com/v1beta1', 'CronJob'), 36)).toBeUndefined();
  });

  it('names a GA version of the same kind when the type declares no replacement', () => {
    const s = apiStatus(obj('resource.k8s.io/v1beta1', 'ResourceClaim'), NEWEST_KUBERNETES_MINOR);
    expect(s && replacementAdvice(s)).toBe('use resource.k8s.io/v1');
    const psp = apiStatus(obj('policy/v1beta1', 'PodSecurityPolicy'), 25);
    expect(psp && replacementAdvice(psp)).toBe('no replacement API is declared');
  });
});

describe('kubeprint scan --kubernetes-version', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kubeprint-apiver-'));
  writeFileSync(
    join(dir, 'hpa.yaml'),
    'apiVersion: autoscaling/v2beta2\nkind: HorizontalPodAutoscaler\nmetadata:\n  name: web\n  namespace: shop\nspec:\n  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}\n  minReplicas: 2\n  maxReplicas: 4\n',
  );
  const ids = (stdout: string) =>
    (JSON.parse(stdout) as { findings: Array<{ ruleId: string }> }).findings
      .map((f) => f.ruleId)
      .filter((id) => id.startsWith('api-version'));

  it('judges API versions for the release given', async () => {
    expect(ids((await runCli(['scan', dir, '-o', 'json', '--kubernetes-version', '1.22'])).stdout)).toEqual([]);
    expect(ids((await runCli(['scan', dir, '-o', 'json', '--kubernetes-version', 'v1.23'])).stdout)).toEqual([
      'api-version-deprecated',
    ]);
    expect(ids((await runCli(['scan', dir, '-o', 'json'])).stdout)).toEqual(['api-version-removed']);
  });

  it('refuses a version that is not 1.<minor> with a usage error', async () => {
    const r = await runCli(['scan', dir, '--kubernetes-version', 'latest']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^kubeprint scan: invalid Kubernetes version "latest"/);
  });
});
