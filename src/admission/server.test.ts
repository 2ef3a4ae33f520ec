import { X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../config/config.js';
import { RULES } from '../rules/registry.js';
import type { Rule } from '../rules/rule.js';
import { generateWebhookTls, type WebhookTls } from './certs.js';
import { admissionPolicy, DEFAULT_BUDGET, decide } from './decide.js';
import { parseAdmissionReview } from './review.js';
import { DEFAULT_MAX_BODY_BYTES, startWebhookServer, type WebhookServer } from './server.js';
import { review, testObject } from './testdata/reviews.js';
import { heavyPod, TS_WORKER } from './testdata/workers.js';

interface Reply {
  status: number;
  body: string;
  headers: Record<string, string | string[] | undefined>;
}

function call(
  srv: WebhookServer,
  ca: string,
  path: string,
  body?: string | Buffer,
  opts: { method?: string } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${srv.url}${path}`,
      {
        method: opts.method ?? (body === undefined ? 'GET' : 'POST'),
        ca,
        headers: { 'content-type': 'application/json' },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => {
          text += c;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, headers: res.headers }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

describe('admission webhook server', () => {
  let dir: string;
  let tls: WebhookTls;
  let srv: WebhookServer;
  const logs: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kubeprint-wh-'));
    tls = generateWebhookTls(['localhost', '127.0.0.1'], 2);
    writeFileSync(join(dir, 'tls.crt'), tls.cert);
    writeFileSync(join(dir, 'tls.key'), tls.key);
    srv = await startWebhookServer({
      policy: admissionPolicy({}),
      tlsCert: join(dir, 'tls.crt'),
      tlsKey: join(dir, 'tls.key'),
      host: '127.0.0.1',
      decisionLog: join(dir, 'decisions.jsonl'),
      log: (l) => logs.push(l),
      maxBodyBytes: 256 * 1024,
      deadlineMs: 400,
      certPollMs: 200,
    });
  });
  afterAll(async () => {
    await srv?.close(1000);
    rmSync(dir, { recursive: true, force: true });
  });

  /** The decision-log entry of a uid: decisions are written in batches, and the stream flushes asynchronously. */
  async function decisionLogged(uid: string): Promise<Record<string, unknown> | undefined> {
    for (let waited = 0; waited < 5000; waited += 20) {
      const line = readFileSync(join(dir, 'decisions.jsonl'), 'utf8')
        .split('\n')
        .find((l) => l.includes(`"uid":"${uid}"`));
      if (line) return JSON.parse(line) as Record<string, unknown>;
      await new Promise((r) => setTimeout(r, 20));
    }
    return undefined;
  }

  it('says once at start-up which rules it skips for lack of cluster state', () => {
    const lines = logs.map((l) => JSON.parse(l) as { msg: string; rules?: string[] });
    const skipped = lines.filter((l) => l.msg.includes('need cluster state'));
    expect(skipped).toHaveLength(1);
    expect(skipped[0]?.rules).toContain('pdb-missing');
    expect(
      lines.some((l) => l.msg.includes('need configuration') && l.rules?.includes('image-registry-not-allowed')),
    ).toBe(true);
  });

  it('answers 400 with a reason to malformed reviews and keeps serving', async () => {
    for (const body of ['', '{', 'null', '{"kind":"AdmissionReview"}', JSON.stringify(review({}))]) {
      const r = await call(srv, tls.caCert, '/validate', body);
      expect(r.status, body).toBe(400);
      expect((JSON.parse(r.body) as { error: string }).error).toMatch(/^malformed AdmissionReview: /);
    }
    expect((await call(srv, tls.caCert, '/healthz')).status).toBe(200);
  });

  it('denies a violating Pod and allows a compliant Deployment over TLS', async () => {
    const denied = await call(
      srv,
      tls.caCert,
      '/validate',
      JSON.stringify(review({ object: testObject('privileged-pod.yaml'), uid: 'u-deny' })),
    );
    expect(denied.status).toBe(200);
    const d = JSON.parse(denied.body) as {
      apiVersion: string;
      kind: string;
      response: { uid: string; allowed: boolean; status: { message: string } };
    };
    expect(d.apiVersion).toBe('admission.k8s.io/v1');
    expect(d.kind).toBe('AdmissionReview');
    expect(d.response.uid).toBe('u-deny');
    expect(d.response.allowed).toBe(false);
    expect(d.response.status.message).toContain('[pss-privileged]');

    const ok = await call(
      srv,
      tls.caCert,
      '/validate',
      JSON.stringify(review({ object: testObject('compliant-deployment.yaml'), uid: 'u-ok' })),
    );
    expect(JSON.parse(ok.body)).toEqual({
      apiVersion: 'admission.k8s.io/v1',
      kind: 'AdmissionReview',
      response: { uid: 'u-ok', allowed: true },
    });

    const advisory = await call(
      srv,
      tls.caCert,
      '/validate/advisory',
      JSON.stringify(review({ object: testObject('privileged-pod.yaml') })),
    );
    const a = JSON.parse(advisory.body) as { response: { allowed: boolean; warnings: string[] } };
    expect(a.response.allowed).toBe(true);
    expect(a.response.warnings.some((w) => w.startsWith('[readiness-probe-missing]'))).toBe(true);
  });

  it('writes each decision to the decision log', async () => {
    await call(
      srv,
      tls.caCert,
      '/validate/all',
      JSON.stringify(review({ object: testObject('privileged-pod.yaml'), uid: 'u-log', dryRun: true })),
    );
    const entry = await decisionLogged('u-log');
    expect(entry).toMatchObject({
      uid: 'u-log',
      user: 'alice',
      dryRun: true,
      decision: 'denied',
      object: { apiVersion: 'v1', kind: 'Pod', namespace: 'default', name: 'root-shell' },
    });
    expect(typeof entry?.time).toBe('string');
    expect(((entry?.rules ?? []) as Array<{ ruleId: string }>).map((r) => r.ruleId)).toContain('pss-privileged');
  });

  it('serves health, readiness and Prometheus metrics', async () => {
    expect((await call(srv, tls.caCert, '/readyz')).status).toBe(200);
    const m = await call(srv, tls.caCert, '/metrics');
    expect(m.status).toBe(200);
    expect(m.body).toMatch(/kubeprint_admission_requests_total\{path="\/validate",code="400"\} [1-9]/);
    expect(m.body).toMatch(
      /kubeprint_admission_decisions_total\{path="\/validate",operation="CREATE",decision="denied"\} [1-9]/,
    );
    expect(m.body).toMatch(/kubeprint_admission_rule_violations_total\{rule="pss-privileged",effect="deny"\} [1-9]/);
    expect(m.body).toMatch(/kubeprint_admission_request_duration_seconds_bucket\{le="\+Inf"\} [1-9]/);
    expect(m.body).toMatch(/kubeprint_admission_request_duration_seconds_count [1-9]/);
    expect(Number(/kubeprint_admission_tls_handshakes_total (\d+)/.exec(m.body)?.[1])).toBeGreaterThanOrEqual(1);
    // idle connections outlive the API server's own idle timeout (90 s): the client closes them, not the server
    expect(m.headers['keep-alive']).toBe('timeout=120');
    expect((await call(srv, tls.caCert, '/nope')).status).toBe(404);
    expect((await call(srv, tls.caCert, '/validate')).status).toBe(405);
  });

  it('refuses bodies over the limit with 413', async () => {
    const big = JSON.stringify(
      review({ object: { ...testObject('privileged-pod.yaml'), pad: 'x'.repeat(300 * 1024) } }),
    );
    const r = await call(srv, tls.caCert, '/validate', big);
    expect(r.status).toBe(413);
    expect(logs.some((l) => l.includes('review body over the limit'))).toBe(true);
    expect((await call(srv, tls.caCert, '/metrics')).body).toMatch(
      /kubeprint_admission_body_too_large_total\{path="\/validate"\} [1-9]/,
    );
  });

  it('decides a review over budget by the failure policy of its path, and logs and counts it', async () => {
    const pod = manyContainers(DEFAULT_BUDGET.maxContainers + 1);
    const enforce = await call(srv, tls.caCert, '/validate', JSON.stringify(review({ object: pod, uid: 'u-big' })));
    expect(enforce.status).toBe(200);
    const e = JSON.parse(enforce.body) as { response: { uid: string; allowed: boolean; status: { message: string } } };
    expect(e.response.uid).toBe('u-big');
    expect(e.response.allowed).toBe(false);
    expect(e.response.status.message).toMatch(/did not judge .*101 containers.*failurePolicy Fail/);
    const advisory = await call(srv, tls.caCert, '/validate/advisory', JSON.stringify(review({ object: pod })));
    const a = JSON.parse(advisory.body) as { response: { allowed: boolean; warnings: string[] } };
    expect(a.response.allowed).toBe(true);
    expect(a.response.warnings[0]).toMatch(/admitted by failurePolicy Ignore/);
    const line = logs
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => l.uid === 'u-big' && String(l.msg).startsWith('review over budget'));
    expect(line).toMatchObject({ level: 'warn', limit: 'containers', actual: 101, failurePolicy: 'Fail' });
    const m = await call(srv, tls.caCert, '/metrics');
    expect(m.body).toMatch(
      /kubeprint_admission_over_budget_total\{path="\/validate",limit="containers",failure_policy="Fail"\} 1/,
    );
  });

  it('bounds the answer and the decision log entry: the first violations, the rest counted', async () => {
    const pod = manyContainers(DEFAULT_BUDGET.maxContainers, `-${'x'.repeat(2000)}`);
    const r = await call(srv, tls.caCert, '/validate/all', JSON.stringify(review({ object: pod, uid: 'u-many' })));
    expect(r.status).toBe(200);
    expect(r.body.length).toBeLessThan(50_000);
    const e = (await decisionLogged('u-many')) as {
      rules: unknown[];
      counts: { total: number; byRule: Record<string, number> };
    };
    expect(JSON.stringify(e).length).toBeLessThan(50_000);
    expect(e.rules).toHaveLength(20);
    expect(e.counts.total).toBeGreaterThan(200);
    expect(e.counts.byRule['image-tag-latest']).toBe(DEFAULT_BUDGET.maxContainers);
    const info = logs.find((l) => l.includes('"uid":"u-many"') && l.includes('"msg":"decision"'));
    expect(info?.length).toBeLessThan(20_000);
  });

  it('answers 408 when the review does not arrive before the deadline', async () => {
    const r = await new Promise<Reply>((resolve, reject) => {
      const req = request(
        `${srv.url}/validate`,
        { method: 'POST', ca: tls.caCert, headers: { 'content-length': '1000' } },
        (res) => {
          let text = '';
          res.on('data', (c: Buffer) => {
            text += c.toString();
          });
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, headers: res.headers }));
        },
      );
      req.on('error', reject);
      req.write('{"apiVersion":'); // and then nothing
    });
    expect(r.status).toBe(408);
  });

  it('survives random garbage', async () => {
    const base = JSON.stringify(review({ object: testObject('privileged-pod.yaml') }));
    let seed = 42;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let i = 0; i < 150; i++) {
      const chars = base.split('');
      for (let k = 0; k < 1 + rand(5); k++) chars[rand(chars.length)] = String.fromCharCode(32 + rand(90));
      const r = await call(srv, tls.caCert, '/validate/all', chars.join(''));
      expect([200, 400]).toContain(r.status);
    }
    // structurally odd but valid JSON
    for (const object of [
      { apiVersion: 'v1', kind: 'Pod', spec: { containers: 'x' } },
      { apiVersion: 'apps/v1', kind: 'Deployment', spec: null },
      { apiVersion: 'v1', kind: 'Pod', metadata: [] },
    ]) {
      const r = await call(srv, tls.caCert, '/validate/all', JSON.stringify(review({ object })));
      expect(r.status).toBe(200);
    }
    expect((await call(srv, tls.caCert, '/healthz')).status).toBe(200);
  });

  it('reloads its certificate when the files change', async () => {
    const served = () =>
      new Promise<string>((resolve, reject) => {
        const s = connect(
          { host: '127.0.0.1', port: srv.port, ca: next.caCert + tls.caCert, servername: 'localhost' },
          () => {
            const raw = s.getPeerCertificate().raw;
            s.end();
            resolve(new X509Certificate(raw).fingerprint256);
          },
        );
        s.on('error', reject);
      });
    const next = generateWebhookTls(['localhost', '127.0.0.1'], 2);
    const before = await served();
    expect(before).toBe(new X509Certificate(tls.cert).fingerprint256);
    writeFileSync(join(dir, 'tls.key'), next.key);
    writeFileSync(join(dir, 'tls.crt'), next.cert);
    const want = new X509Certificate(next.cert).fingerprint256;
    const deadline = Date.now() + 5000;
    let now = before;
    while (Date.now() < deadline && now !== want) {
      await new Promise((r) => setTimeout(r, 100));
      now = await served();
    }
    expect(now).toBe(want);
    expect(logs.some((l) => l.includes('serving certificate reloaded'))).toBe(true);
    tls = { ...next };
  });
});

/** A Pod with `n` privileged containers running nginx:latest (several enforce violations each), names padded by `pad`. */
function manyContainers(n: number, pad = ''): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'many' },
    spec: {
      hostPID: true,
      containers: Array.from({ length: n }, (_, i) => ({
        name: `c${i}${pad}`,
        image: 'nginx:latest',
        securityContext: { privileged: true },
      })),
    },
  };
}

/** A server of its own in a temporary folder: no log, no certificate watching. */
async function quietServer(
  deadlineMs: number,
  policy = admissionPolicy({}),
): Promise<{ dir: string; tls: WebhookTls; srv: WebhookServer }> {
  const dir = mkdtempSync(join(tmpdir(), 'kubeprint-wh-'));
  const tls = generateWebhookTls(['127.0.0.1'], 2);
  writeFileSync(join(dir, 'tls.crt'), tls.cert);
  writeFileSync(join(dir, 'tls.key'), tls.key);
  const srv = await startWebhookServer({
    policy,
    tlsCert: join(dir, 'tls.crt'),
    tlsKey: join(dir, 'tls.key'),
    host: '127.0.0.1',
    log: () => {},
    deadlineMs,
    watchCertificates: false,
  });
  return { dir, tls, srv };
}

describe('deadline from the API server', () => {
  it('answers before the timeout the API server gives in ?timeout=', async () => {
    const { dir, tls, srv } = await quietServer(20_000);
    try {
      const t0 = Date.now();
      const status = await new Promise<number>((resolve, reject) => {
        const req = request(
          `${srv.url}/validate?timeout=1s`,
          { method: 'POST', ca: tls.caCert, headers: { 'content-length': '1000' } },
          (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode ?? 0));
          },
        );
        req.on('error', reject);
        req.write('{');
      });
      expect(status).toBe(408);
      // 1 s less a margin, far below the configured 20 s
      expect(Date.now() - t0).toBeLessThan(5000);
    } finally {
      await srv.close(100);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('graceful shutdown', () => {
  it('drains in-flight requests, then refuses new connections', async () => {
    const { dir, tls, srv } = await quietServer(3000);
    try {
      const body = JSON.stringify(review({ object: testObject('privileged-pod.yaml'), uid: 'in-flight' }));
      let req!: ReturnType<typeof request>;
      const reply = new Promise<Reply>((resolve, reject) => {
        req = request(
          `${srv.url}/validate`,
          { method: 'POST', ca: tls.caCert, headers: { 'content-length': Buffer.byteLength(body) } },
          (res) => {
            let text = '';
            res.on('data', (c: Buffer) => {
              text += c.toString();
            });
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text, headers: res.headers }));
          },
        );
        req.on('error', reject);
      });
      req.write(body.slice(0, 100));
      const t0 = Date.now();
      while (srv.inFlight() === 0 && Date.now() - t0 < 2000) await new Promise((r) => setTimeout(r, 10));
      expect(srv.inFlight()).toBe(1);
      let closed = false;
      const closing = srv.close(5000).then(() => {
        closed = true;
      });
      await new Promise((r) => setTimeout(r, 100));
      expect(closed).toBe(false);
      req.end(body.slice(100));
      const r = await reply;
      expect(r.status).toBe(200);
      expect((JSON.parse(r.body) as { response: { uid: string } }).response.uid).toBe('in-flight');
      await closing;
      await expect(call(srv, tls.caCert, '/healthz')).rejects.toThrow();
    } finally {
      await srv.close(100);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('bounded work', () => {
  it("reads bodies up to 4 MiB by default (an UPDATE of two objects at etcd's limit); a larger one gets 413 unread", async () => {
    expect(DEFAULT_MAX_BODY_BYTES).toBe(4 * 1024 * 1024);
    const { dir, tls, srv } = await quietServer(10_000);
    try {
      const padded = (bytes: number) => {
        const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'big' }, data: { blob: '' } };
        const empty = JSON.stringify(review({ object: cm })).length;
        cm.data.blob = 'x'.repeat(bytes - empty);
        return JSON.stringify(review({ object: cm }));
      };
      const fits = padded(DEFAULT_MAX_BODY_BYTES - 1024);
      expect((await call(srv, tls.caCert, '/validate', fits)).status).toBe(200);
      const over = padded(DEFAULT_MAX_BODY_BYTES + 1024);
      expect((await call(srv, tls.caCert, '/validate', over)).status).toBe(413);
    } finally {
      await srv.close(100);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('answers a small review while a large one is being judged', async () => {
    // a policy whose rules take a while on one kind: while they run, the test
    // (in the same process) can only send the small review if judging pauses
    let judging = false;
    const slow: Rule[] = Array.from({ length: 60 }, (_, i) => ({
      id: `slow-${i}`,
      title: 'slow',
      category: 'governance',
      severity: 'low',
      description: 'takes a few milliseconds',
      remediation: 'none',
      references: [],
      appliesTo: ['ConfigMap'],
      needs: 'object',
      check() {
        judging = true;
        const until = performance.now() + 3;
        while (performance.now() < until);
        return undefined;
      },
    }));
    const { dir, tls, srv } = await quietServer(10_000, admissionPolicy({ rules: [...slow, ...RULES] }));
    try {
      const order: string[] = [];
      const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'slow' }, data: { a: 'b' } };
      const heavy = call(srv, tls.caCert, '/validate/all', JSON.stringify(review({ object: cm }))).then((r) =>
        order.push(`heavy ${r.status}`),
      );
      while (!judging) await new Promise((r) => setImmediate(r));
      const light = call(
        srv,
        tls.caCert,
        '/validate/all',
        JSON.stringify(review({ object: testObject('compliant-deployment.yaml'), namespace: 'shop' })),
      ).then((r) => order.push(`light ${r.status}`));
      await Promise.all([heavy, light]);
      expect(order).toEqual(['light 200', 'heavy 200']);
    } finally {
      await srv.close(100);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('judging workers', () => {
  /** A server whose reviews above 512 bytes are judged by a worker thread. */
  async function withWorker(config = '') {
    const dir = mkdtempSync(join(tmpdir(), 'kubeprint-wh-'));
    const tls = generateWebhookTls(['127.0.0.1'], 2);
    writeFileSync(join(dir, 'tls.crt'), tls.cert);
    writeFileSync(join(dir, 'tls.key'), tls.key);
    const logs: string[] = [];
    const policy = admissionPolicy({ config: parseConfig(config || '{}\n', 'c.yaml') });
    const srv = await startWebhookServer({
      policy,
      tlsCert: join(dir, 'tls.crt'),
      tlsKey: join(dir, 'tls.key'),
      host: '127.0.0.1',
      log: (l) => logs.push(l),
      watchCertificates: false,
      workers: 1,
      inlineMaxBytes: 512,
      ...TS_WORKER,
    });
    // not ready until its worker has started (from the TypeScript sources here: seconds)
    expect((await call(srv, tls.caCert, '/readyz')).body).toBe('starting\n');
    while ((await call(srv, tls.caCert, '/readyz')).status !== 200) await new Promise((r) => setTimeout(r, 100));
    return { dir, tls, srv, logs, policy };
  }

  it('judges a large review in a worker, with the same answer as the server thread', async () => {
    const { dir, tls, srv, policy } = await withWorker();
    try {
      const body = JSON.stringify(review({ object: testObject('privileged-pod.yaml'), uid: 'w-1' }));
      expect(body.length).toBeGreaterThan(512);
      const r = await call(srv, tls.caCert, '/validate/all', body);
      expect(r.status).toBe(200);
      const parsed = parseAdmissionReview(body);
      if (!parsed.ok) throw new Error(parsed.reason);
      expect(JSON.parse(r.body)).toEqual({
        apiVersion: 'admission.k8s.io/v1',
        kind: 'AdmissionReview',
        response: decide(parsed.request, policy, 'all').response,
      });
      const bad = await call(srv, tls.caCert, '/validate/all', `{"apiVersion":${' '.repeat(2000)}`);
      expect(bad.status).toBe(400);
    } finally {
      await srv.close(100);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('answers a review the worker has not judged in time by the failure policy, with its uid', async () => {
    const { dir, tls, srv, logs } = await withWorker('admission: {budget: {timeMs: 1}}\n');
    try {
      const heavy = (uid: string) => JSON.stringify(review({ object: heavyPod(), uid, namespace: 'prod' }));
      const enforce = await call(srv, tls.caCert, '/validate', heavy('late-1'));
      expect(enforce.status).toBe(200);
      const e = JSON.parse(enforce.body) as {
        response: { uid: string; allowed: boolean; status: { message: string } };
      };
      expect(e.response.uid).toBe('late-1');
      expect(e.response.allowed).toBe(false);
      expect(e.response.status.message).toMatch(
        /did not judge this Pod in namespace "prod": judging took longer than the 1 ms it may take.*failurePolicy Fail/,
      );
      const advisory = await call(srv, tls.caCert, '/validate/advisory', heavy('late-2'));
      const a = JSON.parse(advisory.body) as { response: { uid: string; allowed: boolean; warnings: string[] } };
      expect(a.response).toMatchObject({ uid: 'late-2', allowed: true });
      expect(a.response.warnings[0]).toMatch(/admitted by failurePolicy Ignore/);
      expect(logs.some((l) => l.includes('"uid":"late-1"') && l.includes('review over budget'))).toBe(true);
      // a small review is still judged in the server's thread
      const small = await call(
        srv,
        tls.caCert,
        '/validate',
        JSON.stringify({ ...review({ object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } } }) }),
      );
      expect((JSON.parse(small.body) as { response: { allowed: boolean } }).response.allowed).toBe(true);
    } finally {
      await srv.close(100);
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
