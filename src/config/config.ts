import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { isNode, LineCounter, parseDocument } from 'yaml';
import { KubeprintError } from '../errors.js';
import { type Config, configSchema, type Exemption } from './schema.js';

export type { Config, Exemption } from './schema.js';

export const CONFIG_FILE_NAMES = ['.kubeprint.yaml', '.kubeprint.yml'];

/** A validated configuration and where it came from (for findings that point into it). */
export interface LoadedConfig {
  config: Config;
  /** The file as the user named it, or undefined for the defaults. */
  file: string | undefined;
  /** 1-based line of each exemption in the file, by index. */
  exemptionLines: number[];
}

export const DEFAULT_CONFIG: LoadedConfig = { config: {}, file: undefined, exemptionLines: [] };

/**
 * Load `.kubeprint.yaml`: the named file, or the one in the working directory
 * when there is one. Errors name the file and the line of the offending field.
 *
 * @throws KubeprintError CONFIG_UNREADABLE, CONFIG_INVALID
 */
export function loadConfig(cwd: string, explicit?: string): LoadedConfig {
  let file = explicit;
  if (!file) {
    file = CONFIG_FILE_NAMES.find((n) => existsSync(resolve(cwd, n)));
    if (!file) return DEFAULT_CONFIG;
  }
  let text: string;
  try {
    text = readFileSync(resolve(cwd, file), 'utf8');
  } catch (err) {
    throw new KubeprintError('CONFIG_UNREADABLE', `${file}: cannot read the config file`, { cause: err });
  }
  return parseConfig(text, file);
}

/** Validate config text; `file` is used in messages. */
export function parseConfig(text: string, file: string): LoadedConfig {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, uniqueKeys: true, prettyErrors: false });
  const lineOf = (offset: number | undefined) => (offset === undefined ? 1 : counter.linePos(offset).line);
  const firstError = doc.errors[0];
  if (firstError) {
    throw new KubeprintError(
      'CONFIG_INVALID',
      `${file}:${lineOf(firstError.pos[0])}: ${firstError.message.split('\n')[0]}`,
    );
  }
  const value = doc.toJS({ maxAliasCount: 100 }) ?? {};
  const parsed = configSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const path = (issue?.path ?? []) as Array<string | number>;
    // the deepest node that exists, for the line
    let line = 1;
    for (let n = path.length; n >= 0; n--) {
      const node = doc.getIn(path.slice(0, n), true);
      if (isNode(node) && node.range) {
        line = lineOf(node.range[0]);
        break;
      }
    }
    const where = path.length ? ` at ${path.join('.')}` : '';
    const extra = issue && 'keys' in issue && Array.isArray(issue.keys) ? ` (${issue.keys.join(', ')})` : '';
    throw new KubeprintError('CONFIG_INVALID', `${file}:${line}: ${issue?.message ?? 'invalid'}${extra}${where}`);
  }
  const exemptionLines: number[] = [];
  (parsed.data.exemptions ?? []).forEach((_e: Exemption, i: number) => {
    const node = doc.getIn(['exemptions', i], true);
    exemptionLines.push(isNode(node) && node.range ? lineOf(node.range[0]) : 1);
  });
  return { config: parsed.data, file, exemptionLines };
}
