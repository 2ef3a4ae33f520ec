import { dirname } from 'node:path';
import type { KubeObject } from '../../model/kube-object.js';
import { objectIdentity as identity } from '../../sources/plain-scopes.js';
import { defineRule } from '../rule.js';

/** Every object of the scope keyed by directory and identity, first definition first. */
function definitionsOf(objects: readonly KubeObject[]): Map<string, KubeObject[]> {
  const out = new Map<string, KubeObject[]>();
  for (const o of objects) {
    const id = o.source ? identity(o) : undefined;
    if (id === undefined || !o.source) continue;
    const key = `${dirname(o.source.file)}\u0000${id}`;
    let list = out.get(key);
    if (!list) out.set(key, (list = []));
    list.push(o);
  }
  return out;
}

export const rule = defineRule({
  id: 'duplicate-object',
  title: 'Object defined twice in one directory',
  category: 'governance',
  severity: 'medium',
  appliesTo: '*',
  needs: 'scope',
  description:
    'Two documents in one directory (one file or several) define the same object: the same API group, kind, namespace (`default` when unset, as `kubectl apply` without `-n` does) and name, as plain-file scopes count it (ADR 0004). Applied together (`kubectl apply -f dir/`, a chart), the later one silently replaces the earlier one, so what runs is not what a reviewer read in the first, and a tool that judges each document judges an object that never exists. Copies in different directories (staging and production) are not reported. The version is not part of the identity (apps/v1 and apps/v1beta2 name one object); objects with generateName are left out.',
  remediation:
    'Keep one definition: delete the copy, or merge the two. If both are meant to exist, give them different names or namespaces.',
  references: [
    {
      title: 'Kubernetes: Object names and IDs',
      url: 'https://kubernetes.io/docs/concepts/overview/working-with-objects/names/',
    },
  ],
  check(obj, ctx) {
    const id = obj.source ? identity(obj) : undefined;
    if (id === undefined || !obj.source) return undefined;
    const defs = ctx.memo('duplicate-object', () => definitionsOf(ctx.scope.objects));
    const same = defs.get(`${dirname(obj.source.file)}\u0000${id}`) ?? [];
    const first = same[0];
    const index = same.indexOf(obj);
    if (!first?.source || index <= 0) return undefined;
    const at = first.source.positionOf('/metadata/name');
    const where = `${first.source.file}:${at.line}`;
    const what = `${obj.kind} ${obj.namespace ? `${obj.namespace}/` : ''}${obj.name}`;
    return [
      {
        path: '/metadata/name',
        message: `${what} is defined ${index === 1 ? 'again' : `a ${ordinal(index + 1)} time`} in ${dirname(obj.source.file)}/ (first at ${where}); applied together, the last definition replaces the others`,
      },
    ];
  },
});

function ordinal(n: number): string {
  return n === 3 ? 'third' : `${n}th`;
}
