import { KubeprintError } from '../errors.js';
import { RULES, ruleById } from '../rules/registry.js';
import { parseCommandArgs } from './args.js';
import type { CliIO } from './io.js';

export const summary = "Print a rule's description, remediation and references";

export async function run(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, { help: { type: 'boolean', short: 'h' } });
  if (values.help || positionals.length !== 1) {
    io.stdout('Usage: kubeprint explain <rule-id>\n');
    return values.help ? 0 : 2;
  }
  const id = positionals[0] as string;
  const rule = ruleById(id);
  if (!rule) {
    const near = RULES.map((r) => r.id).filter((r) => r.includes(id) || id.includes(r));
    throw new KubeprintError(
      'UNKNOWN_RULE',
      `no rule "${id}"${near.length ? ` (did you mean ${near.slice(0, 3).join(', ')}?)` : ''}; \`kubeprint rules\` lists them`,
    );
  }
  const lines = [
    `${rule.id}: ${rule.title}`,
    `pillar: ${rule.category}    severity: ${rule.severity}    judges: ${rule.needs === 'object' ? 'one object' : 'objects in the same scope'}`,
    '',
    rule.description,
    '',
    'How to fix:',
    `  ${rule.remediation}`,
  ];
  if (rule.references.length) {
    lines.push('', 'References:');
    for (const ref of rule.references) lines.push(`  - ${ref.title}${ref.url ? ` <${ref.url}>` : ''}`);
  }
  io.stdout(`${lines.join('\n')}\n`);
  return 0;
}
