import { KubeprintError } from '../errors.js';
import { fixerFor, noFixerReason } from '../fix/registry.js';
import { emittedBy, RULE_CATALOGUE, ruleById, ruleMetaById } from '../rules/registry.js';
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
  const rule = ruleMetaById(id);
  if (!rule) {
    const near = RULE_CATALOGUE.map((r) => r.id).filter((r) => r.includes(id) || id.includes(r));
    throw new KubeprintError(
      'UNKNOWN_RULE',
      `no rule "${id}"${near.length ? ` (did you mean ${near.slice(0, 3).join(', ')}?)` : ''}; \`kubeprint rules\` lists them`,
    );
  }
  const needs = ruleById(id)?.needs;
  const by = emittedBy(rule);
  const judges =
    needs === 'object'
      ? 'one object'
      : needs === 'scope'
        ? 'objects in the same scope'
        : `reported by ${by ?? 'an engine'}`;
  const lines = [
    `${rule.id}: ${rule.title}`,
    `pillar: ${rule.category}    severity: ${rule.severity}    judges: ${judges}`,
    '',
    rule.description,
    '',
    'How to fix:',
    `  ${rule.remediation}`,
  ];
  const fixer = fixerFor(rule.id);
  lines.push(
    '',
    fixer
      ? `Fixer (kubeprint fix, ${fixer.safety}${fixer.safety === 'review' ? ', with --include-review' : ''}): ${fixer.summary}`
      : `Fixer: none, because ${noFixerReason(rule.id, rule.category)}`,
  );
  if (rule.references.length) {
    lines.push('', 'References:');
    for (const ref of rule.references) lines.push(`  - ${ref.title}${ref.url ? ` <${ref.url}>` : ''}`);
  }
  io.stdout(`${lines.join('\n')}\n`);
  return 0;
}
