import { DEFAULT_CONFIG, type LoadedConfig } from './config/config.js';
import { applyExemptions } from './exemptions/index.js';
import type { Finding, ScanResult } from './model/finding.js';
import { Inventory } from './model/inventory.js';
import type { KubeObject } from './model/kube-object.js';
import { mergeRepeats, runRules, sortFindings } from './rules/engine.js';
import { RULES } from './rules/registry.js';
import { targetMinor } from './rules/resilience/api-lifecycle.js';
import type { Rule } from './rules/rule.js';
import { type LoadOptions, loadInputs } from './sources/index.js';

export interface ScanOptions extends LoadOptions {
  config?: LoadedConfig;
  /** Rules to run (default: every registered rule). */
  rules?: readonly Rule[];
  /** The date exemptions are judged against (default: now). */
  now?: Date;
  /** More findings about the loaded objects (image verification), added before exemptions. */
  supplement?: (objects: readonly KubeObject[]) => Promise<Array<{ finding: Finding; object: KubeObject | undefined }>>;
}

export interface ScanOutput extends ScanResult {
  objects: readonly KubeObject[];
}

/**
 * Scan files, directories, kustomizations and charts: sources → Inventory →
 * rules → findings → exemptions. The library entry point behind `kubeprint scan`.
 *
 * @example
 * const result = await scanPaths(['deploy/'], { cwd: process.cwd() });
 * @throws KubeprintError PATH_NOT_FOUND when a path does not exist
 */
export async function scanPaths(paths: string[], opts: ScanOptions): Promise<ScanOutput> {
  const started = performance.now();
  const maxFileBytes = opts.maxFileBytes ?? opts.config?.config.maxFileBytes;
  // charts render for the release the manifests are judged for (api-version-removed's target)
  const cfg = (opts.config ?? DEFAULT_CONFIG).config;
  const target = `1.${targetMinor(cfg)}`; // validates a configured version
  const helm = { ...opts.helm, kubeVersion: opts.helm?.kubeVersion ?? cfg.kubernetesVersion?.trim() ?? target };
  // the repository GitOps objects are followed into: --repo-url, else the config's, else the git remote
  const repoURL = opts.gitops?.repoURL ?? cfg.gitops?.repoURL;
  const gitops = repoURL === undefined ? opts.gitops : { ...opts.gitops, repoURL };
  const loaded = await loadInputs(
    paths,
    maxFileBytes === undefined ? { ...opts, helm, gitops } : { ...opts, helm, gitops, maxFileBytes },
  );
  const extra = opts.supplement ? await opts.supplement(loaded.objects) : [];
  try {
    return scanObjects(loaded.objects, {
      ...opts,
      problems: loaded.problems,
      extra,
      stats: {
        files: loaded.files,
        skippedDocuments: loaded.skippedDocuments,
        skippedFiles: loaded.skippedFiles,
        notIncluded: loaded.notIncluded ?? [],
      },
      started,
    });
  } finally {
    // the findings carry their lines now: the copies GitOps renders read can go
    await loaded.dispose?.();
  }
}

/** Run rules and exemptions over objects that are already loaded (files, a cluster, an admission request). */
export function scanObjects(
  objects: KubeObject[],
  opts: Omit<ScanOptions, 'cwd'> & {
    problems?: ScanResult['findings'];
    extra?: Array<{ finding: Finding; object: KubeObject | undefined }>;
    stats?: { files: number; skippedDocuments: number; skippedFiles: number; notIncluded?: readonly string[] };
    started?: number;
    /** Judge only these objects; the others are context for cross-object rules. */
    only?: ReadonlySet<KubeObject>;
  },
): ScanOutput {
  const started = opts.started ?? performance.now();
  const config = opts.config ?? DEFAULT_CONFIG;
  const inventory = new Inventory(objects);
  const entries = runRules(inventory, opts.rules ?? RULES, config.config, opts.only);
  for (const p of opts.problems ?? []) entries.push({ finding: p, object: undefined });
  for (const e of opts.extra ?? []) entries.push(e); // no spread: extras can number in the hundred thousands
  const ex = applyExemptions(entries, config, opts.now);
  // overlays that render one base give each of its findings once per overlay: once is enough
  const findings = mergeRepeats(sortFindings([...ex.findings, ...ex.governance]));
  const disabled = disabledRules(config);
  return {
    findings: findings.filter((f) => !disabled.has(f.ruleId)),
    exempted: mergeRepeats(sortFindings(ex.exempted)),
    objects,
    stats: {
      files: opts.stats?.files ?? 0,
      objects: objects.length,
      skippedDocuments: opts.stats?.skippedDocuments ?? 0,
      skippedFiles: opts.stats?.skippedFiles ?? 0,
      notIncluded: opts.stats?.notIncluded ?? [],
      durationMs: Math.round(performance.now() - started),
    },
  };
}

const disabledByConfig = new WeakMap<LoadedConfig, ReadonlySet<string>>();

/** Ids of the rules the config switches off, computed once per config. */
function disabledRules(loaded: LoadedConfig): ReadonlySet<string> {
  let d = disabledByConfig.get(loaded);
  if (!d) {
    d = new Set(
      Object.entries(loaded.config.rules ?? {})
        .filter(([, s]) => s.enabled === false)
        .map(([id]) => id),
    );
    disabledByConfig.set(loaded, d);
  }
  return d;
}
