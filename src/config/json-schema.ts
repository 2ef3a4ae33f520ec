import { z } from 'zod/v4';
import { configSchema } from './schema.js';

/** The JSON Schema of `.kubeprint.yaml`, published as schema/kubeprint-config.schema.json for editors. */
export function configJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(configSchema, { target: 'draft-7' }) as Record<string, unknown>;
  return {
    ...schema,
    $id: 'https://kubeprint.dev/schema/kubeprint-config.schema.json',
    title: 'kubeprint configuration (.kubeprint.yaml)',
  };
}
