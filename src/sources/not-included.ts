import { closeSync, constants, openSync, readFileSync, readSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import jsYaml from 'js-yaml';
import { KUSTOMIZATION_FILES } from './kustomize.js';

/** How much of a file is read to tell whether it holds Kubernetes objects. */
const SNIFF_BYTES = 64 * 1024;

/**
 * Files that hold Kubernetes objects, lie under a kustomization's directory,
 * and that no kustomization of the tree names (in `resources`, patches,
 * generators or any other field): kustomize never reads them, so a scan of
 * the directory does not judge them. The scan says so instead of staying
 * silent (`--raw` judges every file as it is). Files inside charts are the
 * chart's; YAML that is not a manifest (configuration read by an
 * application, say) is left out.
 *
 * @param files every YAML/JSON file found (absolute), kustomization files excepted
 * @param kdirs directories with a kustomization file (absolute)
 * @param charts chart directories (absolute)
 */
export function notIncludedManifests(
  files: readonly string[],
  kdirs: readonly string[],
  charts: readonly string[],
): string[] {
  if (kdirs.length === 0) return [];
  const named = new Set<string>();
  for (const d of kdirs) for (const p of pathsNamedBy(d)) named.add(p);
  return files.filter(
    (f) =>
      !named.has(f) &&
      kdirs.some((d) => isUnder(f, d)) &&
      !charts.some((c) => isUnder(f, c)) &&
      holdsKubernetesObjects(f),
  );
}

/**
 * Every path a kustomization names, resolved against its directory: each
 * string in the file that could be a path (`key=path` for generator files),
 * whatever the field. Over-counting a string that is not a path costs
 * nothing; missing a field kustomize reads would report a file as not included.
 */
function pathsNamedBy(dir: string): string[] {
  const out: string[] = [];
  for (const name of KUSTOMIZATION_FILES) {
    let doc: unknown;
    try {
      doc = jsYaml.load(readFileSync(join(dir, name), 'utf8'), { schema: jsYaml.CORE_SCHEMA });
    } catch {
      continue; // absent, or broken (the render reports it)
    }
    const visit = (v: unknown, depth: number): void => {
      if (depth > 20) return;
      if (typeof v === 'string') {
        if (v.includes('\n') || v.length > 4096) return;
        out.push(resolve(dir, v));
        const eq = v.lastIndexOf('=');
        if (eq > 0) out.push(resolve(dir, v.slice(eq + 1)));
      } else if (Array.isArray(v)) for (const x of v) visit(x, depth + 1);
      else if (v && typeof v === 'object') for (const x of Object.values(v)) visit(x, depth + 1);
    };
    visit(doc, 0);
  }
  return out;
}

/** True when the file starts a document with both `apiVersion:` and `kind:` at the top level (or is JSON naming both). */
function holdsKubernetesObjects(file: string): boolean {
  let text: string;
  try {
    // without blocking: a FIFO with a YAML name must not hang the run
    const fd = openSync(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
    try {
      const buf = Buffer.alloc(SNIFF_BYTES);
      const n = readSync(fd, buf, 0, SNIFF_BYTES, 0);
      text = buf.subarray(0, n).toString('utf8');
    } finally {
      closeSync(fd);
    }
  } catch {
    return false;
  }
  if (/^\s*[{[]/.test(text)) return /"apiVersion"\s*:/.test(text) && /"kind"\s*:/.test(text);
  return /^apiVersion:[ \t]*\S/m.test(text) && /^kind:[ \t]*\S/m.test(text);
}

function isUnder(path: string, dir: string): boolean {
  return path === dir || path.startsWith(dir.endsWith(sep) ? dir : dir + sep);
}
