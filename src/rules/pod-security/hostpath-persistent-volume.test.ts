import { describe, expect, it } from 'vitest';
import { scanPaths } from '../../scan.js';
import { sensitiveHostPath } from './hostpath-persistent-volume.js';

describe('sensitiveHostPath', () => {
  it.each([
    ['/', '/', false],
    ['/etc', '/etc', false],
    ['/etc/', '/etc', false],
    ['/etc/kubernetes/pki', '/etc/kubernetes', false],
    ['/var', '/var/run', true],
    ['/var/lib', '/var/lib/kubelet', true],
    ['/var/lib/kubelet/pods', '/var/lib/kubelet', false],
    ['/var//run/docker.sock', '/var/run/docker.sock', false],
    ['/run/containerd/containerd.sock', '/run/containerd', false],
    ['/mnt/../etc/shadow', '/etc', false],
    ['/proc/1/root', '/proc', false],
  ])('%s touches %s (contains: %s)', (path, sensitive, contains) => {
    expect(sensitiveHostPath(path)).toEqual({ path: sensitive, contains });
  });

  it.each(['/mnt/data', '/data', '/opt/app/cache', '/srv/www', '/varnish', '/etcd-backup', '/tmp/x', 'data', ''])(
    '%j touches none',
    (path) => {
      expect(sensitiveHostPath(path)).toBeUndefined();
    },
  );
});

describe('hostpath-persistent-volume severity', () => {
  it('is high for system paths and medium for other node directories', async () => {
    const dir = 'src/rules/pod-security/fixtures/hostpath-persistent-volume';
    const r = await scanPaths(
      [`${dir}/fail.data-dir.yaml`, `${dir}/fail.runtime-socket.yaml`, `${dir}/fail.parent-of-kubelet.yaml`],
      { cwd: process.cwd() },
    );
    const mine = r.findings
      .filter((f) => f.ruleId === 'hostpath-persistent-volume')
      .map((f) => [f.object?.name, f.severity, f.message]);
    expect(mine).toEqual([
      [
        'data',
        'medium',
        'PersistentVolume data mounts the node\'s "/mnt/data" (hostPath): any pod whose claim binds it gets that node directory, unseen by Pod Security',
      ],
      [
        'var',
        'high',
        'PersistentVolume var mounts the node\'s "/var/" (hostPath), which holds system path /var/run: any pod whose claim binds it reads and writes the node\'s own files',
      ],
      [
        'docker-sock',
        'high',
        'PersistentVolume docker-sock mounts the node\'s "/var/run/docker.sock" (hostPath), a system path: any pod whose claim binds it reads and writes the node\'s own files',
      ],
    ]);
  });
});
