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
    'Two documents in one directory (one file or several) define the same object: the same API group, kind, namespace (`default` when unset, as `kubectl apply` without `-n` does) and name, as plain-file scopes count it (ADR 0004). Applied together (`kubectl apply -f dir/`, a chart), the later one silently replaces the earlier one, so what runs is not what a reviewer read in the first, and a tool that judges each document judges an object that never exists. Argo CD warns (RepeatedResourceWarning) and the kustomization Flux generates for a plain directory fails to build. Reported once per object, on its second definition, naming the others. Copies in different directories (staging and production) are not reported. The version is not part of the identity (apps/v1 and apps/v1beta2 name one object); objects with generateName are left out.',
  remediation:
    'Keep one definition: delete the copy, or merge the two. If both are meant to exist, give them different names or namespaces.',
  references: [
    {
      title: 'Argo CD: RepeatedResourceWarning (a resource defined twice in one application)',
      url: 'https://github.com/argoproj/argo-cd/issues/1070',
    },
    {
      title: 'Kubernetes: Object names and IDs',
      url: 'https://kubernetes.io/docs/concepts/overview/working-with-objects/names/',
    },
  ],
  check(obj, ctx) {
    const id = obj.source ? identity(obj) : undefined;
    if (id === undefined || !obj.source) return undefined;
    const defs = ctx.memo('duplicate-object', () => definitionsOf(ctx.scope.objects));
    const dir = dirname(obj.source.file);
    const same = defs.get(`${dir}\u0000${id}`) ?? [];
    // one finding per duplicated object, on its second definition: the first place a reader meets the clash
    if (same.length < 2 || same[1] !== obj) return undefined;
    const at = (o: KubeObject) => `${o.source?.file}:${o.source?.positionOf('/metadata/name').line}`;
    const others = same.filter((o) => o !== obj).map(at);
    const shown = others.slice(0, MAX_NAMED);
    const more = others.length > MAX_NAMED ? ` and ${others.length - MAX_NAMED} more` : '';
    const what = `${obj.kind} ${obj.namespace ? `${obj.namespace}/` : ''}${obj.name}`;
    return [
      {
        path: '/metadata/name',
        message: `${what} is defined ${same.length === 2 ? 'twice' : `${same.length} times`} in ${dir}/ (also at ${shown.join(', ')}${more}); applied together, the last definition replaces the others`,
      },
    ];
  },
});

/** Places named in a message before the rest are counted. */
const MAX_NAMED = 3;
