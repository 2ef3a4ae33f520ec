import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../test/cli-capture.js';
import { which } from '../sources/tools.js';

const hasKustomize = (await which('kustomize')) ?? (await which('kubectl'));
if (!hasKustomize) console.warn('skipping the kustomize case of images list: neither kustomize nor kubectl is on PATH');

/** Two overlays (staging, production) over one base: the same image, the same base line, twice. */
function overlays(): string {
  const root = mkdtempSync(join(tmpdir(), 'kubeprint-images-'));
  for (const d of ['base', 'staging', 'production']) mkdirSync(join(root, d));
  writeFileSync(
    join(root, 'base/deployment.yaml'),
    [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata:',
      '  name: web',
      'spec:',
      '  selector:',
      '    matchLabels: {app: web}',
      '  template:',
      '    metadata:',
      '      labels: {app: web}',
      '    spec:',
      '      containers:',
      '        - name: web',
      '          image: ghcr.io/acme/web:1.4.0',
      '        - name: proxy',
      '          image: envoyproxy/envoy:v1.31.0',
      '',
    ].join('\n'),
  );
  writeFileSync(join(root, 'base/kustomization.yaml'), 'resources:\n  - deployment.yaml\n');
  writeFileSync(join(root, 'staging/kustomization.yaml'), 'namespace: staging\nresources:\n  - ../base\n');
  writeFileSync(
    join(root, 'production/kustomization.yaml'),
    [
      'namespace: production',
      'resources:',
      '  - ../base',
      'images:',
      '  - name: envoyproxy/envoy',
      '    newTag: v1.32.0',
      '',
    ].join('\n'),
  );
  return root;
}

describe('images list', () => {
  it.skipIf(!hasKustomize)('lists a base location once when two overlays render it', async () => {
    const root = overlays();
    const r = await runCli(['images', 'list', '.', '-o', 'json'], { cwd: root });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const images = JSON.parse(r.stdout) as Array<{ image: string; locations: string[] }>;
    const web = images.find((i) => i.image === 'ghcr.io/acme/web:1.4.0');
    expect(web?.locations).toEqual(['base/deployment.yaml:14']);
    // an image each overlay renders differently is listed per image, each once
    expect(images.map((i) => i.image).sort()).toEqual([
      'envoyproxy/envoy:v1.31.0',
      'envoyproxy/envoy:v1.32.0',
      'ghcr.io/acme/web:1.4.0',
    ]);
    for (const i of images) expect(new Set(i.locations).size, i.image).toBe(i.locations.length);

    const table = await runCli(['images', 'list', '.'], { cwd: root });
    const row = table.stdout.split('\n').find((l) => l.startsWith('ghcr.io/acme/web:1.4.0'));
    expect(row).toMatch(/base\/deployment\.yaml:14$/);
    expect(row?.match(/deployment\.yaml/g)).toHaveLength(1);
  });

  it('lists each use of an image in plain files', async () => {
    const root = mkdtempSync(join(tmpdir(), 'kubeprint-images-'));
    const pod = (name: string) =>
      `apiVersion: v1\nkind: Pod\nmetadata: {name: ${name}}\nspec:\n  containers:\n    - name: a\n      image: nginx:1.27\n`;
    writeFileSync(join(root, 'a.yaml'), `${pod('a')}---\n${pod('b')}`);
    const r = await runCli(['images', 'list', 'a.yaml', '-o', 'json'], { cwd: root });
    expect(JSON.parse(r.stdout)).toEqual([
      {
        image: 'nginx:1.27',
        registry: 'docker.io',
        repository: 'library/nginx',
        tag: '1.27',
        digest: null,
        pinned: false,
        locations: ['a.yaml:7', 'a.yaml:15'],
      },
    ]);
  });
});
