import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../test/cli-capture.js';
import { VERIFY_RULE_LIST } from '../engines/supplychain/usage.js';
import { ENGINE_RULES, RULES } from '../rules/registry.js';

const VERIFY_IDS = VERIFY_RULE_LIST.map((r) => r.id);

describe('rules an engine emits (image verification)', () => {
  it('are in the registry beside RULES, never in it, so the per-object scan never runs them', () => {
    expect(ENGINE_RULES.map((r) => r.id)).toEqual(VERIFY_IDS);
    const perObject = new Set(RULES.map((r) => r.id));
    for (const id of VERIFY_IDS) expect(perObject.has(id), id).toBe(false);
  });

  it('kubeprint rules lists them, with what emits them', async () => {
    const json = await runCli(['rules', '-o', 'json', '--category', 'supply-chain']);
    expect(json.code).toBe(0);
    const list = JSON.parse(json.stdout) as Array<{ id: string; needs: string; emittedBy?: string }>;
    for (const id of VERIFY_IDS) {
      const r = list.find((x) => x.id === id);
      expect(r?.needs, id).toBe('engine');
      expect(r?.emittedBy, id).toMatch(/--verify-images/);
    }
    expect(list.find((x) => x.id === 'image-digest-not-pinned')).toMatchObject({ needs: 'object' });
    expect(list.find((x) => x.id === 'image-digest-not-pinned')).not.toHaveProperty('emittedBy');
    const table = await runCli(['rules']);
    expect(table.stdout).toMatch(/^image-signature-unverified +supply-chain +high +.*\[image verification/m);
    expect(table.stdout).toContain(`${RULES.length + ENGINE_RULES.length} rules`);
  });

  it('kubeprint explain describes them', async () => {
    const r = await runCli(['explain', 'image-attestation-unverified']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/judges: reported by image verification \(scan --verify-images, images verify\)/);
    expect(r.stdout).toMatch(/How to fix:\n {2}Attest the image/);
    expect((await runCli(['explain', 'image-signature'])).stderr).toMatch(/did you mean image-signature-unverified/);
  });

  it('scan --verify-images applies rules.<id> from the config; a plain scan never reports them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kubeprint-engine-rules-'));
    writeFileSync(
      join(dir, 'pod.yaml'),
      'apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: n}\nspec:\n  containers:\n    - {name: app, image: registry.invalid/acme/app:1.0}\n',
    );
    // no policy matches, and unmatched images are denied: decided without asking any registry
    writeFileSync(
      join(dir, '.kubeprint.yaml'),
      'images: {unmatched: deny}\nrules:\n  image-no-policy: {severity: critical}\n',
    );
    const severities = async (args: string[]) => {
      const r = await runCli(['scan', 'pod.yaml', '-o', 'json', '--fail-on', 'none', ...args], { cwd: dir });
      expect(r.code, r.stderr).toBe(0);
      const out = JSON.parse(r.stdout) as { findings: Array<{ ruleId: string; severity: string }> };
      return out.findings.filter((f) => VERIFY_IDS.includes(f.ruleId)).map((f) => `${f.ruleId} ${f.severity}`);
    };
    expect(await severities(['--verify-images'])).toEqual(['image-no-policy critical']);
    expect(await severities([])).toEqual([]);
    writeFileSync(
      join(dir, '.kubeprint.yaml'),
      'images: {unmatched: deny}\nrules:\n  image-no-policy: {enabled: false}\n',
    );
    expect(await severities(['--verify-images'])).toEqual([]);
  });
});
