/**
 * A finding must say why, not only what: for the fixtures where the reason
 * is the point (a selector that selects other pods, a key that is not a
 * failure domain, a Service that is there but wrong), the message names the
 * offending value. Read through scanPaths, as the CLI reads files.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../config/config.js';
import { scanPaths } from '../../scan.js';

const FIXTURES = new URL('./fixtures/', import.meta.url).pathname;

async function messages(ruleId: string, fixture: string): Promise<string[]> {
  const result = await scanPaths([join(FIXTURES, ruleId, fixture)], { cwd: process.cwd(), config: DEFAULT_CONFIG });
  return result.findings.filter((f) => f.ruleId === ruleId).map((f) => f.message);
}

describe('resilience messages say why', () => {
  it.each([
    ['fail.selector-other-app.yaml', ['labelSelector app=other does not select', 'app=web,tier=front']],
    ['fail.selector-not-in.yaml', ['app notin (web)']],
    ['fail.no-label-selector.yaml', ['no labelSelector']],
    ['fail.topology-key-arch.yaml', ['kubernetes.io/arch is not a failure domain']],
    ['fail.topology-key-region.yaml', ['topology.kubernetes.io/region spreads across regions']],
    ['fail.topology-key-typo.yaml', ['topology.kubernetes.io/hostname is not a failure domain']],
    ['fail.anti-affinity-other-app.yaml', ['podAntiAffinity preferred[0]', 'app=db does not select']],
    ['fail.anti-affinity-other-namespace.yaml', ['only at pods in namespace batch, not in "shop"']],
    ['fail.anti-affinity-namespace-selector.yaml', ['namespaceSelector does not select namespace "shop"']],
    ['fail.anti-affinity-mismatch-label-keys.yaml', ['mismatchLabelKeys app exclude']],
  ])('spread-missing %s', async (fixture, parts) => {
    const [message] = await messages('spread-missing', fixture);
    for (const part of parts) expect(message).toContain(part);
  });

  it.each([
    ['fail.no-service.yaml', ['there is no Service "db" in namespace "shop"']],
    ['fail.cluster-ip.yaml', ['is not headless'], ['select']],
    ['fail.no-selector.yaml', ['has no selector'], ['headless']],
    ['fail.empty-selector.yaml', ['empty selector'], ['headless']],
    ['fail.selector-mismatch.yaml', ['selector app=cache', 'they carry app=db,role=replica'], ['headless']],
    ['fail.selector-extra-label.yaml', ['selector app=db,role=primary'], ['headless']],
  ])('statefulset-headless-service-missing %s', async (fixture, parts, absent: string[] = []) => {
    const found = await messages('statefulset-headless-service-missing', fixture);
    expect(found).toHaveLength(1);
    for (const part of parts) expect(found[0]).toContain(part);
    for (const part of absent) expect(found[0]).not.toContain(part);
  });
});
