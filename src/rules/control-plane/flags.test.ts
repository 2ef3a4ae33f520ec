import { describe, expect, it } from 'vitest';
import { toKubeObject } from '../../model/kube-object.js';
import { controlPlaneContainers, parseFlags } from './flags.js';

const items = (args: string[], base = '/spec/containers/0/args') =>
  args.map((arg, i) => ({ arg, path: `${base}/${i}` }));

describe('parseFlags', () => {
  it('reads --a=b, --a b, bare booleans and repeated flags with the pointer of each', () => {
    const f = parseFlags(
      items(['--authorization-mode', 'Node,RBAC', '--profiling', 'false', '--v=2', '--x=a', '--x=b', '-single=1']),
    );
    expect(f).toEqual([
      {
        name: 'authorization-mode',
        value: 'Node,RBAC',
        path: '/spec/containers/0/args/0',
        valuePath: '/spec/containers/0/args/1',
      },
      // `--profiling false`: pflag booleans take no separate value, so `false` is a stray argument.
      {
        name: 'profiling',
        value: undefined,
        path: '/spec/containers/0/args/2',
        valuePath: '/spec/containers/0/args/2',
        stray: 'false',
      },
      { name: 'v', value: '2', path: '/spec/containers/0/args/4', valuePath: '/spec/containers/0/args/4' },
      { name: 'x', value: 'a', path: '/spec/containers/0/args/5', valuePath: '/spec/containers/0/args/5' },
      { name: 'x', value: 'b', path: '/spec/containers/0/args/6', valuePath: '/spec/containers/0/args/6' },
      { name: 'single', value: '1', path: '/spec/containers/0/args/7', valuePath: '/spec/containers/0/args/7' },
    ]);
  });
  it('--v takes a value (pflag `-v, --v Level`), so `--v 2` is one flag, not a boolean and a stray argument', () => {
    expect(parseFlags(items(['--v', '2', '--profiling=false']))).toEqual([
      { name: 'v', value: '2', path: '/spec/containers/0/args/0', valuePath: '/spec/containers/0/args/1' },
      {
        name: 'profiling',
        value: 'false',
        path: '/spec/containers/0/args/2',
        valuePath: '/spec/containers/0/args/2',
      },
    ]);
  });
});

describe('controlPlaneContainers', () => {
  const pod = (ns: string | undefined, containers: unknown[]) =>
    toKubeObject(
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'p', ...(ns ? { namespace: ns } : {}) },
        spec: { containers },
      },
      undefined,
      's',
    )!;

  it('finds the component in command or args, flags across both, last occurrence wins', () => {
    const [c] = controlPlaneContainers(
      pod('kube-system', [
        { name: 'sidecar', image: 'x', command: ['sleep', 'infinity'] },
        {
          name: 'api',
          command: ['/usr/local/bin/kube-apiserver', '--enable-admission-plugins=NodeRestriction'],
          args: [
            '--enable-admission-plugins',
            'EventRateLimit,AlwaysPullImages',
            '--profiling=true',
            '--profiling=false',
          ],
        },
      ]),
    );
    expect(c?.component).toBe('kube-apiserver');
    expect(c?.path).toBe('/spec/containers/1');
    expect(c?.argsPath).toBe('/spec/containers/1/args');
    expect(c?.list('enable-admission-plugins')).toEqual(['NodeRestriction', 'EventRateLimit', 'AlwaysPullImages']);
    expect(c?.value('profiling')).toBe('false');
    expect(c?.flag('profiling')?.path).toBe('/spec/containers/1/args/3');
    expect(c?.value('missing')).toBeUndefined();
  });

  it('ignores pods outside kube-system and containers that run something else', () => {
    expect(controlPlaneContainers(pod('default', [{ command: ['kube-apiserver'] }]))).toEqual([]);
    expect(controlPlaneContainers(pod(undefined, [{ command: ['etcd'] }]))).toEqual([]);
    expect(controlPlaneContainers(pod('kube-system', [{ command: ['sh', '-c', 'echo etcd'] }, 'junk']))).toEqual([]);
    expect(controlPlaneContainers(pod('kube-system', [{ command: ['etcd', '--name=a'] }]))[0]?.component).toBe('etcd');
  });
});
