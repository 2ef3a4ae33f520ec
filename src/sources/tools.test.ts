import { describe, expect, it } from 'vitest';
import { errorReason, shortened } from './tools.js';

describe('errorReason', () => {
  it('reads a single-line klog error, unquoting it', () => {
    const stderr =
      'E1208 02:54:42.640556    9721 run.go:72] "command failed" err="loading KV pairs: file \\"a b\\": security; file \'/etc/passwd\' is not in or below \'/k\'"\n';
    expect(errorReason(stderr)).toBe(
      "loading KV pairs: file \"a b\": security; file '/etc/passwd' is not in or below '/k'",
    );
  });

  it('reads a multi-line klog error (err=< … >) whole', () => {
    const stderr = [
      'E1208 02:55:05.444531   12354 run.go:72] "command failed" err=<',
      '\tError: chart requires kubeVersion: >=1.21.0-0 which is incompatible with Kubernetes v1.20.0',
      '\t',
      '\tUse --debug flag to render out invalid YAML',
      "\t: unable to run: 'helm template' (is 'helm' installed?): exit status 1",
      ' >',
      '',
    ].join('\n');
    expect(errorReason(stderr)).toBe(
      "chart requires kubeVersion: >=1.21.0-0 which is incompatible with Kubernetes v1.20.0 : unable to run: 'helm template' (is 'helm' installed?): exit status 1",
    );
  });

  it('reads an Error: line and the lines after it, without usage text', () => {
    const stderr = [
      'walk.go:75: found symbolic link in path',
      "Error: values don't meet the specifications of the schema(s) in the following chart(s):",
      'web:',
      '- image.tag: Invalid type. Expected: string, given: integer',
      '',
      'Use --debug flag to render out invalid YAML',
    ].join('\n');
    expect(errorReason(stderr)).toBe(
      "values don't meet the specifications of the schema(s) in the following chart(s): web: - image.tag: Invalid type. Expected: string, given: integer",
    );
  });

  it('is never truncated; shortened cuts with an ellipsis', () => {
    const long = `Error: ${'x'.repeat(2000)} the reason`;
    expect(errorReason(long).endsWith('the reason')).toBe(true);
    expect(shortened('abcdef', 3)).toBe('abc…');
  });
});
