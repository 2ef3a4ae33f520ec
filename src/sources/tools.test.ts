import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { errorReason, findTool, notFound, shortened, toolsBinDir } from './tools.js';

describe('findTool', () => {
  const tools = mkdtempSync(join(tmpdir(), 'kubeprint-tools-'));
  mkdirSync(join(tools, 'bin'));
  writeFileSync(join(tools, 'bin', 'helm'), '#!/bin/sh\n');
  chmodSync(join(tools, 'bin', 'helm'), 0o755);
  const onPath = mkdtempSync(join(tmpdir(), 'kubeprint-path-'));
  writeFileSync(join(onPath, 'helm'), '#!/bin/sh\n');
  chmodSync(join(onPath, 'helm'), 0o755);

  it('finds a tool the setup built when PATH has none (npm run example, then kubeprint scan)', async () => {
    const env = { PATH: '/nonexistent', KUBEPRINT_TOOLS_DIR: tools };
    expect(await findTool('helm', env)).toBe(join(tools, 'bin', 'helm'));
    expect(await findTool('kustomize', env)).toBeUndefined();
  });

  it('prefers PATH', async () => {
    expect(await findTool('helm', { PATH: onPath, KUBEPRINT_TOOLS_DIR: tools })).toBe(join(onPath, 'helm'));
  });

  it('defaults to ~/.cache/kubeprint-tools/bin and names it when the tool is nowhere', () => {
    expect(toolsBinDir({ HOME: '/home/u' })).toBe('/home/u/.cache/kubeprint-tools/bin');
    expect(notFound('helm is not', { HOME: '/home/u' })).toBe(
      'helm is not found on PATH or in ~/.cache/kubeprint-tools/bin (where npm run example builds it)',
    );
  });
});

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
