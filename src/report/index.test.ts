import { describe, expect, it } from 'vitest';
import { manyFindings, sampleContext, sampleResult } from '../../test/helpers/report-sample.js';
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

  it('every reporter writes in pieces exactly the text it renders whole', () => {
    // Large enough that every reporter cuts its text into several pieces.
    const big = sampleResult();
    for (const sev of ['critical', 'medium', 'info'] as const) big.findings.push(...manyFindings(1500, sev));
    big.exempted.push(
      ...manyFindings(700, 'high').map((f) => ({ ...f, exemption: { via: 'config' as const, reason: 'bulk' } })),
    );
    for (const reporter of REPORTERS.values())
      for (const result of [sampleResult(), big, { ...sampleResult(), findings: [], exempted: [] }])
        for (const ctx of [
          sampleContext(),
          sampleContext({ showExempted: true, color: true }),
          sampleContext({ failOn: 'none', showExempted: true }),
        ]) {
          const pieces = [...reporter.chunks(result, ctx)];
          if (result === big && reporter.name !== 'markdown') expect(pieces.length).toBeGreaterThan(2);
          expect(pieces.join('')).toBe(reporter.render(result, ctx));
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
