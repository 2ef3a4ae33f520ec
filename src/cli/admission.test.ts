import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { runCli } from '../../test/cli-capture.js';
import { generateWebhookTls, type WebhookTls } from '../admission/certs.js';
import { review, testObject } from '../admission/testdata/reviews.js';
import { RULES } from '../rules/registry.js';
import type { CliIO } from './io.js';
import { main } from './main.js';

let dir: string;
let tls: WebhookTls;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'kubeprint-cli-adm-'));
  tls = generateWebhookTls(['127.0.0.1'], 2);
  writeFileSync(join(dir, 'tls.crt'), tls.cert);
  writeFileSync(join(dir, 'tls.key'), tls.key);
  writeFileSync(join(dir, 'kubeprint.yaml'), 'rules:\n  pss-privileged: {mode: warn}\n');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `kubeprint admission serve ARGS` in-process: its port once it listens, its log lines, and its exit. */
async function serve(args: string[]): Promise<{ port: number; lines: string[]; running: Promise<number> }> {
  const lines: string[] = [];
  let onLine: (() => void) | undefined;
  const io: CliIO = {
    stdout: () => {},
    stderr: (t) => {
      lines.push(...t.split('\n').filter(Boolean));
      onLine?.();
    },
    readStdin: async () => '',
    isTTY: false,
    cwd: dir,
    env: {},
  };
  const running = main(['admission', 'serve', ...args], io);
  const port = await new Promise<number>((resolve) => {
    onLine = () => {
      const l = lines
        .map((x) => JSON.parse(x) as { msg: string; port?: number })
        .find((x) => x.msg.includes('listening'));
      if (l?.port) resolve(l.port);
    };
  });
  return { port, lines, running };
}

/** POST an AdmissionReview to the served path; the reply's text. */
function post(port: number, path: string, body: string): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'POST', ca: tls.caCert }, (res) => {
      let t = '';
      res.on('data', (c: Buffer) => {
        t += c.toString();
      });
      res.on('end', () => resolve(t));
    });
    req.on('error', reject);
    req.end(body);
  });
}

describe('kubeprint admission serve', () => {
  it('serves until SIGTERM, then drains and exits 0; logs JSON lines on stderr', async () => {
    const { port, lines, running } = await serve([
      '--tls-cert=tls.crt',
      '--tls-key=tls.key',
      '--port=0',
      '--host=127.0.0.1',
      '--config=kubeprint.yaml',
      '--decision-log=decisions.jsonl',
    ]);
    const body = JSON.stringify(review({ object: testObject('privileged-pod.yaml'), uid: 'cli-1' }));
    const reply = await post(port, '/validate/all', body);
    const r = JSON.parse(reply) as {
      response: { allowed: boolean; warnings?: string[]; status?: { message: string } };
    };
    // --config made pss-privileged a warning; hostPID (pss-host-namespaces) still denies
    expect(r.response.allowed).toBe(false);
    expect(r.response.status?.message).not.toContain('[pss-privileged]');
    expect(r.response.warnings?.some((w) => w.startsWith('[pss-privileged]'))).toBe(true);
    process.emit('SIGTERM');
    expect(await running).toBe(0);
    const msgs = lines.map((l) => (JSON.parse(l) as { msg: string }).msg);
    expect(msgs).toContain('stopped');
    expect(readFileSync(join(dir, 'decisions.jsonl'), 'utf8')).toContain('"uid":"cli-1"');
  });

  it('with an images policy, verifies the images of admitted workloads (a registry that refuses: denied, fail closed)', async () => {
    const { generateKeyPairSync } = await import('node:crypto');
    const { createServer } = await import('node:net');
    const pub = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ type: 'spki', format: 'pem' });
    writeFileSync(join(dir, 'signer.pub'), pub);
    // a port nothing listens on: taken from the kernel, then closed
    const probe = createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', () => r()));
    const host = `127.0.0.1:${(probe.address() as { port: number }).port}`;
    await new Promise<void>((r) => probe.close(() => r()));
    writeFileSync(
      join(dir, 'images.yaml'),
      [
        'images:',
        `  insecureRegistries: ["${host}"]`,
        '  policies:',
        '    - name: ours',
        `      images: ["${host}/**"]`,
        '      signers: [{key: signer.pub}]',
        '',
      ].join('\n'),
    );
    const args = ['--tls-cert=tls.crt', '--tls-key=tls.key', '--port=0', '--host=127.0.0.1'];
    const { port, lines, running } = await serve([...args, '--config=images.yaml']);
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'prod' },
      spec: {
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: { containers: [{ name: 'web', image: `${host}/team/web:1.0` }] },
        },
      },
    };
    const reply = await post(port, '/validate', JSON.stringify(review({ object: deployment, namespace: 'prod' })));
    process.emit('SIGTERM');
    expect(await running).toBe(0);
    const r = JSON.parse(reply) as { response: { allowed: boolean; status?: { message: string } } };
    expect(r.response.allowed).toBe(false);
    expect(r.response.status?.message).toContain('[image-verification-error]');
    expect(r.response.status?.message).toContain(`${host}/team/web:1.0`);
    expect(lines.some((l) => l.includes('image policy configured'))).toBe(true);
    // credentials for registries only make sense with a policy to verify against
    const stray = await runCli(['admission', 'serve', ...args, '--registry-config=docker.json'], { cwd: dir });
    expect(stray.code).toBe(2);
    expect(stray.stderr).toMatch(/--registry-config needs an `images` policy/);
  });

  it('says where it listens, on one line: address, port and certificate', async () => {
    const { port, lines, running } = await serve([
      '--tls-cert=tls.crt',
      '--tls-key=tls.key',
      '--port=0',
      '--host=127.0.0.1',
    ]);
    process.emit('SIGTERM');
    expect(await running).toBe(0);
    const listening = lines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .filter((l) => l.msg === 'admission webhook listening');
    expect(listening).toHaveLength(1);
    expect(listening[0]).toMatchObject({
      address: '127.0.0.1',
      port,
      tlsCert: join(dir, 'tls.crt'),
      certificate: { fingerprint: expect.stringMatching(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/) },
    });
  });

  it.each([
    ['--deadline-ms=0', /--deadline-ms must be milliseconds, an integer from 100 to 30000 \(got "0"\)/],
    ['--deadline-ms=60000', /--deadline-ms must be/],
    ['--deadline-ms=2.5', /--deadline-ms must be/],
    ['--deadline-ms=soon', /--deadline-ms must be/],
    ['--port=70000', /--port must be a TCP port/],
    ['--port=-1', /--port must be a TCP port/],
    ['--max-body-bytes=0', /--max-body-bytes must be a size in bytes/],
    ['--max-body-bytes=100', /--max-body-bytes must be a size in bytes/],
    ['--drain-seconds=-5', /--drain-seconds must be seconds/],
    ['--workers=100', /--workers must be a number of threads/],
    ['--host=not an address', /--host must be an IP address or a host name/],
    ['--host=http://0.0.0.0', /--host must be an IP address or a host name/],
  ])('%s is a usage error, before anything starts', async (flag, message) => {
    const r = await runCli(['admission', 'serve', '--tls-cert=tls.crt', '--tls-key=tls.key', flag], { cwd: dir });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(message);
  });

  it('is a usage error without TLS material, and a one-line error when it cannot be read', async () => {
    const none = await runCli(['admission', 'serve']);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/--tls-cert/);
    const bad = await runCli([
      'admission',
      'serve',
      '--tls-cert',
      join(dir, 'nope.crt'),
      '--tls-key',
      join(dir, 'tls.key'),
    ]);
    expect(bad.code).toBe(2);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/cannot read the TLS certificate/);
  });
});

describe('kubeprint admission vap', () => {
  it('prints a policy and a binding per CEL rule, with the action from the rule mode', async () => {
    const r = await runCli(['admission', 'vap', '--config', join(dir, 'kubeprint.yaml')]);
    expect(r.code).toBe(0);
    const objects = parseAllDocuments(r.stdout).map(
      (d) =>
        d.toJS() as { kind: string; apiVersion: string; spec: { policyName: string; validationActions: string[] } },
    );
    const withCel = RULES.filter((x) => x.cel).length;
    expect(objects.filter((o) => o.kind === 'ValidatingAdmissionPolicy')).toHaveLength(withCel);
    const bindings = objects.filter((o) => o.kind === 'ValidatingAdmissionPolicyBinding');
    expect(bindings).toHaveLength(withCel);
    const action = (rule: string) =>
      bindings.find((b) => b.spec.policyName === `kubeprint-${rule}`)?.spec.validationActions;
    expect(action('pss-privileged')).toEqual(['Warn']);
    expect(action('pss-host-namespaces')).toEqual(['Deny']);
    expect(action('readiness-probe-missing')).toEqual(['Warn']);
    expect(action('liveness-probe-missing')).toEqual(['Audit']);
    for (const o of objects) expect(o.apiVersion).toBe('admissionregistration.k8s.io/v1');
  });

  it('honours no exemption annotation unless the config allows it, and then only for the rules it lists', async () => {
    type Vap = { kind: string; metadata: { name: string }; spec: { matchConditions?: Array<{ name: string }> } };
    const conditions = async (args: string[]) => {
      const r = await runCli(['admission', 'vap', ...args]);
      expect(r.code).toBe(0);
      return new Map(
        parseAllDocuments(r.stdout)
          .map((d) => d.toJS() as Vap)
          .filter((o) => o.kind === 'ValidatingAdmissionPolicy')
          .map((o) => [o.metadata.name, (o.spec.matchConditions ?? []).map((m) => m.name)]),
      );
    };
    const plain = await conditions([]);
    expect([...plain.values()].flat()).toEqual([]);
    writeFileSync(
      join(dir, 'annotations.yaml'),
      'admission:\n  annotationExemptions:\n    rules: [readiness-probe-missing]\n    namespaces: [legacy]\n',
    );
    const allowed = await conditions(['--config', join(dir, 'annotations.yaml')]);
    expect(allowed.get('kubeprint-readiness-probe-missing')).toEqual(['not-exempted']);
    expect(allowed.get('kubeprint-pss-privileged')).toEqual([]);
  });
});
