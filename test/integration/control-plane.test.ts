import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ControlPlane, controlPlaneMissing, startControlPlane } from '../helpers/control-plane.js';

const missing = controlPlaneMissing();
if (missing) console.warn(`control-plane tests skipped: ${missing}`);

describe.skipIf(missing !== undefined)('test control plane (etcd + kube-apiserver)', () => {
  let cp: ControlPlane;
  beforeAll(async () => {
    cp = await startControlPlane();
  });
  afterAll(async () => {
    await cp?.stop();
  });

  it('answers as admin through the kubeconfig it wrote, with RBAC on', async () => {
    const version = JSON.parse(await cp.kubectl(['version', '-o', 'json']));
    expect(version.serverVersion.gitVersion).toMatch(/^v1\.\d+\.\d+/);
    await cp.kubectl(['create', 'namespace', 'smoke']);
    const ns = JSON.parse(await cp.kubectl(['get', 'namespace', 'smoke', '-o', 'json']));
    expect(ns.metadata.name).toBe('smoke');
    const can = await cp.kubectl(['auth', 'can-i', 'list', 'secrets', '--as', 'nobody']).catch((e: Error) => e.message);
    expect(can).toMatch(/no/);
  });

  it('gives a certificate user no rights until RBAC grants them', async () => {
    const kc = cp.userKubeconfig('viewer-smoke', ['smoke-team']);
    const denied = await cp.kubectl(['--kubeconfig', kc, 'get', 'pods', '-n', 'smoke']).then(
      () => 'allowed',
      (e: Error) => e.message,
    );
    expect(denied).toMatch(/forbidden/i);
  });

  it('stops what it started and removes its temp dir when a component does not come up', async () => {
    const err = await startControlPlane({ apiserverArgs: ['--no-such-flag'] }).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    const msg = (err as Error).message;
    expect(msg).toMatch(/kube-apiserver exited/);
    expect(msg).toMatch(/no-such-flag/);
    const dir = /temp dir (\S+) is removed/.exec(msg)?.[1];
    expect(dir).toBeDefined();
    expect(existsSync(dir ?? '')).toBe(false);
  });
});
