import { KubeprintError } from '../errors.js';
import { jsonReporter } from './json.js';
import { junitReporter } from './junit.js';
import { markdownReporter } from './markdown.js';
import type { Reporter } from './reporter.js';
import { sarifReporter } from './sarif.js';
import { tableReporter } from './table.js';

export type { ReportContext, Reporter } from './reporter.js';

/** Every output format, keyed by the name `-o` takes, in the order help lists them. */
export const REPORTERS: ReadonlyMap<string, Reporter> = new Map(
  [tableReporter, jsonReporter, sarifReporter, junitReporter, markdownReporter].map((r) => [r.name, r]),
);

/**
 * The reporter for `-o NAME`.
 * @throws KubeprintError `UNKNOWN_FORMAT` naming the valid formats.
 * @example reporterFor('sarif').render(result, ctx)
 */
export function reporterFor(name: string): Reporter {
  const reporter = REPORTERS.get(name);
  if (!reporter)
    throw new KubeprintError(
      'UNKNOWN_FORMAT',
      `unknown output format '${name}'; valid formats: ${[...REPORTERS.keys()].join(', ')}`,
    );
  return reporter;
}
