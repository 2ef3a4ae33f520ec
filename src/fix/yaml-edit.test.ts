import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { applyDocEdit } from './yaml-edit.js';

function set(text: string, segs: Array<string | number>, value: unknown, doc = 0): string {
  const out = applyDocEdit(text, doc, { op: 'set', segs, value });
  if (!out.ok) throw new Error(out.reason);
  return out.text;
}

describe('applyDocEdit', () => {
  it('replaces a scalar in place, keeping the comment beside it and its quoting', () => {
    const text = 'a:\n  b: "x"   # why\n  c: 1\n';
    expect(set(text, ['a', 'b'], 'y')).toBe('a:\n  b: "y"   # why\n  c: 1\n');
    expect(set("k: 'v'\n", ['k'], 'w')).toBe("k: 'w'\n");
  });

  it('adds a key at the end of a block map, at its indentation, nested maps in block style', () => {
    const text = '# head\nspec:\n    x: 1 # one\n    # trailing comment of x\nother: 2\n';
    const out = set(text, ['spec', 'sc', 'seccompProfile', 'type'], 'RuntimeDefault');
    expect(out).toBe(
      '# head\nspec:\n    x: 1 # one\n    # trailing comment of x\n    sc:\n        seccompProfile:\n            type: RuntimeDefault\nother: 2\n',
    );
    expect(parse(out).spec.sc.seccompProfile.type).toBe('RuntimeDefault');
  });

  it('adds to a flow map inline, and fills an empty one', () => {
    expect(set('sc: {runAsUser: 1}\n', ['sc', 'runAsNonRoot'], true)).toBe('sc: {runAsUser: 1, runAsNonRoot: true}\n');
    expect(set('sc: {}\n', ['sc', 'capabilities', 'drop'], ['ALL'])).toBe('sc: {capabilities: {drop: [ALL]}}\n');
  });

  it('replaces a flow list with a flow list and a block list with a block list', () => {
    expect(set('drop: [NET_RAW] # c\n', ['drop'], ['ALL'])).toBe('drop: [ALL] # c\n');
    expect(set('caps:\n  drop:\n    - NET_RAW\n    - CHOWN\n  add: [X]\n', ['caps', 'drop'], ['ALL'])).toBe(
      'caps:\n  drop:\n    - ALL\n  add: [X]\n',
    );
  });

  it('edits the named document of a stream and leaves the others byte for byte', () => {
    const text = 'a: 1\n---\n# second\nb: 2\n---\nc: 3\n';
    expect(set(text, ['b'], 5, 1)).toBe('a: 1\n---\n# second\nb: 5\n---\nc: 3\n');
  });

  it('ends the last line first when the file has no final newline', () => {
    expect(set('a:\n  b: 1', ['a', 'c'], true)).toBe('a:\n  b: 1\n  c: true\n');
  });

  it('is a no-op when the value is already there', () => {
    const out = applyDocEdit('a: false\n', 0, { op: 'set', segs: ['a'], value: false });
    expect(out).toEqual({ ok: true, text: 'a: false\n', changed: false });
  });

  it('indents new block lists as the file does', () => {
    const flush = 'spec:\n  containers:\n  - name: a\n';
    expect(set(flush, ['spec', 'containers', 0, 'sc', 'drop'], ['ALL'])).toBe(
      'spec:\n  containers:\n  - name: a\n    sc:\n      drop:\n      - ALL\n',
    );
  });

  it('refuses values behind anchors and aliases, and documents that do not parse', () => {
    const anchored = 'base: &sc\n  a: true\nx:\n  sc: *sc\n';
    expect(applyDocEdit(anchored, 0, { op: 'set', segs: ['x', 'sc', 'a'], value: false }).ok).toBe(false);
    expect(applyDocEdit('a: &v 1\nb: *v\n', 0, { op: 'set', segs: ['a'], value: 2 }).ok).toBe(false);
    expect(applyDocEdit('a: [\n', 0, { op: 'set', segs: ['a'], value: 2 }).ok).toBe(false);
    expect(applyDocEdit('a: 1\n', 3, { op: 'set', segs: ['a'], value: 2 }).ok).toBe(false);
    expect(applyDocEdit('a: text\n', 0, { op: 'set', segs: ['a', 'b'], value: 2 }).ok).toBe(false);
  });

  it('fills a key whose value is null with the map the edit needs', () => {
    for (const [text, want] of [
      ['c:\n  securityContext:\n  name: a\n', 'c:\n  securityContext: {drop: [ALL]}\n  name: a\n'],
      ['c:\n  securityContext: null # later\n', 'c:\n  securityContext: {drop: [ALL]} # later\n'],
      ['c:\n  securityContext: ~\n', 'c:\n  securityContext: {drop: [ALL]}\n'],
    ] as const) {
      const out = set(text, ['c', 'securityContext', 'drop'], ['ALL']);
      expect(out).toBe(want);
      expect(parse(out).c.securityContext).toEqual({ drop: ['ALL'] });
    }
  });

  it('appends an item to a block list at its indentation, and to a flow list inline', () => {
    expect(set('v:\n  - name: a # first\n    emptyDir: {}\nz: 1\n', ['v', '-'], { name: 'tmp', emptyDir: {} })).toBe(
      'v:\n  - name: a # first\n    emptyDir: {}\n  - name: tmp\n    emptyDir: {}\nz: 1\n',
    );
    expect(set('v: [a]\n', ['v', '-'], 'b')).toBe('v: [a, b]\n');
    expect(set('v: []\n', ['v', '-'], 'b')).toBe('v: [b]\n');
  });

  it('deletes a key of a block map with its lines', () => {
    const out = applyDocEdit('a: 1\nb:\n  c: 2\nd: 3\n', 0, { op: 'delete', segs: ['b'] });
    expect(out).toEqual({ ok: true, text: 'a: 1\nd: 3\n', changed: true });
  });
});
