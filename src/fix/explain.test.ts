import { describe, expect, it } from 'vitest';
import { runCli } from '../../test/cli-capture.js';
import { RULE_CATALOGUE } from '../rules/registry.js';
import { FIXERS } from './registry.js';

describe('kubeprint explain says whether a rule has a fixer', () => {
  it('names the fixer, its safety and what it writes', async () => {
    const r = await runCli(['explain', 'pss-allow-privilege-escalation']);
    expect(r.stdout).toMatch(/^Fixer \(kubeprint fix, safe\): sets securityContext\.allowPrivilegeEscalation: false/m);
    const review = await runCli(['explain', 'readonly-root-filesystem']);
    expect(review.stdout).toMatch(/^Fixer \(kubeprint fix, review, with --include-review\): /m);
  });

  it('says why a rule has none', async () => {
    const r = await runCli(['explain', 'pss-privileged']);
    expect(r.stdout).toMatch(/^Fixer: none, because a privileged container usually needs its privileges/m);
  });

  it('every fixer belongs to a rule of the catalogue', () => {
    const ids = new Set(RULE_CATALOGUE.map((r) => r.id));
    for (const f of FIXERS) expect(ids.has(f.ruleId), f.ruleId).toBe(true);
  });
});

describe('the reasons of rules without a fixer', () => {
  it('name rules that exist', async () => {
    const { NO_FIXER_IDS } = await import('./registry.js');
    const ids = new Set(RULE_CATALOGUE.map((r) => r.id));
    for (const id of NO_FIXER_IDS) expect(ids.has(id), id).toBe(true);
  });
});
