import { RULES } from '../rules/registry.js';
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
  const rules = RULES.filter((r) => !values.category || r.category === values.category);
  if (format === 'json') {
    const out = rules.map(({ id, title, category, severity, description, remediation, references, needs }) => ({
      id,
      title,
      category,
      severity,
      needs,
      description,
      remediation,
      references,
    }));
    io.stdout(`${JSON.stringify(out, null, 2)}\n`);
    return 0;
  }
  const idW = Math.max(2, ...rules.map((r) => r.id.length));
  const catW = Math.max(6, ...rules.map((r) => r.category.length));
  io.stdout(`${'ID'.padEnd(idW)}  ${'PILLAR'.padEnd(catW)}  SEVERITY  TITLE\n`);
  for (const r of rules)
    io.stdout(`${r.id.padEnd(idW)}  ${r.category.padEnd(catW)}  ${r.severity.padEnd(8)}  ${r.title}\n`);
  io.stdout(`\n${rules.length} rules\n`);
  return 0;
}
