import { type ImageRef, type ImageRefParse, parseImageRef } from '../../model/image-ref.js';
import { join } from '../../model/pointer.js';
import type { ContainerView } from '../../model/workload.js';
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

/** The images of every container (init and ephemeral included) of the workload in `ctx`. */
export function containerImages(ctx: RuleContext): readonly ContainerImage[] {
  const w = ctx.workload;
  if (!w) return [];
  const hit = cache.get(w);
  if (hit) return hit;
  const out = w.containers.map((c): ContainerImage => {
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
