import { readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { loadConfig } from '../config/config.js';
import { KubeprintError } from '../errors.js';
import { planFixes } from '../fix/plan.js';
import { fixerFor } from '../fix/registry.js';
import { unifiedDiff } from '../fix/unified-diff.js';
import { objectKey } from '../model/kube-object.js';
import { CATEGORIES, type Category } from '../model/severity.js';
import { RULE_CATALOGUE } from '../rules/registry.js';
import { scanPaths } from '../scan.js';
import { LOAD_RESTRICTORS } from '../sources/kustomize.js';
import { choice, parseCommandArgs } from './args.js';
import type { CliIO } from './io.js';

export const summary = 'Repair findings in the YAML where they are written, comments kept';

const HELP = `Usage: kubeprint fix PATH... [options]

Scans PATH as \`kubeprint scan\` does and, for every finding whose rule has a
fixer (docs/fix.md), edits the YAML where the value is written: the file and
document of the object, the Kustomize patch that sets the value, or a Helm
chart's values.yaml when the template line is exactly {{ .Values.x.y }}.
Only the edited nodes change; comments, key order and quoting stay.

Options:
      --rule ID,...       only these rules
      --category C        only rules of this pillar (pod-security, supply-chain, ...)
      --include-review    also apply fixers marked review (may change behaviour)
      --write             write the changes (default: print them)
  -o, --output FORMAT     diff (default: a unified diff) or json
  -c, --config FILE       configuration (default: ./.kubeprint.yaml when present)
      --raw               judge every file as it is (no Kustomize/Helm rendering)
      --load-restrictor R as for scan
  -f, --values FILE       Helm values file (repeatable)
      --set KEY=VALUE     Helm value (repeatable)
      --release-name NAME Helm release name (default: release)
  -n, --namespace NS      Helm release namespace

Exit status: 0 done (with or without changes), 2 usage, input or operational error.
`;

export async function run(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, {
    rule: { type: 'string', multiple: true },
    category: { type: 'string' },
    'include-review': { type: 'boolean' },
    write: { type: 'boolean' },
    output: { type: 'string', short: 'o' },
    config: { type: 'string', short: 'c' },
    raw: { type: 'boolean' },
    'load-restrictor': { type: 'string' },
    values: { type: 'string', short: 'f', multiple: true },
    set: { type: 'string', multiple: true },
    'release-name': { type: 'string' },
    namespace: { type: 'string', short: 'n' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    io.stdout(HELP);
    return 0;
  }
  if (positionals.length === 0) throw new KubeprintError('USAGE', 'no PATH given (kubeprint fix --help)');
  if (positionals.includes('-')) throw new KubeprintError('USAGE', 'fix edits files; stdin (-) has none to edit');
  const output = choice('-o', values.output, ['diff', 'json'] as const, 'diff');
  const rules = values.rule
    ?.flatMap((r) => r.split(','))
    .map((r) => r.trim())
    .filter(Boolean);
  for (const id of rules ?? []) {
    if (!RULE_CATALOGUE.some((r) => r.id === id)) throw new KubeprintError('USAGE', `--rule: no rule "${id}"`);
    if (!fixerFor(id))
      throw new KubeprintError('USAGE', `--rule: ${id} has no fixer (kubeprint explain ${id} says why)`);
  }
  const category = values.category;
  if (category !== undefined && !(CATEGORIES as readonly string[]).includes(category))
    throw new KubeprintError('USAGE', `--category must be one of ${CATEGORIES.join(', ')}`);
  const loaded = loadConfig(io.cwd, values.config, { ruleIds: RULE_CATALOGUE.map((r) => r.id) });
  const scanned = await scanPaths(positionals, {
    cwd: io.cwd,
    stdin: io.readStdin,
    config: loaded,
    raw: values.raw ?? false,
    kustomize: {
      loadRestrictor: choice(
        '--load-restrictor',
        values['load-restrictor'],
        LOAD_RESTRICTORS,
        'LoadRestrictionsRootOnly',
      ),
      allowRemote: false,
    },
    helm: {
      ...(values['release-name'] ? { releaseName: values['release-name'] } : {}),
      ...(values.namespace ? { namespace: values.namespace } : {}),
      valuesFiles: (values.values ?? []).map((v) => resolve(io.cwd, v)),
      set: values.set ?? [],
    },
    notice: (line) => io.stderr(`kubeprint: ${line}\n`),
  });
  const plan = planFixes(scanned, {
    cwd: io.cwd,
    includeReview: values['include-review'] ?? false,
    ...(rules ? { rules: new Set(rules) } : {}),
    ...(category ? { category: category as Category } : {}),
  });
  if (values.write) {
    for (const c of plan.changes) {
      // never overwrite what someone changed since it was read
      if (readFileSync(c.abs, 'utf8') !== c.before)
        throw new KubeprintError(
          'INPUT_INVALID',
          `${c.file} changed while fixing; nothing more was written, run again`,
        );
      const tmp = `${c.abs}.kubeprint-fix.tmp`;
      writeFileSync(tmp, c.after, { mode: statSync(c.abs).mode });
      renameSync(tmp, c.abs);
    }
  }
  if (output === 'json') {
    io.stdout(
      `${JSON.stringify(
        {
          written: values.write ?? false,
          changes: plan.changes.map((c) => ({
            file: c.file,
            fixes: plan.fixes.filter((f) => f.file === c.file),
          })),
          notFixed: plan.notFixed,
          reviewSkipped: plan.reviewSkipped,
        },
        null,
        2,
      )}\n`,
    );
    return 0;
  }
  if (!values.write)
    for (const c of plan.changes)
      io.stdout(unifiedDiff(diffName('a', c.file), diffName('b', c.file), c.before, c.after));
  const seen = new Set<string>();
  for (const n of plan.notFixed) {
    const line = `${n.ruleId} ${objectKey(n.object)} ${n.path}: ${n.reason}`;
    if (seen.has(line)) continue;
    seen.add(line);
    io.stderr(`kubeprint: not fixed: ${line}\n`);
  }
  const verb = values.write ? 'wrote' : 'would change';
  io.stderr(
    `kubeprint: ${plan.fixes.length} fix${plan.fixes.length === 1 ? '' : 'es'}, ${verb} ${plan.changes.length} file${plan.changes.length === 1 ? '' : 's'}` +
      `${plan.notFixed.length ? `, ${seen.size} not fixed` : ''}` +
      `${plan.reviewSkipped ? `, ${plan.reviewSkipped} finding(s) with fixers that need review left (--include-review)` : ''}\n`,
  );
  return 0;
}

/** `a/path` for a relative path, as git shows it; an absolute path as it is. */
function diffName(side: 'a' | 'b', file: string): string {
  return file.startsWith('/') ? file : `${side}/${file}`;
}
