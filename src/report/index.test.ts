import { describe, expect, it } from 'vitest';
import { sampleContext, sampleResult } from '../../test/helpers/report-sample.js';
import { KubeprintError } from '../errors.js';
import { REPORTERS, reporterFor } from './index.js';

describe('reporter registry', () => {
  it('keys every reporter by its own name', () => {
    expect([...REPORTERS.keys()]).toEqual(['table', 'json', 'sarif', 'junit', 'markdown']);
    for (const [name, reporter] of REPORTERS) {
      expect(reporter.name).toBe(name);
      expect(reporterFor(name)).toBe(reporter);
    }
  });

  it('every reporter renders the sample to text ending in a newline, the same each time', () => {
    for (const reporter of REPORTERS.values()) {
      const out = reporter.render(sampleResult(), sampleContext({ showExempted: true }));
      expect(out.endsWith('\n')).toBe(true);
      expect(reporter.render(sampleResult(), sampleContext({ showExempted: true }))).toBe(out);
    }
  });

  it('rejects an unknown format with UNKNOWN_FORMAT, naming the valid ones', () => {
    let err: unknown;
    try {
      reporterFor('xml');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(KubeprintError);
    expect((err as KubeprintError).code).toBe('UNKNOWN_FORMAT');
    expect((err as KubeprintError).message).toContain('table, json, sarif, junit, markdown');
  });
});
