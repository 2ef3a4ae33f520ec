import { describe, expect, it } from 'vitest';
import { parseRawDocument, splitDocuments } from './documents.js';

describe('splitDocuments', () => {
  it('splits on --- and ... at column 0 and keeps each document line offset', () => {
    const text = '# header\n---\na: 1\n---\n\n# only a comment\n---\nb: 2\n...\nc: 3\n--- |\n  text\n';
    const docs = splitDocuments(text);
    expect(docs.map((d) => [d.lineOffset, d.text.trim()])).toEqual([
      [1, 'a: 1'],
      [3, '# only a comment'],
      [6, 'b: 2'],
      [9, 'c: 3'],
      [10, '|\n  text'],
    ]);
    // the marker line keeps its columns
    expect(docs[4]?.text.startsWith('    |')).toBe(true);
  });

  it('does not split on --- inside a line or indented', () => {
    const docs = splitDocuments('a: |\n  ---\n  x\nb: "---"\n');
    expect(docs).toHaveLength(1);
  });

  it('a file without markers is one document at line 0', () => {
    expect(splitDocuments('a: 1\nb: 2').map((d) => d.lineOffset)).toEqual([0]);
  });
});

describe('parseRawDocument', () => {
  it('reports the line of a syntax error within the file', () => {
    const [, second] = splitDocuments('a: 1\n---\nb: [1,\nc: 2\n');
    const r = parseRawDocument(second!);
    expect(r.$case).toBe('error');
    if (r.$case === 'error') expect(r.problem.line).toBeGreaterThanOrEqual(3);
  });

  it('keeps timestamps as strings, honours merge keys, reads keys as go-yaml does', () => {
    const [doc] = splitDocuments('base: &b {x: 1}\nt: 2024-01-01T00:00:00Z\nv: 1.10\nm:\n  <<: *b\n  y: 2\n');
    const r = parseRawDocument(doc!);
    expect(r.$case).toBe('value');
    if (r.$case === 'value') {
      const v = r.value as Record<string, unknown>;
      expect(v.t).toBe('2024-01-01T00:00:00Z');
      // `y` is YAML 1.1's true, as kubectl reads it
      expect(v.m).toEqual({ x: 1, true: 2 });
      expect(v.v).toBe(1.1);
    }
  });

  it('reports duplicate keys with the key name and keeps the last value', () => {
    const [doc] = splitDocuments('a: 1\nb: 2\na: 3\n');
    const r = parseRawDocument(doc!);
    expect(r.$case).toBe('value');
    if (r.$case === 'value') {
      expect((r.value as Record<string, unknown>).a).toBe(3);
      expect(r.duplicateKeys.map((d) => [d.line, d.message])).toEqual([[3, 'duplicate key "a"; the last value wins']]);
    }
  });
});
