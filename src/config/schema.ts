import { z } from 'zod/v4';
import { CATEGORIES, SEVERITIES } from '../model/severity.js';

const severity = z.enum(SEVERITIES);

/** Matches objects by namespace/kind/name globs; at least one rule id (or `*`). */
export const exemptionSchema = z
  .object({
    rules: z.array(z.string().min(1)).min(1).describe('Rule ids this exemption covers; "*" for all'),
    namespace: z.string().optional().describe('Namespace glob (default: any)'),
    kind: z.string().optional().describe('Kind glob (default: any)'),
    name: z.string().optional().describe('Name glob (default: any)'),
    reason: z.string().min(1).describe('Why the exemption is acceptable'),
    owner: z.string().min(1).describe('Who answers for it (team or person)'),
    expires: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, 'expires must be a date YYYY-MM-DD')
      .describe('Last day the exemption applies (YYYY-MM-DD)'),
  })
  .strict();

export const ruleSettingSchema = z
  .object({
    enabled: z.boolean().optional(),
    severity: severity.optional(),
  })
  .strict();

export const configSchema = z
  .object({
    apiVersion: z.literal('kubeprint.dev/v1alpha1').optional(),
    kind: z.literal('Config').optional(),
    failOn: severity.optional().describe('Lowest severity that fails the run (default high)'),
    rules: z.record(z.string(), ruleSettingSchema).optional().describe('Per-rule overrides by rule id'),
    categories: z
      .record(z.enum(CATEGORIES), z.object({ enabled: z.boolean() }).strict())
      .optional()
      .describe('Switch a whole pillar on or off'),
    registries: z
      .object({
        allow: z.array(z.string().min(1)).describe('Allowed registries or image globs (registry/repository)'),
      })
      .strict()
      .optional(),
    exemptions: z.array(exemptionSchema).optional(),
    annotationExemptions: z.boolean().optional().describe('Honour kubeprint.dev/exempt annotations (default true)'),
    maxFileBytes: z.number().int().positive().optional().describe('Files larger than this are skipped (default 8 MiB)'),
  })
  .strict();

export type Config = z.infer<typeof configSchema>;
export type Exemption = z.infer<typeof exemptionSchema>;
