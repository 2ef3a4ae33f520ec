export type { Config, Exemption } from './schema.js';
