import { type ImageRef, type ImageRefParse, parseImageRef } from '../../model/image-ref.js';
import { join } from '../../model/pointer.js';
import { type ContainerView, imageChosenByInjector } from '../../model/workload.js';
import type { RuleContext } from '../rule.js';

/** One container's image, parsed once per object for every image rule. */
export interface ContainerImage {
  readonly container: ContainerView;
  /** Pointer to the container's `image` field. */
  readonly path: string;
  /** The image as written, or undefined when the field is missing or not a string. */
  readonly text: string | undefined;
  readonly parsed: ImageRefParse | undefined;
}

const cache = new WeakMap<object, readonly ContainerImage[]>();

/**
 * The images of every container (init and ephemeral included) of the workload
 * in `ctx`. A placeholder an admission webhook replaces when the pods are
 * created (Istio's `image: auto` on an injected istio-proxy container) is not
 * the image that runs, so it is left out: no image rule judges it.
 */
export function containerImages(ctx: RuleContext): readonly ContainerImage[] {
  const w = ctx.workload;
  if (!w) return [];
  const hit = cache.get(w);
  if (hit) return hit;
  const out = w.containers
    .filter((c) => imageChosenByInjector(w, c) === undefined)
    .map((c): ContainerImage => {
      const image = c.spec.image;
      const text = typeof image === 'string' ? image : undefined;
      return {
        container: c,
        path: join(c.path, 'image'),
        text,
        parsed: text === undefined ? undefined : parseImageRef(text),
      };
    });
  cache.set(w, out);
  return out;
}

/** The images that parse; rules other than `image-ref-invalid` judge only these. */
export function parsedImages(ctx: RuleContext): Array<{ container: ContainerView; path: string; ref: ImageRef }> {
  const out: Array<{ container: ContainerView; path: string; ref: ImageRef }> = [];
  for (const i of containerImages(ctx))
    if (i.parsed?.ok) out.push({ container: i.container, path: i.path, ref: i.parsed.ref });
  return out;
}

/**
 * `init container "setup"`, `container "web"`, `ephemeral container "debug"`;
 * a container without a name (empty, missing, not a string) is named by its
 * index in its list: `container #1 (unnamed)`.
 */
export function describeContainer(c: ContainerView): string {
  const kind =
    c.kind === 'initContainers'
      ? 'init container'
      : c.kind === 'ephemeralContainers'
        ? 'ephemeral container'
        : 'container';
  const name = c.spec.name;
  return typeof name === 'string' && name !== '' ? `${kind} "${name}"` : `${kind} #${c.index} (unnamed)`;
}

/** CEL over pod metadata `m`: Istio injects the pods (the TypeScript side: `imageChosenByInjector`). */
function istioInjectedCel(m: string): string {
  const is = (field: 'labels' | 'annotations', key: string, test: string) =>
    `(has(${m}.${field}) && '${key}' in ${m}.${field} && ${m}.${field}['${key}'] ${test})`;
  const off = `${is('labels', 'sidecar.istio.io/inject', "== 'false'")} || ${is('annotations', 'sidecar.istio.io/inject', "== 'false'")}`;
  const on = [
    is('labels', 'sidecar.istio.io/inject', "== 'true'"),
    is('annotations', 'sidecar.istio.io/inject', "== 'true'"),
    is('labels', 'istio.io/rev', "!= ''"),
    is('annotations', 'inject.istio.io/templates', "!= ''"),
  ].join(' || ');
  return `(has(${m}) && !(${off}) && (${on}))`;
}

/**
 * `variables.istioInjected`: the pod template (never a Pod, which was created
 * already) is one that Istio's sidecar injector fills in.
 */
export const ISTIO_INJECTED_VARIABLE = {
  name: 'istioInjected',
  expression: `object.kind == 'CronJob' ? ${istioInjectedCel('object.spec.jobTemplate.spec.template.metadata')} : object.kind == 'PodTemplate' ? ${istioInjectedCel('object.template.metadata')} : object.kind != 'Pod' && ${istioInjectedCel('object.spec.template.metadata')}`,
};

/**
 * CEL: container `c` carries a placeholder image the injector replaces (the
 * `istio-proxy` app container with `image: auto` of an injected template).
 * Container names are unique across a pod's lists, so finding the name among
 * the app containers places `c` there. Needs `ISTIO_INJECTED_VARIABLE`.
 */
export function imageChosenByInjectorCel(c: string): string {
  return `(has(${c}.name) && ${c}.name == 'istio-proxy' && has(${c}.image) && ${c}.image == 'auto' && variables.istioInjected && variables.podSpec.containers.exists(x, has(x.name) && x.name == 'istio-proxy' && has(x.image) && x.image == 'auto'))`;
}
