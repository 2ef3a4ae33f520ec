import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG } from '../../config/config.js';
import { scanPaths } from '../../scan.js';

const FIXTURES = new URL('./fixtures/service-exposed-externally/', import.meta.url).pathname;

async function findings(file: string) {
  const r = await scanPaths([join(FIXTURES, file)], { cwd: process.cwd(), config: DEFAULT_CONFIG });
  return r.findings.filter((f) => f.ruleId === 'service-exposed-externally');
}

describe('service-exposed-externally', () => {
  it('is low for a load balancer open to every address, info otherwise', async () => {
    const sev = async (f: string) => (await findings(f)).map((x) => x.severity);
    expect(await sev('fail.load-balancer-open.yaml')).toEqual(['low']);
    expect(await sev('fail.load-balancer-any-range.yaml')).toEqual(['low']);
    expect(await sev('fail.load-balancer-restricted.yaml')).toEqual(['info']);
    expect(await sev('fail.internal-load-balancer.yaml')).toEqual(['info']);
    expect(await sev('fail.node-port.yaml')).toEqual(['info']);
  });
  it('names the source ranges, the ports and the externalTrafficPolicy', async () => {
    const [restricted] = await findings('fail.load-balancer-restricted.yaml');
    expect(restricted?.message).toContain('reachable from 203.0.113.0/24, 198.51.100.0/24 on 443/TCP');
    expect(restricted?.message).toContain('externalTrafficPolicy Cluster');
    const [open] = await findings('fail.load-balancer-open.yaml');
    expect(open?.message).toContain('externalTrafficPolicy Local');
    const [nodePort] = await findings('fail.node-port.yaml');
    expect(nodePort?.message).toContain('8080→30080/TCP open on every node');
  });
});
