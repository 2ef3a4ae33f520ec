import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isMap, isScalar, isSeq, LineCounter, type Node, parseAllDocuments } from 'yaml';
import { corpus } from '../../test/helpers/corpora.js';
import { splitDocuments } from './documents.js';
import { PositionIndex } from './positions.js';

const { path: APPS, present: appsPresent } = corpus('apps');

function yamlFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = statSync(p);
    if (st.isDirectory()) {
      if (name !== 'templates') yamlFiles(p, out);
    } else if (/\.ya?ml$/.test(name) && st.size < 1_000_000) out.push(p);
  }
  return out;
}

/** Every pointer in a yaml Document, with the 1-based line/column of its key (or item). */
function expectedPositions(node: unknown, ptr: string, counter: LineCounter, out: Map<string, [number, number]>) {
  if (isMap(node)) {
    for (const pair of node.items) {
      if (!isScalar(pair.key)) continue;
      const p = `${ptr}/${String(pair.key.value).replace(/~/g, '~0').replace(/\//g, '~1')}`;
      const r = (pair.key as Node).range;
      if (r) {
        const lp = counter.linePos(r[0]);
        out.set(p, [lp.line, lp.col]);
      }
      expectedPositions(pair.value, p, counter, out);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => {
      const p = `${ptr}/${i}`;
      expectedPositions(item, p, counter, out);
    });
  }
}

describe('PositionIndex', () => {
  it('resolves block-style pointers exactly as a full YAML parse does, on every corpus app file', () => {
    if (!appsPresent) {
      return;
    }
    let checked = 0;
    let fallbacks = 0;
    for (const file of yamlFiles(APPS)) {
      const text = readFileSync(file, 'utf8');
      const counter = new LineCounter();
      const ydocs = parseAllDocuments(text, { lineCounter: counter });
      if (!Array.isArray(ydocs) || ydocs.some((d) => d.errors.length)) continue;
      const raws = splitDocuments(text).filter((d) => d.text.trim().replace(/^#.*$/gm, '').trim() !== '');
      const ydocsWithContent = ydocs.filter((d) => d.contents !== null);
      if (raws.length !== ydocsWithContent.length) continue;
      raws.forEach((raw, i) => {
        const expected = new Map<string, [number, number]>();
        expectedPositions(ydocsWithContent[i]?.contents, '', counter, expected);
        const idx = new PositionIndex(raw.text, raw.lineOffset);
        for (const [ptr, [line, col]] of expected) {
          const segs = ptr
            .slice(1)
            .split('/')
            .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
          const fast = idx.fast(segs);
          if (!fast.exact) {
            fallbacks++;
            continue;
          }
          expect({ file, ptr, pos: fast.pos }).toEqual({ file, ptr, pos: { line, column: col } });
          checked++;
        }
      });
    }
    expect(checked).toBeGreaterThan(5_000);
    // the fast path handles nearly everything in real manifests
    expect(fallbacks / (checked + fallbacks)).toBeLessThan(0.02);
  });

  it('falls back to a full parse for flow style and still finds the line', () => {
    const text = 'apiVersion: v1\nkind: Pod\nspec: {containers: [{name: a,\n  image: nginx}]}\n';
    const idx = new PositionIndex(text, 10);
    expect(idx.positionOf('/spec/containers/0/image')).toEqual({ line: 14, column: 3 });
  });

  it('finds keys by the name kubectl gives them: on: is "true", 0x10: is "16" (block and flow style)', () => {
    const text = 'metadata:\n  labels:\n    app: web\n    on: "x"\n    0x10: y\nspec: {flags: {yes: 1}}\n';
    const idx = new PositionIndex(text, 0);
    expect(idx.positionOf('/metadata/labels/true')).toEqual({ line: 4, column: 5 });
    expect(idx.positionOf('/metadata/labels/16')).toEqual({ line: 5, column: 5 });
    expect(idx.positionOf('/spec/flags/true')).toEqual({ line: 6, column: 16 });
    // a quoted "on" is the key "on" itself
    expect(new PositionIndex('m:\n  "on": 1\n', 0).positionOf('/m/on')).toEqual({ line: 2, column: 3 });
  });

  it('points at the key of a mapping entry and the dash of a sequence item', () => {
    const text = [
      'kind: Deployment',
      'spec:',
      '  template:',
      '    spec:',
      '      containers:',
      '      - name: a',
      '        image: x',
      '      - name: b # second',
      '',
      '        # comment',
      '        image: "y"',
      '        args:',
      '          - |',
      '            image: fake',
      '          - two',
    ].join('\n');
    const idx = new PositionIndex(text, 0);
    expect(idx.positionOf('/spec/template/spec/containers/1/image')).toEqual({ line: 11, column: 9 });
    expect(idx.positionOf('/spec/template/spec/containers/1')).toEqual({ line: 8, column: 7 });
    expect(idx.positionOf('/spec/template/spec/containers/1/args/1')).toEqual({ line: 15, column: 11 });
    // a field that does not exist resolves to its nearest ancestor
    expect(idx.positionOf('/spec/template/spec/containers/1/securityContext/privileged')).toEqual({
      line: 8,
      column: 7,
    });
  });

  it('skips Helm template actions that span lines (a {{- /* licence */}} header, a wrapped include) as it skips one-line ones', () => {
    const text = [
      '{{- /*',
      'Copyright Example, Inc.',
      'SPDX-License-Identifier: APACHE-2.0',
      '*/}}',
      '',
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata:',
      '  name: {{ include "x.fullname" . }}',
      '  labels: {{- include "x.labels" ( dict',
      '      "context" $ ) | nindent 4 }}',
      'spec:',
      '  {{- if not .Values.autoscaling.enabled }}',
      '  replicas: {{ .Values.replicaCount }}',
      '  {{- end }}',
      '  template:',
      '    spec:',
      '      {{- /* a comment with }} and',
      '      key: lookalike: inside */}}',
      '      containers:',
      '        - name: web',
      '          image: {{ printf "%s}}" .Values.image | quote }}',
      '          securityContext: {}',
    ].join('\n');
    const idx = new PositionIndex(text, 0, true);
    expect(idx.start()).toEqual({ line: 6, column: 1 });
    expect(idx.positionOf('/kind')).toEqual({ line: 7, column: 1 });
    expect(idx.positionOf('/metadata/labels/app')).toEqual({ line: 10, column: 3 });
    expect(idx.positionOf('/spec/replicas')).toEqual({ line: 14, column: 3 });
    expect(idx.positionOf('/spec/template/spec/containers/0/image')).toEqual({ line: 22, column: 11 });
    expect(idx.positionOf('/spec/template/spec/containers/0/securityContext')).toEqual({ line: 23, column: 11 });
    // a key that only appears inside a template comment is not there
    expect(idx.positionOf('/spec/template/spec/key')).toEqual({ line: 17, column: 5 });
  });

  it('does not treat a line with content after a template action as a template line', () => {
    const text = ['kind: ConfigMap', 'data:', '  {{ .Values.key }}: value', '  other: x'].join('\n');
    const idx = new PositionIndex(text, 0, true);
    expect(idx.positionOf('/data/other')).toEqual({ line: 4, column: 3 });
  });

  it('finds a rendered list item in its template by name, and never points at another item', () => {
    const text = [
      'spec:',
      '  containers:',
      '    {{- if .Values.sidecar }}',
      '    - name: sidecar',
      '      image: busybox',
      '    {{- end }}',
      '    - name: {{ .Values.name }}',
      '    {{- if .Values.lifecycle }}',
      '      lifecycle: {}',
      '    {{- end }}',
      '      image: web',
      '    - name: "metrics"',
      '      image: exporter',
      '  volumes:',
      '    - emptyDir: {}',
      '    {{- if .Values.extra }}',
      '      name: tmp',
      '    {{- end }}',
      '  initContainers:',
      '    {{- range .Values.inits }}',
      '    - image: {{ . }}',
      '    {{- end }}',
      '  ports:',
      '    - port: 80',
      '    {{- toYaml .Values.extraPorts | nindent 4 }}',
    ].join('\n');
    const idx = new PositionIndex(text, 0, true);
    const rendered = {
      spec: {
        containers: [
          { name: 'web', image: 'web' },
          { name: 'metrics', image: 'exporter' },
        ],
        volumes: [{ emptyDir: {} }],
        initContainers: [{ image: 'a' }, { image: 'b' }],
        ports: [{ port: 80 }, { port: 443 }],
      },
    };
    // by name: the quoted literal, after a conditional item the render left out
    expect(idx.templatePositionOf('/spec/containers/1/image', rendered)).toEqual({ line: 13, column: 7 });
    // a templated name and a conditional item before it: the list, not the sidecar
    expect(idx.templatePositionOf('/spec/containers/0/image', rendered)).toEqual({ line: 2, column: 3 });
    // a conditional inside an item does not shift the items
    expect(idx.templatePositionOf('/spec/volumes/0/emptyDir', rendered)).toEqual({ line: 15, column: 7 });
    // items from a loop: the list
    expect(idx.templatePositionOf('/spec/initContainers/1/image', rendered)).toEqual({ line: 19, column: 3 });
    // items written before the first templated line keep their place; the ones after it are the list's
    expect(idx.templatePositionOf('/spec/ports/0/port', rendered)).toEqual({ line: 24, column: 7 });
    expect(idx.templatePositionOf('/spec/ports/1/port', rendered)).toEqual({ line: 23, column: 3 });
  });
});
