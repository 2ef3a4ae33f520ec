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

async function findings(ruleId: string, fixture: string) {
  const result = await scanPaths([join(FIXTURES, ruleId, fixture)], { cwd: process.cwd(), config: DEFAULT_CONFIG });
  return result.findings.filter((f) => f.ruleId === ruleId);
}

async function messages(ruleId: string, fixture: string): Promise<string[]> {
  return (await findings(ruleId, fixture)).map((f) => f.message);
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

  it.each([
    ['fail.both-set.yaml', ['sets both minAvailable and maxUnavailable']],
    ['fail.negative.yaml', ['minAvailable -1, which is negative']],
    ['fail.numeric-string.yaml', ['minAvailable "2", which is a quoted number']],
    ['fail.percent-over-100.yaml', ['"150%", which is more than 100%']],
    ['fail.percent-with-space.yaml', ['"50 %", which is neither an integer nor a percentage']],
    ['fail.fraction.yaml', ['1.5, which is not an integer']],
    ['fail.int32-overflow.yaml', ['does not fit in an int32']],
    ['fail.unhealthy-pod-eviction-policy.yaml', ['unhealthyPodEvictionPolicy "Always"']],
  ])('pdb-invalid %s', async (fixture, parts) => {
    const found = await messages('pdb-invalid', fixture);
    expect(found).toHaveLength(1);
    for (const part of parts) expect(found[0]).toContain(part);
  });

  it('pdb-blocks-eviction says a budget with neither field allows no disruption', async () => {
    const [message] = await messages('pdb-blocks-eviction', 'fail.neither-set.yaml');
    expect(message).toContain('neither minAvailable nor maxUnavailable');
  });

  it.each([
    ['fail.bare-pod.yaml', 'medium', ['Pod "web" is created directly', 'nothing recreates it']],
    ['fail.owner-not-controller.yaml', 'medium', ['owned by ConfigMap "web-config" but has no controller']],
    ['fail.run-to-completion.yaml', 'low', ['a Job would retry it']],
  ])('bare-pod %s', async (fixture, severity, parts) => {
    const found = await findings('bare-pod', fixture);
    expect(found.map((f) => f.severity)).toEqual([severity]);
    for (const part of parts) expect(found[0]?.message).toContain(part);
  });

  it.each([
    ['fail.disk.yaml', 'low', ['volume "cache" is an emptyDir on the node\'s disk and has no sizeLimit']],
    ['fail.memory.yaml', 'medium', ['volume "shm" is a memory-backed emptyDir']],
    ['fail.size-limit-zero.yaml', 'low', ['sizeLimit "0Mi", which sets no limit']],
  ])('emptydir-size-limit-missing %s', async (fixture, severity, parts) => {
    const found = await findings('emptydir-size-limit-missing', fixture);
    expect(found.map((f) => f.severity)).toEqual([severity]);
    for (const part of parts) expect(found[0]?.message).toContain(part);
  });
});
