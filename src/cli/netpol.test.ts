import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CliIO } from './io.js';
import { main } from './main.js';

const CORPUS = join(process.cwd(), '../shared/corpora/netpol-analyzer');
const present = existsSync(CORPUS);

function io(): CliIO & { out: string; err: string } {
  const r = {
    out: '',
    err: '',
    stdout: (t: string) => {
      r.out += t;
    },
    stderr: (t: string) => {
      r.err += t;
    },
    readStdin: async () => '',
    isTTY: false,
    cwd: CORPUS,
    env: {},
  };
  return r;
}

const lines = (s: string) => new Set(s.split('\n').filter((l) => l.trim() !== ''));

describe.skipIf(!present)(`kubeprint netpol (reads ${CORPUS})`, () => {
  it('list prints the connectivity of a case, through loadInputs', async () => {
    const x = io();
    expect(await main(['netpol', 'list', 'tests/acs-security-demos'], x)).toBe(0);
    expect(lines(x.out)).toEqual(
      lines(readFileSync(join(CORPUS, 'test_outputs/connlist/acs-security-demos_connlist_output.txt'), 'utf8')),
    );
  });
  it('list -o csv and --focus-workload', async () => {
    const x = io();
    expect(
      await main(['netpol', 'list', 'tests/acs-security-demos', '-o', 'csv', '--focus-workload', 'frontend/webapp'], x),
    ).toBe(0);
    const out = x.out.split('\n').filter(Boolean);
    expect(out[0]).toBe('src,dst,conn');
    expect(out.slice(1).every((l) => l.includes('frontend/webapp[Deployment]'))).toBe(true);
    expect(out.length).toBe(6);
  });
  it('diff A B', async () => {
    const x = io();
    expect(
      await main(['netpol', 'diff', 'tests/acs-security-demos', 'tests/acs-security-demos-added-workloads'], x),
    ).toBe(0);
    const expected = readFileSync(
      join(CORPUS, 'test_outputs/diff/diff_between_acs-security-demos-added-workloads_and_acs-security-demos.txt'),
      'utf8',
    );
    expect(lines(x.out)).toEqual(lines(expected));
  });
  it('explain names the policy rule that allows a port', async () => {
    const x = io();
    expect(
      await main(['netpol', 'explain', 'frontend/webapp', 'backend/checkout', 'tests/acs-security-demos'], x),
    ).toBe(0);
    expect(x.out).toContain('frontend/webapp[Deployment] => backend/checkout[Deployment] : TCP 8080');
    expect(x.out).toMatch(/allow +TCP 8080 +by NetworkPolicy backend\/\S+ ingress\[0\]/);
  });
  it('a bad policy stops with exit 2 and names the object and field', async () => {
    const x = io();
    expect(await main(['netpol', 'list', 'tests/bad_netpols/subdir1'], x)).toBe(2);
    expect(x.err).toMatch(/NetworkPolicy .*\/spec\/.*ipBlock\/cidr.*invalid CIDR/);
    expect(x.out).toBe('');
  });
  it('list --exposure appends the exposure analysis (np-guard text, exactly)', async () => {
    const x = io();
    expect(
      await main(
        ['netpol', 'list', 'tests/onlineboutique_workloads', '--exposure', '--focus-workload', 'default/loadgenerator'],
        x,
      ),
    ).toBe(0);
    const expected = readFileSync(
      join(
        CORPUS,
        'test_outputs/connlist/onlineboutique_workloads_focus_workload_default_loadgenerator_exposure_output.txt',
      ),
      'utf8',
    );
    expect(x.out.trimEnd()).toBe(expected.trimEnd());
    const z = io();
    expect(
      await main(['netpol', 'list', 'tests/anp_demo', '--exposure', '--focus-conn', 'udp-52', '-o', 'csv'], z),
    ).toBe(0);
    expect(z.out.trimEnd()).toBe(
      readFileSync(join(CORPUS, 'test_outputs/connlist/anp_demo_udp-52_exposure_output.csv'), 'utf8').trimEnd(),
    );
    const y = io();
    expect(await main(['netpol', 'list', 'tests/acs-security-demos', '--exposure', '-o', 'dot'], y)).toBe(0);
    expect(y.out.trimEnd()).toBe(
      readFileSync(join(CORPUS, 'test_outputs/connlist/acs-security-demos_exposure_output.dot'), 'utf8').trimEnd(),
    );
  });
  it('list --explain prints np-guard explain output, exactly; other formats are a usage error', async () => {
    const x = io();
    expect(await main(['netpol', 'list', 'tests/acs-security-demos', '--explain'], x)).toBe(0);
    const expected = readFileSync(join(CORPUS, 'test_outputs/connlist/acs-security-demos_explain_output.txt'), 'utf8');
    expect(x.out.trimEnd()).toBe(expected.trimEnd());
    const y = io();
    expect(await main(['netpol', 'list', 'tests/acs-security-demos', '--explain', '-o', 'json'], y)).toBe(2);
    expect(y.err.trim().split('\n')).toHaveLength(1);
  });

  it('usage errors exit 2', async () => {
    const x = io();
    expect(await main(['netpol', 'frobnicate', 'x'], x)).toBe(2);
    expect(x.err).toContain('unknown netpol subcommand');
  });
});
