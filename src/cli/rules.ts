import { emittedBy, RULE_CATALOGUE, ruleById } from '../rules/registry.js';
import { choice, parseCommandArgs } from './args.js';
import type { CliIO } from './io.js';

export const summary = 'List every rule (id, pillar, severity, title)';

export async function run(args: string[], io: CliIO): Promise<number> {
  const { values } = parseCommandArgs(args, {
    output: { type: 'string', short: 'o' },
    category: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    io.stdout('Usage: kubeprint rules [--category PILLAR] [-o table|json]\n');
    return 0;
  }
  const format = choice('-o', values.output, ['table', 'json'] as const, 'table');
  const rules = RULE_CATALOGUE.filter((r) => !values.category || r.category === values.category);
  if (format === 'json') {
    // needs: what the rule judges; `engine` for rules an engine emits when asked (with emittedBy)
    const out = rules.map((r) => {
      const by = emittedBy(r);
      return {
        id: r.id,
        title: r.title,
        category: r.category,
        severity: r.severity,
        needs: ruleById(r.id)?.needs ?? 'engine',
        ...(by ? { emittedBy: by } : {}),
        description: r.description,
        remediation: r.remediation,
        references: r.references,
      };
    });
    io.stdout(`${JSON.stringify(out, null, 2)}\n`);
    return 0;
  }
  const idW = Math.max(2, ...rules.map((r) => r.id.length));
  const catW = Math.max(6, ...rules.map((r) => r.category.length));
  io.stdout(`${'ID'.padEnd(idW)}  ${'PILLAR'.padEnd(catW)}  SEVERITY  TITLE\n`);
  for (const r of rules) {
    const by = emittedBy(r);
    io.stdout(
      `${r.id.padEnd(idW)}  ${r.category.padEnd(catW)}  ${r.severity.padEnd(8)}  ${r.title}${by ? ` [${by}]` : ''}\n`,
    );
  }
  io.stdout(`\n${rules.length} rules\n`);
  return 0;
}
