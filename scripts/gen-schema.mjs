// Regenerates schema/kubeprint-config.schema.json from the zod schema (after `npm run build`).
import { writeFileSync } from 'node:fs';
import { configJsonSchema } from '../dist/config/json-schema.js';

writeFileSync(
  new URL('../schema/kubeprint-config.schema.json', import.meta.url),
  `${JSON.stringify(configJsonSchema(), null, 2)}\n`,
);
