import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { corpus } from '../../test/helpers/corpora.js';
import type { CliIO } from './io.js';
import { main } from './main.js';

const { path: CORPUS, present } = corpus('netpol-analyzer');
/** Hand-made cases, one folder each, read the way the CLI reads any input. */
const TESTDATA = new URL('./testdata/netpol/', import.meta.url).pathname;

function io(cwd = CORPUS): CliIO & { out: string; err: string } {
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
    cwd,
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

describe('kubeprint netpol on hand-made cases (src/cli/testdata/netpol)', () => {
  /** The reason lines of one pair's block in np-guard's explain text. */
  const pairBlock = (text: string, pair: string) => {
    const start = text.indexOf(`Connections between ${pair}:`);
    expect(start, `no block for ${pair}`).toBeGreaterThanOrEqual(0);
    const end = text.indexOf('-'.repeat(40), start);
    return text.slice(start, end < 0 ? undefined : end);
  };

  it('list --explain: after an AdminNetworkPolicy passes, the NetworkPolicy that denies is still named', async () => {
    const x = io(TESTDATA);
    expect(await main(['netpol', 'list', 'anp-pass-then-netpol-deny', '--explain'], x)).toBe(0);
    expect(pairBlock(x.out, 'a/client[Pod] => b/server[Pod]')).toContain(
      [
        '\tDenied TCP, UDP, SCTP due to the following policies and rules:',
        '\t\tEgress (Allowed) due to the system default (Allow all)',
        '\t\tIngress (Denied)',
        "\t\t\tAdminNetworkPolicy 'pass-ingress' passes connections by Ingress rule pass-from-a",
        "\t\t\tNetworkPolicy 'b/deny-in' selects b/server[Pod], but a/client[Pod] is not allowed by any Ingress rule (no rules defined)",
      ].join('\n'),
    );
  });

  it('list --explain: a rule whose named ports the destination does not define gets the named-port reason', async () => {
    const x = io(TESTDATA);
    expect(await main(['netpol', 'list', 'unmatched-named-port', '--explain'], x)).toBe(0);
    const block = pairBlock(x.out, 'shop/client[Pod] => shop/server[Pod]');
    // no port named "web" on server (ingress), and "http" is TCP on server while the egress rule asks for UDP
    expect(block).toContain(
      "\t\t\tNetworkPolicy 'shop/client-out' selects shop/client[Pod], and Egress rule #1 selects shop/server[Pod], but named ports of the rule have no match in the configuration of the destination peer",
    );
    expect(block).toContain(
      "\t\t\tNetworkPolicy 'shop/server-in' selects shop/server[Pod], and Ingress rule #1 selects shop/client[Pod], but named ports of the rule have no match in the configuration of the destination peer",
    );
    expect(block).not.toContain('the protocols and ports do not match');
    // a rule that also names a port number allows something: its other ports only do not match
    expect(pairBlock(x.out, 'shop/client[Pod] => shop/cache[Pod]')).toContain(
      "NetworkPolicy 'shop/client-out' selects shop/client[Pod], and Egress rule #2 selects shop/cache[Pod], but the protocols and ports do not match",
    );
  });

  it('explain SRC DST names the rule whose named ports the destination does not define', async () => {
    const x = io(TESTDATA);
    expect(await main(['netpol', 'explain', 'shop/client', 'shop/server', 'unmatched-named-port'], x)).toBe(0);
    expect(x.out).toContain(
      'deny  All Connections  by NetworkPolicy shop/client-out isolation (egress[0]: named ports of the rule have no match in the configuration of the destination peer)',
    );
    expect(x.out).toContain(
      'deny  All Connections  by NetworkPolicy shop/server-in isolation (ingress[0]: named ports of the rule have no match in the configuration of the destination peer)',
    );
    const y = io(TESTDATA);
    expect(await main(['netpol', 'explain', 'shop/client', 'shop/cache', 'unmatched-named-port'], y)).toBe(0);
    expect(y.out).toMatch(/deny .* by NetworkPolicy shop\/client-out isolation\n/);
  });

  it('list with no allowed connection says so on stderr (txt) and keeps machine formats empty', async () => {
    const x = io(TESTDATA);
    expect(await main(['netpol', 'list', 'no-connections'], x)).toBe(0);
    // stdout stays empty, as np-guard's txt list (acs_security_frontend_demos_connlist_output.txt is empty)
    expect(x.out).toBe('');
    expect(x.err).toBe('no allowed connections between the workloads and addresses of the input\n');
    const focused = io(TESTDATA);
    expect(await main(['netpol', 'list', 'no-connections', '--focus-workload', 'vault/one'], focused)).toBe(0);
    expect(focused.out).toBe('');
    expect(focused.err).toBe('no allowed connections of the focus workloads\n');
    const expected = { json: '[]\n', csv: 'src,dst,conn\n', md: '| src | dst | conn |\n|-----|-----|------|\n' };
    for (const [format, out] of Object.entries(expected)) {
      const y = io(TESTDATA);
      expect(await main(['netpol', 'list', 'no-connections', '-o', format], y)).toBe(0);
      expect(y.out).toBe(out);
      expect(y.err).toBe('');
    }
    // with connections, nothing is said on stderr
    const z = io(TESTDATA);
    expect(await main(['netpol', 'list', 'unmatched-named-port'], z)).toBe(0);
    expect(z.out).toContain('shop/client[Pod] => shop/cache[Pod] : TCP 6379');
    expect(z.err).toBe('');
  });
});
