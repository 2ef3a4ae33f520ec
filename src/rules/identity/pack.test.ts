/**
 * The identity rules over their fixtures, as the lead's table-driven
 * `rules.test.ts` will run them once the pack is in the registry: every
 * object of a fixture file in one scope; `pass.*` gives no finding of the
 * rule, `fail.*` at least one (at `# expect-path` when the file says).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scanPaths } from '../../scan.js';
import { identityRules } from './pack.js';

const DIR = join(new URL('.', import.meta.url).pathname, 'fixtures');

describe.each(identityRules.map((r) => [r.id] as const))('identity rule %s', (id) => {
  const entries = readdirSync(join(DIR, id)).filter((n) => /^(pass|fail)\..*\.yaml$/.test(n));
  it('has pass and fail fixtures', () => {
    expect(entries.some((n) => n.startsWith('pass.'))).toBe(true);
    expect(entries.some((n) => n.startsWith('fail.'))).toBe(true);
  });
  it.each(entries)('%s', async (entry) => {
    const path = join(DIR, id, entry);
    const result = await scanPaths([path], { cwd: process.cwd(), rules: identityRules });
    const mine = result.findings.filter((f) => f.ruleId === id);
    if (entry.startsWith('pass.')) {
      expect(mine.map((f) => `${f.path}: ${f.message}`)).toEqual([]);
      return;
    }
    expect(mine.length).toBeGreaterThan(0);
    const expPath = /^# expect-path: (\S+)/m.exec(readFileSync(path, 'utf8').split('\n')[0] ?? '')?.[1];
    if (expPath) expect(mine.map((f) => f.path)).toContain(expPath);
  });
});

describe('identity rule messages', () => {
  it('an escalation finding carries the whole chain and sits on the service account', async () => {
    const result = await scanPaths([join(DIR, 'rbac-escalation-path', 'fail.pod-create-chain.yaml')], {
      cwd: process.cwd(),
      rules: identityRules,
    });
    const esc = result.findings.filter((f) => f.ruleId === 'rbac-escalation-path' && f.object?.name === 'deployer');
    expect(esc.map((f) => f.message.split(':')[0])).toEqual(expect.arrayContaining(['ServiceAccount']));
    const bind = esc.find((f) => f.message.includes('bind roles'));
    expect(bind?.severity).toBe('critical');
    expect(bind?.message).toContain(
      'ServiceAccount:ci:deployer -[pod-create: create pods or pod controllers in namespace prod]-> ServiceAccount:prod:operator -[rbac-bind: bind any role with ClusterRoleBindings]-> cluster-admin',
    );
    expect(bind?.object?.kind).toBe('ServiceAccount');
    expect(bind?.source?.line).toBe(1);
    // restricted Pod Security in prod: no node escape for the deployer
    expect(esc.some((f) => f.message.includes('privileged'))).toBe(false);
  });
});
