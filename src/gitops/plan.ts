/**
 * What a GitOps object deploys, as kubeprint renders it: the tree the
 * controller reads (the scanned repository, or an artifact a Flux
 * ArtifactGenerator assembles from it), the directory in that tree, and how
 * the controller turns it into objects. Resolving an object to plans is pure
 * (src/gitops/argocd.ts, flux.ts); rendering a plan is I/O (render.ts).
 */
import type { KubeObject } from '../model/kube-object.js';
import type { KustomizationEdits } from './kustomization-edit.js';

/** The files a controller reads a path from. */
export type Tree =
  /** The scanned repository, at its root on disk. */
  | { $case: 'repo'; root: string }
  /**
   * A Flux ExternalArtifact an ArtifactGenerator assembles from the scanned
   * repository: `files` maps each artifact path (POSIX, relative) to the
   * repository file copied there.
   */
  | { $case: 'artifact'; label: string; files: ReadonlyMap<string, string> };

/** Kustomize options a plan renders with, besides the kustomization's own. */
export interface KustomizePlan {
  $case: 'kustomize';
  tree: Tree;
  /** Directory in the tree (POSIX, relative, '' for the root). */
  dir: string;
  /** Changes the controller makes to the kustomization before it builds it (none: build it as it is). */
  edits: KustomizationEdits | undefined;
  /** kustomize-controller writes a kustomization listing the directory's manifests when there is none. */
  generate: boolean;
  /** Flux postBuild variables (undefined: no substitution). */
  substitute: ReadonlyMap<string, string> | undefined;
}

export interface DirectoryPlan {
  $case: 'directory';
  tree: Tree;
  dir: string;
  recurse: boolean;
  include: string | undefined;
  exclude: string | undefined;
}

export interface HelmPlan {
  $case: 'helm';
  tree: Tree;
  /** The chart's directory in the tree. */
  dir: string;
  releaseName: string;
  namespace: string | undefined;
  /** Values files, absolute (in the tree's files on disk), in order. */
  valueFiles: string[];
  /** Inline values (YAML), applied after the files. */
  values: string | undefined;
  set: string[];
  setString: string[];
  setFile: string[];
  skipCrds: boolean;
  skipTests: boolean;
  kubeVersion: string | undefined;
  apiVersions: string[];
}

export type RenderPlan = KustomizePlan | DirectoryPlan | HelmPlan;

/** One source of a GitOps object, followed or not. */
export type SourceOutcome =
  | {
      $case: 'follow';
      /** JSON pointer of the field that names the source in the GitOps object. */
      at: string;
      plan: RenderPlan;
      /** What kubeprint leaves out of an otherwise followed source (post-renderers, say). */
      caveats: string[];
    }
  | {
      $case: 'not-followed';
      at: string;
      reason: string;
      remote: boolean;
      /** A path in the scanned tree the controller renders its own way (a plugin): no plain render of it stands. */
      claims?: { tree: Tree; dir: string };
    }
  /** The controller would fail on it (a path that is not there, an option it refuses): a render failure. */
  | { $case: 'failed'; at: string; error: string };

/** Fields the controller changes on every object it deploys, and where the GitOps object says so. */
export interface Deployment {
  /** Namespaced objects without a namespace go here (Argo CD's destination, a Helm release's namespace). */
  namespace: { value: string; at: string } | undefined;
  /** Labels and annotations set on every object (Flux commonMetadata). */
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** Where those are written in the GitOps object. */
  labelsAt: string | undefined;
  annotationsAt: string | undefined;
  /** Where the GitOps object's own kustomize patches are (Argo CD's kustomize.patches, Flux's spec.patches). */
  patchesAt: string | undefined;
  /** Fields the controller's options set, by object pointer suffix, for pointing findings at the GitOps object. */
  overrides: Override[];
}

/** A value the GitOps object sets on rendered objects (an image, a name prefix, a label). */
export interface Override {
  /** What it sets: an image reference, `/metadata/name`, a label key… */
  field: 'image' | 'name' | 'namespace' | 'label' | 'annotation' | 'replicas';
  /** For images: the image name the override applies to; for labels/annotations: the key; for replicas: the object name. */
  key: string;
  /** Pointer in the GitOps object. */
  at: string;
}

export interface Resolution {
  sources: SourceOutcome[];
  deployment: Deployment;
}

/** A reference to another object by kind, namespace and name (a Flux sourceRef). */
export interface ObjectLookup {
  /** Objects of a kind (and API group prefix) with the name in the namespace, the asking object's scope first. */
  find(owner: KubeObject, group: string, kind: string, namespace: string | undefined, name: string): KubeObject[];
}

/** Reads of the scanned tree, through one seam (tests give a fake; disk.ts reads the disk). */
export interface Files {
  isFile(abs: string): boolean;
  isDir(abs: string): boolean;
  read(abs: string): string | undefined;
  /** Entry names of a directory, sorted; [] when it cannot be read. */
  list(abs: string): string[];
}

export const KUSTOMIZATION_NAMES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

export function emptyDeployment(): Deployment {
  return {
    namespace: undefined,
    labels: {},
    annotations: {},
    labelsAt: undefined,
    annotationsAt: undefined,
    patchesAt: undefined,
    overrides: [],
  };
}

/** A stable text for a plan, to find an Application that deploys itself again (apps of apps). */
export function planKey(plan: RenderPlan): string {
  const tree = plan.tree.$case === 'repo' ? `repo:${plan.tree.root}` : `artifact:${plan.tree.label}`;
  return `${plan.$case}|${tree}|${plan.dir}|${JSON.stringify({ ...plan, tree: undefined })}`;
}

/** `a/b/../c` → `a/c`; undefined when the path leaves its root. */
export function normalRelative(p: string): string | undefined {
  const out: string[] = [];
  for (const seg of p.replace(/\\/g, '/').split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') {
      if (out.length === 0) return undefined;
      out.pop();
    } else out.push(seg);
  }
  return out.join('/');
}

export function isMap(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}
