/**
 * Exemptions scoped to images (`images:` in a config exemption): a finding
 * about a container is exempted when that container's image matches; a
 * finding about the object as a whole when every container's image matches.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../config/config.js';
import { scanObjects } from '../scan.js';
import { objectsFromText } from '../sources/file-objects.js';

const NOW = new Date('2026-06-01T00:00:00Z');

const DEPLOYMENT = [
  'apiVersion: apps/v1',
  'kind: Deployment',
  'metadata: {name: web, namespace: shop}',
  'spec:',
  '  replicas: 1',
  '  selector: {matchLabels: {app: web}}',
  '  template:',
  '    metadata: {labels: {app: web}}',
  '    spec:',
  '      initContainers:',
  '        - {name: init, image: "busybox:1.36"}',
  '      containers:',
  '        - {name: web, image: "ghcr.io/acme/web:1.4.0"}',
  '        - {name: agent, image: "docker.io/vendor/agent:2.1"}',
  '        - {name: broken, image: "docker.io/vendor/Agent:2.1"}',
  '---',
  'apiVersion: v1',
  'kind: Service',
  'metadata: {name: web, namespace: shop}',
  'spec: {selector: {app: other}, ports: [{port: 80}]}',
].join('\n');

function exemption(rules: string[], images: string[], expires = '2030-01-01'): string {
  return [
    'exemptions:',
    `  - rules: ${JSON.stringify(rules)}`,
    `    images: ${JSON.stringify(images)}`,
    '    reason: vendor agent, fixed upstream in 3.0',
    '    owner: team-platform',
    `    expires: "${expires}"`,
  ].join('\n');
}

function scan(configText: string) {
  const { objects } = objectsFromText(DEPLOYMENT, { file: 'deploy.yaml', scope: 'deploy' });
  const r = scanObjects(objects, { config: parseConfig(configText, '.kubeprint.yaml'), now: NOW });
  const key = (f: { ruleId: string; path?: string | null; object?: { kind: string } | null }) =>
    `${f.ruleId} ${f.object?.kind ?? '-'} ${f.path ?? ''}`;
  return { findings: r.findings.map(key), exempted: r.exempted.map(key), raw: r };
}

const C = '/spec/template/spec/containers';

describe('exemptions by image', () => {
  it('exempt findings about containers whose image matches, and only those', () => {
    const r = scan(exemption(['image-digest-not-pinned', 'readonly-root-filesystem'], ['docker.io/vendor/*']));
    expect(r.exempted).toContain(`image-digest-not-pinned Deployment ${C}/1/image`);
    expect(r.exempted).toContain(`readonly-root-filesystem Deployment ${C}/1/securityContext/readOnlyRootFilesystem`);
    expect(r.findings).toContain(`image-digest-not-pinned Deployment ${C}/0/image`);
    expect(r.findings).toContain('image-digest-not-pinned Deployment /spec/template/spec/initContainers/0/image');
    // other rules on the matching container are not exempted
    expect(r.findings).toContain(`liveness-probe-missing Deployment ${C}/1`);
    // an invalid image matches no glob
    expect(r.findings).toContain(`image-ref-invalid Deployment ${C}/2/image`);
    expect(r.exempted.every((k) => k.includes(`${C}/1`))).toBe(true);
  });

  it('exempt a finding about the whole object only when every container image matches', () => {
    const some = scan(exemption(['*'], ['docker.io/vendor/*']));
    expect(some.findings).toContain('single-replica Deployment /spec/replicas');
    expect(some.findings).toContain('pss-run-as-non-root Deployment /spec/template/spec/securityContext/runAsNonRoot');
    // a Service has no containers: never exempted by images
    expect(some.findings.some((k) => k.includes(' Service '))).toBe(true);
    expect(some.exempted.some((k) => k.includes(' Service '))).toBe(false);
    // busybox, ghcr.io/acme, docker.io/vendor: but the invalid image still matches nothing
    const all = scan(exemption(['single-replica'], ['busybox', 'ghcr.io/acme/**', 'docker.io/vendor/**']));
    expect(all.findings).toContain('single-replica Deployment /spec/replicas');
  });

  it('exempt object findings when every image matches', () => {
    const text = DEPLOYMENT.replace('docker.io/vendor/Agent:2.1', 'docker.io/vendor/agent:2.1');
    const { objects } = objectsFromText(text, { file: 'deploy.yaml', scope: 'deploy' });
    const cfg = parseConfig(
      exemption(['single-replica'], ['busybox', 'ghcr.io/acme/**', 'docker.io/vendor/**']),
      '.kubeprint.yaml',
    );
    const r = scanObjects(objects, { config: cfg, now: NOW });
    expect(r.exempted.map((f) => f.ruleId)).toEqual(['single-replica']);
    expect(r.exempted[0]?.exemption).toMatchObject({ via: 'config', owner: 'team-platform' });
  });

  it('a tag glob narrows the exemption to matching tags', () => {
    expect(scan(exemption(['image-digest-not-pinned'], ['docker.io/vendor/agent:2.*'])).exempted).toEqual([
      `image-digest-not-pinned Deployment ${C}/1/image`,
    ]);
    expect(scan(exemption(['image-digest-not-pinned'], ['docker.io/vendor/agent:3.*'])).exempted).toEqual([]);
  });

  it('combines with namespace, kind and name: all must match', () => {
    const cfg = exemption(['image-digest-not-pinned'], ['docker.io/vendor/*']).replace(
      '    reason:',
      '    namespace: other\n    reason:',
    );
    expect(scan(cfg).exempted).toEqual([]);
  });

  it('an expired exemption by image is reported with its images', () => {
    const r = scan(exemption(['image-digest-not-pinned'], ['docker.io/vendor/*'], '2026-01-01'));
    expect(r.exempted).toEqual([]);
    const expired = r.raw.findings.find((f) => f.ruleId === 'exemption-expired');
    expect(expired?.message).toContain('docker.io/vendor/*');
  });

  it('rejects an empty images list', () => {
    expect(() => parseConfig(exemption(['*'], []), '.kubeprint.yaml')).toThrow(/images/);
  });
});
