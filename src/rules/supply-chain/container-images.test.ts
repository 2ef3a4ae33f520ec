import { describe, expect, it } from 'vitest';
import { toKubeObject } from '../../model/kube-object.js';
import { workloadOf } from '../../model/workload.js';
import { describeContainer } from './container-images.js';

describe('describeContainer', () => {
  it('quotes a name, and names an unnamed container by its list and index, never as ""', () => {
    const obj = toKubeObject(
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'p' },
        spec: {
          initContainers: [{ name: '' }],
          containers: [{ name: 'web' }, { image: 'nginx' }, { name: 7 }],
          ephemeralContainers: [{ name: 'debug' }, {}],
        },
      },
      undefined,
      's',
    );
    if (!obj) throw new Error('not an object');
    const w = workloadOf(obj);
    expect(w?.containers.map(describeContainer)).toEqual([
      'init container #0 (unnamed)',
      'container "web"',
      'container #1 (unnamed)',
      'container #2 (unnamed)',
      'ephemeral container "debug"',
      'ephemeral container #1 (unnamed)',
    ]);
  });
});
