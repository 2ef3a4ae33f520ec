import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { scanPaths } from '../../scan.js';

const CHART = 'src/rules/pod-security/testdata/release-namespace-chart';

function hasHelm(): boolean {
  try {
    execFileSync('helm', ['version', '--short'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe.skipIf(!hasHelm())('workload-in-default-namespace on a Helm chart (needs helm on PATH)', () => {
  const mine = async (helm: { namespace?: string }) => {
    const r = await scanPaths([CHART], { cwd: process.cwd(), helm });
    expect(r.objects.map((o) => `${o.kind}/${o.namespace}/${o.name}`)).toEqual(['Deployment/default/release-web']);
    return r.findings.filter((f) => f.ruleId === 'workload-in-default-namespace').map((f) => f.object?.name);
  };

  it('does not report the "default" helm template writes for {{ .Release.Namespace }} without --namespace', async () => {
    expect(await mine({})).toEqual([]);
  });

  it('reports a release explicitly installed into default', async () => {
    expect(await mine({ namespace: 'default' })).toEqual(['release-web']);
  });
});
