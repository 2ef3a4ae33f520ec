import { describe, expect, it } from 'vitest';
import { escapeSegment, getAt, join, parsePointer, pointer, unescapeSegment } from './pointer.js';

describe('JSON pointers (RFC 6901)', () => {
  it('escapes ~ and / and nothing else', () => {
    expect(escapeSegment('a/b~c')).toBe('a~1b~0c');
    expect(escapeSegment('~1')).toBe('~01');
    expect(escapeSegment('plain')).toBe('plain');
    expect(escapeSegment(3)).toBe('3');
  });

  it('unescapes ~1 before ~0, so ~01 stays a literal ~1', () => {
    expect(unescapeSegment('~01')).toBe('~1');
    expect(unescapeSegment('a~1b~0c')).toBe('a/b~c');
    expect(unescapeSegment('plain')).toBe('plain');
  });

  it('builds and parses pointers symmetrically', () => {
    const segs = ['metadata', 'annotations', 'kubeprint.dev/exempt', 'a~b', ''];
    const p = pointer(...segs);
    expect(p).toBe('/metadata/annotations/kubeprint.dev~1exempt/a~0b/');
    expect(parsePointer(p)).toEqual(segs);
    expect(pointer()).toBe('');
    expect(join('/spec/containers', 0, 'image')).toBe('/spec/containers/0/image');
  });

  it('parses the root, "/" and rejects a pointer without a leading slash', () => {
    expect(parsePointer('')).toEqual([]);
    expect(parsePointer('/')).toEqual(['']);
    expect(() => parsePointer('spec')).toThrow(/invalid JSON pointer/);
  });

  it('reads values through escaped keys and array indexes', () => {
    const doc = { metadata: { annotations: { 'a/b': 'x' } }, list: [{ v: 1 }] };
    expect(getAt(doc, '/metadata/annotations/a~1b')).toBe('x');
    expect(getAt(doc, '/list/0/v')).toBe(1);
    expect(getAt(doc, '/list/1/v')).toBeUndefined();
  });
});
