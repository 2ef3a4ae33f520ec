import type { Rule } from '../rule.js';
import { rule as duplicateKey } from './duplicate-key.js';
import { rule as duplicateObject } from './duplicate-object.js';
import { rule as exemptionExpired } from './exemption-expired.js';
import { rule as exemptionMissingReason } from './exemption-missing-reason.js';
import { rule as fileSkipped } from './file-skipped.js';
import { rule as gitopsSourceNotFollowed } from './gitops-source-not-followed.js';
import { rule as invalidYaml } from './invalid-yaml.js';
import { rule as libraryChartSkipped } from './library-chart-skipped.js';
import { rule as listItemWithoutKind } from './list-item-without-kind.js';
import { rule as renderFailed } from './render-failed.js';
import { rule as yamlScalarNotString } from './yaml-scalar-not-string.js';

/** Findings about the input and the exemptions themselves. */
export const governanceRules: readonly Rule[] = [
  invalidYaml,
  duplicateKey,
  yamlScalarNotString,
  duplicateObject,
  fileSkipped,
  listItemWithoutKind,
  renderFailed,
  libraryChartSkipped,
  gitopsSourceNotFollowed,
  exemptionExpired,
  exemptionMissingReason,
];
