import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as api from '../src/index.js';

describe('package', () => {
  it('VERSION matches package.json', () => {
    expect(api.VERSION).toBe(JSON.parse(readFileSync('package.json', 'utf8')).version);
  });

  it('the library entry point exposes the scan pipeline and every rule', () => {
    expect(typeof api.scanPaths).toBe('function');
    expect(api.RULES.length).toBeGreaterThan(50);
    expect([...api.REPORTERS.keys()].sort()).toEqual(['json', 'junit', 'markdown', 'sarif', 'table']);
  });
});
