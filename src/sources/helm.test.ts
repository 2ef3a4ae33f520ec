import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONFIG, parseConfig } from '../config/config.js';
import type { Finding } from '../model/finding.js';
import { type ScanOutput, scanPaths } from '../scan.js';
import { helmErrorReason, splitHelmOutput, templateParts } from './helm.js';
import { which } from './tools.js';

const hasHelm = await which('helm');
if (!hasHelm) console.warn('skipping helm rendering tests: helm is not on PATH (go install helm.sh/helm/v3/cmd/helm)');

/** Write `files` (path → text) under a new temporary directory. */
function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'kubeprint-helm-'));
  for (const [p, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, p)), { recursive: true });
    writeFileSync(join(root, p), text);
  }
  return root;
}

/** `file:line` of each finding of a rule, with the text on that line. */
function at(result: ScanOutput, ruleId: string, root: string): string[] {
  return result.findings
    .filter((f) => f.ruleId === ruleId)
    .map((f) => {
      const file = join(root, f.source?.file ?? '');
      const line = readFileSync(file, 'utf8').split('\n')[(f.source?.line ?? 1) - 1]?.trim();
      return `${f.source?.file}:${f.source?.line} ${line}`;
    });
}

const ofRule = (findings: readonly Finding[], id: string) => findings.filter((f) => f.ruleId === id);

const CHART = 'apiVersion: v2\nname: web\nversion: 1.0.0\nkubeVersion: ">=1.21.0-0"\n';

/** A Bitnami-style template: licence header in a template comment, a conditional init container. */
const DEPLOYMENT = [
  '{{- /*',
  'Copyright Example, Inc. All Rights Reserved.',
  'SPDX-License-Identifier: APACHE-2.0',
  '*/}}',
  '',
  'apiVersion: apps/v1',
  'kind: Deployment',
  'metadata:',
  '  name: {{ .Release.Name }}-web',
  '  labels: {{- include "web.labels" . | nindent 4 }}',
  'spec:',
  '  replicas: {{ .Values.replicas }}',
  '  selector:',
  '    matchLabels: {app: web}',
  '  template:',
  '    metadata:',
  '      labels: {app: web}',
  '    spec:',
  '      {{- if .Values.gitClone }}',
  '      initContainers:',
  '        - name: git-clone',
  '          image: alpine/git:latest',
  '      {{- end }}',
  '      containers:',
  '        {{- if .Values.sidecar }}',
  '        - name: sidecar',
  '          image: "busybox:1.36"',
  '        {{- end }}',
  '        - name: web',
  '          image: {{ printf "%s:%s" .Values.image.repository .Values.image.tag | quote }}',
  '          ports:',
  '            - containerPort: 8080',
  '',
].join('\n');

const HELPERS = '{{- define "web.labels" -}}\napp: web\n{{- end }}\n';

describe.runIf(hasHelm)('helm sources', () => {
  it('maps findings of a template with a {{- /* */}} header and conditional items to the lines that wrote them', async () => {
    const root = tree({
      'web/Chart.yaml': CHART,
      'web/values.yaml': 'replicas: 1\ngitClone: false\nsidecar: false\nimage: {repository: nginx, tag: latest}\n',
      'web/templates/_helpers.tpl': HELPERS,
      'web/templates/deployment.yaml': DEPLOYMENT,
    });
    const result = await scanPaths(['web'], { cwd: root });
    expect(ofRule(result.findings, 'render-failed')).toEqual([]);
    const file = join('web', 'templates', 'deployment.yaml');
    // the rendered containers/0 is `web`: the template's third item, after the conditional ones
    expect(at(result, 'image-tag-latest', root)).toEqual([
      `${file}:30 image: {{ printf "%s:%s" .Values.image.repository .Values.image.tag | quote }}`,
    ]);
    expect(at(result, 'single-replica', root)).toEqual([`${file}:12 replicas: {{ .Values.replicas }}`]);
  });

  it('finds the document of a multi-document template by kind, not the first one', async () => {
    const root = tree({
      'web/Chart.yaml': CHART,
      'web/templates/all.yaml': [
        '{{- if true }}',
        'apiVersion: v1',
        'kind: ServiceAccount',
        'metadata:',
        '  name: web',
        '---',
        '{{- end }}',
        'apiVersion: apps/v1',
        'kind: Deployment',
        'metadata:',
        '  name: web',
        'spec:',
        '  replicas: 3',
        '  selector: {matchLabels: {app: web}}',
        '  template:',
        '    metadata: {labels: {app: web}}',
        '    spec:',
        '      containers:',
        '        - name: web',
        '          image: nginx@sha256:0000000000000000000000000000000000000000000000000000000000000000',
        '---',
        'apiVersion: v1',
        'kind: Service',
        'metadata:',
        '  name: web',
        'spec:',
        '  selector: {app: web}',
        '  externalIPs:',
        '    - 203.0.113.10',
        '  ports:',
        '    - port: 80',
        '',
      ].join('\n'),
    });
    const result = await scanPaths(['web'], { cwd: root });
    expect(ofRule(result.findings, 'render-failed')).toEqual([]);
    expect(at(result, 'service-external-ips', root)).toEqual([
      `${join('web', 'templates', 'all.yaml')}:28 externalIPs:`,
    ]);
  });

  it('renders for the configured Kubernetes release (Capabilities.KubeVersion, kubeVersion constraints)', async () => {
    const root = tree({
      'web/Chart.yaml': CHART,
      'web/templates/cm.yaml':
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: caps\ndata:\n  version: {{ .Capabilities.KubeVersion.Version | quote }}\n',
    });
    const version = (r: ScanOutput) =>
      (r.objects.find((o) => o.kind === 'ConfigMap')?.raw.data as Record<string, string> | undefined)?.version;

    // default: a current release, not the v1.20 a source-built helm claims
    const byDefault = await scanPaths(['web'], { cwd: root, config: DEFAULT_CONFIG });
    expect(ofRule(byDefault.findings, 'render-failed')).toEqual([]);
    const minor = Number(/^v1\.(\d+)\./.exec(version(byDefault) ?? '')?.[1]);
    expect(minor).toBeGreaterThanOrEqual(33);

    const config = parseConfig('kubernetesVersion: "1.30"\n', join(root, '.kubeprint.yaml'));
    expect(version(await scanPaths(['web'], { cwd: root, config }))).toBe('v1.30.0');

    // a release the chart refuses: the render fails with helm's reason
    const old = parseConfig('kubernetesVersion: "1.20"\n', join(root, '.kubeprint.yaml'));
    const failed = ofRule((await scanPaths(['web'], { cwd: root, config: old })).findings, 'render-failed');
    expect(failed.map((f) => f.message)).toEqual([expect.stringMatching(/kubeVersion: >=1\.21\.0-0.*v1\.20/)]);
  });

  it('skips a library chart with an info finding, not render-failed', async () => {
    const root = tree({
      'common/Chart.yaml': 'apiVersion: v2\nname: common\nversion: 1.0.0\ntype: library\n',
      'common/templates/_names.tpl': '{{- define "common.name" -}}x{{- end }}\n',
    });
    const result = await scanPaths(['.'], { cwd: root });
    expect(ofRule(result.findings, 'render-failed')).toEqual([]);
    const skipped = ofRule(result.findings, 'library-chart-skipped');
    expect(skipped.map((f) => [f.severity, f.source?.file])).toEqual([['info', join('common', 'Chart.yaml')]]);
  });

  it('keeps the reason of a failed render in render-failed', async () => {
    const root = tree({
      'web/Chart.yaml': CHART,
      'web/templates/cm.yaml':
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata:\n  tag: {{ required "image.tag is required: set it in values" .Values.image }}\n',
    });
    const failed = ofRule((await scanPaths(['web'], { cwd: root })).findings, 'render-failed');
    expect(failed.map((f) => f.message)).toEqual([expect.stringContaining('image.tag is required: set it in values')]);
  });
});

describe('helm output and errors', () => {
  it('splits helm template output by document with its # Source: template', () => {
    const docs = splitHelmOutput(
      '---\n# Source: web/templates/a.yaml\nkind: A\n---\n# Source: web/templates/b.yaml\nkind: B\n',
    );
    expect(docs.map((d) => [d.template, d.lineOffset])).toEqual([
      ['web/templates/a.yaml', 1],
      ['web/templates/b.yaml', 4],
    ]);
  });

  it('splits a template into its documents with their first lines', () => {
    const parts = templateParts('{{- if x }}\nkind: A\n---\n{{- end }}\nkind: B\n--- # two\nkind: C\n');
    expect(parts.map((p) => [p.lineOffset, p.kind])).toEqual([
      [0, 'A'],
      [3, 'B'],
      [6, 'C'],
    ]);
  });

  it('keeps the whole of a multi-line helm error and drops the --debug hint', () => {
    const stderr = [
      'Error: template: web/templates/cm.yaml:6:11: executing "web/templates/cm.yaml" at <required "x" .Values.image>: error calling required: x',
      '',
      'Use --debug flag to render out invalid YAML',
      '',
    ].join('\n');
    expect(helmErrorReason(stderr)).toBe(
      'template: web/templates/cm.yaml:6:11: executing "web/templates/cm.yaml" at <required "x" .Values.image>: error calling required: x',
    );
  });
});
