// The admission webhook under load on loopback: `kubeprint admission serve`
// runs as its own process (the built CLI, full rule set, decision log on);
// this script sends AdmissionReviews at fixed rates, open loop (each request
// leaves at its scheduled time whether or not earlier ones have answered, and
// latency counts from that time, so a stall is not hidden), over keep-alive
// HTTPS connections. Reviews are a realistic mix: every object of the rules'
// fixtures of a kind the webhook is registered for (Deployments, Pods,
// StatefulSets, CronJobs, Services, RBAC, ...), CREATE and UPDATE, and 1%
// malformed bodies (which must get 400). Prints, per rate: throughput,
// p50/p99/max latency, errors, the server's RSS before, during and after, the
// CPU each side spent per review, the event-loop delay of the server (from its
// /metrics) and of this load generator (a stall in either is latency), and how
// many new TLS connections the server accepted (keep-alive, as the API
// server's webhook client does: after warm-up this should stay near 0).
//
//   npm run bench:admission -- [--duration SECONDS] [--rates 500,1000] [--connections 32]
//                              [--mix hostile|normal] [--workers N] [--profile] [--server-node-flags "--trace-gc"]
//
// The hostile mix (the default; `--mix normal` leaves it out) adds, in the
// same stream, 1% oversize reviews (6.5 MB, over the 4 MiB body limit: they
// must get 413 or have their connection closed, never be read and judged)
// and 0.5% reviews of 1.4 MB that are judged (a Deployment at the 100-container
// budget padded with env vars, a ConfigMap of 35,000 keys, a Secret holding
// one 1.4 MB value): figures are printed for the normal reviews apart.
//
// Targets: normal mix, p99 under 5 ms at 1,000 requests/s with the full rule
// set, zero errors, flat RSS over the run; hostile mix, at 500/s the p99 of
// the normal reviews under 20 ms and no review slower than the webhook
// timeout (5 s).
import { spawn } from 'node:child_process';
import { lstatSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { createServer as createNetServer } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { parseAllDocuments } from 'yaml';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '60' },
    rates: { type: 'string', default: '500,1000' },
    connections: { type: 'string', default: '32' },
    warmup: { type: 'string', default: '5' },
    mix: { type: 'string', default: 'hostile' },
    // judging threads of the server (--workers; default: the CLI's)
    workers: { type: 'string' },
    profile: { type: 'boolean', default: false },
    // extra node flags for the server process only (e.g. "--trace-gc"), for diagnosis
    'server-node-flags': { type: 'string', default: '' },
  },
});
const DURATION = Number(values.duration);
const RATES = values.rates.split(',').map(Number);
const CONNECTIONS = Number(values.connections);
const WARMUP = Number(values.warmup);
if (values.mix !== 'hostile' && values.mix !== 'normal') {
  console.error('bench:admission: --mix is hostile or normal');
  process.exit(2);
}
const HOSTILE = values.mix === 'hostile';
/** The webhook timeout `admission manifests` registers for /validate: no review may take longer. */
const WEBHOOK_TIMEOUT_MS = 5000;

const { generateWebhookTls } = await import(pathToFileURL(join(REPO, 'dist/admission/certs.js')).href);
const { webhookRules } = await import(pathToFileURL(join(REPO, 'dist/admission/manifests.js')).href);

// --- the review mix -------------------------------------------------------
const RESOURCES = new Map();
for (const r of webhookRules()) for (const res of r.resources) RESOURCES.set(res, r.apiGroups[0]);
const kindToResource = (kind) => {
  const plural = kind.toLowerCase().endsWith('y') ? `${kind.toLowerCase().slice(0, -1)}ies` : `${kind.toLowerCase()}s`;
  return RESOURCES.has(plural) ? plural : undefined;
};

function* yamlFiles(dir) {
  for (const n of readdirSync(dir)) {
    const p = join(dir, n);
    // fixtures include symbolic links (some in loops): each file is read where it lies
    const st = lstatSync(p);
    if (st.isDirectory()) yield* yamlFiles(p);
    else if (st.isFile() && /\.ya?ml$/.test(n) && !n.startsWith('config')) yield p;
  }
}

const objects = [];
for (const pillar of readdirSync(join(REPO, 'src/rules'))) {
  const dir = join(REPO, 'src/rules', pillar, 'fixtures');
  try {
    statSync(dir);
  } catch {
    continue;
  }
  for (const f of yamlFiles(dir)) {
    for (const doc of parseAllDocuments(readFileSync(f, 'utf8'))) {
      if (doc.errors.length) continue;
      const o = doc.toJS();
      if (!o || typeof o !== 'object' || typeof o.kind !== 'string' || typeof o.apiVersion !== 'string') continue;
      const resource = kindToResource(o.kind);
      // the webhook's namespaceSelector leaves kube-system out: its objects never reach it
      if (resource && o.metadata?.namespace !== 'kube-system') objects.push({ o, resource });
    }
  }
}
if (objects.length === 0) {
  console.error('bench:admission: no fixture objects found under src/rules/*/fixtures');
  process.exit(2);
}

// Each object's review is serialised once, around a uid placeholder: a request
// then costs the load generator one string concatenation, as the API server
// serialises each review once. The bytes on the wire are the same as a fresh
// JSON.stringify per request.
const UID_MARK = '\u0000UID\u0000';
const templates = [];
for (const { o, resource } of objects) {
  const [group, version] = o.apiVersion.includes('/') ? o.apiVersion.split('/') : ['', o.apiVersion];
  for (const update of [false, true]) {
    const text = JSON.stringify({
      apiVersion: 'admission.k8s.io/v1',
      kind: 'AdmissionReview',
      request: {
        uid: UID_MARK,
        kind: { group, version, kind: o.kind },
        resource: { group, version, resource },
        name: o.metadata?.name,
        namespace: o.metadata?.namespace ?? 'default',
        operation: update ? 'UPDATE' : 'CREATE',
        userInfo: { username: 'system:serviceaccount:ci:deployer', groups: ['system:serviceaccounts'] },
        object: o,
        oldObject: update ? o : null,
        dryRun: false,
      },
    });
    const at = text.indexOf(JSON.stringify(UID_MARK));
    templates.push([text.slice(0, at + 1), text.slice(at + JSON.stringify(UID_MARK).length - 1)]);
  }
}

let uidCounter = 0;
function reviewBody(i) {
  // 25% UPDATE (with oldObject), 75% CREATE
  const [head, tail] = templates[(i % objects.length) * 2 + (i % 4 === 3 ? 1 : 0)];
  return `${head}bench-${++uidCounter}${tail}`;
}
// 1% malformed: a valid review cut short, or one that lacks its uid
function malformedBody(i) {
  const b = reviewBody(i);
  return i % 2 === 0 ? b.slice(0, Math.floor(b.length / 2)) : b.replace(/"uid":"[^"]*",/, '');
}

// --- the hostile reviews -------------------------------------------------
// 1% over the body limit (6.5 MB: the size that stalled the webhook for 8 s in
// issue #13), 0.5% of 1.4 MB that must be judged; each serialised once, with
// the uid placeholder as for the normal reviews.
function hostileTemplate(object, resource, group = '') {
  const version = object.apiVersion.includes('/') ? object.apiVersion.split('/')[1] : object.apiVersion;
  const text = JSON.stringify({
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: UID_MARK,
      kind: { group, version, kind: object.kind },
      resource: { group, version, resource },
      name: object.metadata.name,
      namespace: 'bench',
      operation: 'CREATE',
      userInfo: { username: 'system:serviceaccount:ci:deployer', groups: ['system:serviceaccounts'] },
      object,
      oldObject: null,
      dryRun: false,
    },
  });
  const at = text.indexOf(JSON.stringify(UID_MARK));
  return [text.slice(0, at + 1), text.slice(at + JSON.stringify(UID_MARK).length - 1)];
}
const MB = 1_000_000;
function paddedConfigMap(name, bytes, keys) {
  const per = Math.max(1, Math.floor(bytes / keys) - 12);
  const data = {};
  for (let i = 0; i < keys; i++) data[`k${i}`] = 'v'.repeat(per);
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'bench' }, data };
}
function heavyDeployment(bytes) {
  const containers = 100;
  const envPer = Math.floor(bytes / containers / 60);
  const c = (i) => ({
    name: `c${i}`,
    image: `registry.example.com/team/app-${i}:1.0`,
    env: Array.from({ length: envPer }, (_, k) => ({ name: `SETTING_${k}`, value: `value-${i}-${k}-abcdefghij` })),
    securityContext: { privileged: true },
  });
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'heavy', namespace: 'bench' },
    spec: {
      selector: { matchLabels: { app: 'heavy' } },
      template: {
        metadata: { labels: { app: 'heavy' } },
        spec: { containers: Array.from({ length: containers }, (_, i) => c(i)) },
      },
    },
  };
}
const oversizeTemplate = hostileTemplate(paddedConfigMap('oversize', 6.5 * MB, 200), 'configmaps');
const largeTemplates = [
  hostileTemplate(heavyDeployment(1.4 * MB), 'deployments', 'apps'),
  hostileTemplate(paddedConfigMap('many-keys', 1.4 * MB, 35_000), 'configmaps'),
  hostileTemplate(
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'sh.helm.release.v1.big.v7', namespace: 'bench' },
      type: 'helm.sh/release.v1',
      data: { release: Buffer.alloc(1.05 * MB, 7).toString('base64') },
    },
    'secrets',
  ),
];
const sizes = [oversizeTemplate, ...largeTemplates].map(([h, t]) => ((h.length + t.length) / MB).toFixed(2));
/** What request i is: 'oversize' (1%), 'large' (0.5%), 'malformed' (1%) or 'normal'. */
function classOf(i) {
  if (i % 100 === 37) return 'malformed';
  if (!HOSTILE) return 'normal';
  if (i % 100 === 61) return 'oversize';
  if (i % 200 === 113) return 'large';
  return 'normal';
}
let largeCounter = 0;

// --- the server -----------------------------------------------------------
const dir = mkdtempSync(join(tmpdir(), 'kubeprint-bench-adm-'));
const tls = generateWebhookTls(['127.0.0.1', 'localhost'], 2);
writeFileSync(join(dir, 'tls.crt'), tls.cert);
writeFileSync(join(dir, 'tls.key'), tls.key);
// a port the kernel hands out now (from the ephemeral range, which the test harnesses stay below)
const port = await new Promise((res, rej) => {
  const probe = createNetServer();
  probe.once('error', rej);
  probe.listen(0, '127.0.0.1', () => {
    const p = probe.address().port;
    probe.close(() => res(p));
  });
});
const server = spawn(
  process.execPath,
  [
    ...(values.profile ? ['--cpu-prof', `--cpu-prof-dir=${join(REPO, 'bench/out/admission-prof')}`] : []),
    ...values['server-node-flags'].split(' ').filter(Boolean),
    join(REPO, 'dist/cli/main.js'),
    'admission',
    'serve',
    `--tls-cert=${join(dir, 'tls.crt')}`,
    `--tls-key=${join(dir, 'tls.key')}`,
    `--port=${port}`,
    '--host=127.0.0.1',
    `--decision-log=${join(dir, 'decisions.jsonl')}`,
    '--log-level=warn',
    ...(values.workers !== undefined ? [`--workers=${values.workers}`] : []),
  ],
  // with diagnostic flags (--trace-gc prints to stdout), the server's stdout goes to bench/out/admission-server.log
  { stdio: ['ignore', values['server-node-flags'] ? 'pipe' : 'ignore', 'pipe'] },
);
if (server.stdout) {
  const { createWriteStream, mkdirSync } = await import('node:fs');
  mkdirSync(join(REPO, 'bench/out'), { recursive: true });
  server.stdout.pipe(createWriteStream(join(REPO, 'bench/out/admission-server.log')));
}
let serverLog = '';
server.stderr.on('data', (c) => {
  serverLog = (serverLog + c.toString()).slice(-4000);
});
const cleanup = () => {
  if (server.exitCode === null) server.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
};
process.on('exit', cleanup);

/** CPU seconds (user + system) the server process has used. */
function serverCpu() {
  try {
    const f = readFileSync(`/proc/${server.pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

function rssMB() {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${server.pid}/status`, 'utf8'));
    return m ? Math.round(Number(m[1]) / 1024) : Number.NaN;
  } catch {
    return Number.NaN;
  }
}

const agent = new Agent({ keepAlive: true, maxSockets: CONNECTIONS, ca: tls.caCert });
function send(path, body, timeoutMs = 5000) {
  return new Promise((res) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: body === undefined ? 'GET' : 'POST',
        agent,
        headers: { 'content-type': 'application/json' },
      },
      (r) => {
        const chunks = [];
        r.on('data', (c) => chunks.push(c));
        r.on('end', () => res({ status: r.statusCode ?? 0, body: Buffer.concat(chunks).toString() }));
        r.on('error', () => res({ status: 0, body: '' }));
      },
    );
    req.setTimeout(timeoutMs, () => req.destroy(new Error('timeout')));
    req.on('error', () => res({ status: 0, body: '' }));
    req.end(body);
  });
}

// The hostile reviews leave from a thread of their own: encrypting 6.5 MB
// bodies would otherwise stall this thread's event loop, and the normal
// reviews' latency (measured here) would count the load generator's stall.
// Latency is counted from the scheduled time on the shared clock
// (performance.timeOrigin + now), as for the normal reviews.
const HOSTILE_SENDER = `
const { parentPort, workerData } = require('node:worker_threads');
const { Agent, request } = require('node:https');
const { port, ca, templates, timeoutMs } = workerData;
const agent = new Agent({ keepAlive: true, maxSockets: 8, ca });
let n = 0;
parentPort.on('message', ({ i, cls, template, scheduledEpoch }) => {
  const [head, tail] = templates[template];
  const body = head + 'bench-h' + ++n + tail;
  const done = (status, text) =>
    parentPort.postMessage({ i, cls, status, ok: text.includes('"uid":"bench-h'), ms: performance.timeOrigin + performance.now() - scheduledEpoch });
  const req = request({ host: '127.0.0.1', port, path: '/validate/all', method: 'POST', agent, headers: { 'content-type': 'application/json' } }, (r) => {
    const chunks = [];
    r.on('data', (c) => chunks.push(c));
    r.on('end', () => done(r.statusCode || 0, Buffer.concat(chunks).toString()));
    r.on('error', () => done(0, ''));
  });
  req.setTimeout(timeoutMs, () => req.destroy(new Error('timeout')));
  req.on('error', () => done(0, ''));
  req.end(body);
});
`;
const hostileSender = HOSTILE
  ? new Worker(HOSTILE_SENDER, {
      eval: true,
      workerData: {
        port,
        ca: tls.caCert,
        templates: [oversizeTemplate, ...largeTemplates],
        timeoutMs: WEBHOOK_TIMEOUT_MS * 2,
      },
    })
  : undefined;
const hostileReplies = new Map();
hostileSender?.on('message', (m) => {
  hostileReplies.get(m.i)?.(m);
  hostileReplies.delete(m.i);
});
/** Send a hostile review from the sender thread; resolves to its status, whether the uid came back, and its latency. */
function sendHostile(i, cls, scheduled) {
  return new Promise((resolve) => {
    hostileReplies.set(i, resolve);
    const template = cls === 'oversize' ? 0 : 1 + (largeCounter++ % largeTemplates.length);
    hostileSender.postMessage({ i, cls, template, scheduledEpoch: performance.timeOrigin + scheduled });
  });
}

for (let t = Date.now(); ; ) {
  if ((await send('/readyz')).status === 200) break; // ready: its judging workers have started
  if (server.exitCode !== null || Date.now() - t > 15_000) {
    console.error(`bench:admission: the server did not start:\n${serverLog}`);
    process.exit(2);
  }
  await new Promise((r) => setTimeout(r, 100));
}

/** The server's own latency histogram (request received → response written): cumulative counts by bucket. */
async function serverHistogram() {
  const text = (await send('/metrics')).body;
  const out = new Map();
  for (const m of text.matchAll(/kubeprint_admission_request_duration_seconds_bucket\{le="([^"]+)"\} (\d+)/g))
    out.set(m[1], Number(m[2]));
  return out;
}

/** The server's event-loop delay over its last 10 s window (ms), and its TLS handshakes so far. */
async function serverLoop() {
  const text = (await send('/metrics')).body;
  const q = (k) =>
    Number(
      new RegExp(`kubeprint_admission_event_loop_delay_seconds\\{quantile="${k}"\\} (\\S+)`).exec(text)?.[1] ??
        Number.NaN,
    ) * 1000;
  const hs = Number(/kubeprint_admission_tls_handshakes_total (\d+)/.exec(text)?.[1] ?? 0);
  return { p99: q('0.99'), max: q('1'), handshakes: hs };
}

/** The bucket bound under which a share `q` of the requests between two histograms fell ("≤ 5 ms"). */
function bucketQuantile(before, after, q) {
  const total = (after.get('+Inf') ?? 0) - (before.get('+Inf') ?? 0);
  for (const [le, n] of after) {
    if (n - (before.get(le) ?? 0) >= q * total) return le === '+Inf' ? '> 5 s' : `≤ ${Number(le) * 1000} ms`;
  }
  return '?';
}

// --- open-loop load at a fixed rate -------------------------------------
async function runAt(rate, seconds, label) {
  const hist0 = await serverHistogram();
  const total = Math.round(rate * seconds);
  const lat = new Float64Array(total);
  const classes = new Array(total);
  let errors = 0;
  let done = 0;
  let malformed = 0;
  const errorKinds = new Map();
  const start = performance.now();
  const rss = [];
  const loops = [];
  const rssTimer = setInterval(() => {
    rss.push(rssMB());
    void serverLoop().then((l) => loops.push(l));
  }, 5000);
  const handshakes0 = (await serverLoop()).handshakes;
  // the load generator's own event-loop delay: a stall here shows up as latency too
  // (its samples are whole timer intervals: the 10 ms resolution is taken off below)
  const ownLoop = monitorEventLoopDelay({ resolution: 10 });
  ownLoop.enable();
  const cpu0 = serverCpu();
  const own0 = process.cpuUsage();
  await new Promise((finish) => {
    let sent = 0;
    const tick = () => {
      const due = Math.min(total, Math.floor(((performance.now() - start) / 1000) * rate) + 1);
      for (; sent < due; sent++) {
        const i = sent;
        const scheduled = start + (i / rate) * 1000;
        const cls = classOf(i);
        classes[i] = cls;
        if (cls === 'malformed') malformed++;
        const reply =
          cls === 'oversize' || cls === 'large'
            ? sendHostile(i, cls, scheduled).then((m) => ({
                status: m.status,
                body: m.ok ? '"uid":"bench-' : '',
                ms: m.ms,
              }))
            : send('/validate/all', cls === 'malformed' ? malformedBody(i) : reviewBody(i), WEBHOOK_TIMEOUT_MS * 2);
        reply.then((r) => {
          lat[i] = r.ms ?? performance.now() - scheduled;
          // an oversize body is refused unread: 413, or the connection closed while it was being sent
          const ok =
            cls === 'malformed'
              ? r.status === 400
              : cls === 'oversize'
                ? r.status === 413 || r.status === 0
                : r.status === 200 && r.body.includes('"uid":"bench-');
          if (!ok) {
            errors++;
            const k = `${cls} → ${r.status}`;
            errorKinds.set(k, (errorKinds.get(k) ?? 0) + 1);
          }
          if (++done === total) finish();
        });
      }
      if (sent < total) setTimeout(tick, 1);
    };
    tick();
  });
  clearInterval(rssTimer);
  ownLoop.disable();
  const handshakes = (await serverLoop()).handshakes - handshakes0;
  const serverCpuMs = ((serverCpu() - cpu0) * 1000) / total;
  const hist1 = await serverHistogram();
  const serverP50 = bucketQuantile(hist0, hist1, 0.5);
  const serverP99 = bucketQuantile(hist0, hist1, 0.99);
  const own = process.cpuUsage(own0);
  const clientCpuMs = (own.user + own.system) / 1000 / total;
  const wall = (performance.now() - start) / 1000;
  const sorted = Array.from(lat).sort((a, b) => a - b);
  const pct = (p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
  // per class: the normal reviews' own tail is the figure the hostile mix must not spoil
  const byClass = {};
  for (const cls of ['normal', 'malformed', 'oversize', 'large']) {
    const xs = Array.from(lat)
      .filter((_, i) => classes[i] === cls)
      .sort((a, b) => a - b);
    if (xs.length === 0) continue;
    const q = (p) => xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
    byClass[cls] = { n: xs.length, p50: q(50), p99: q(99), max: xs[xs.length - 1] };
  }
  return {
    label,
    rate,
    requests: total,
    throughput: total / wall,
    byClass,
    p50: pct(50),
    p99: pct(99),
    max: sorted[sorted.length - 1],
    errors,
    errorKinds: Object.fromEntries(errorKinds),
    malformed,
    rss,
    serverCpuMs,
    clientCpuMs,
    serverP50,
    serverP99,
    handshakes,
    clientLoop: {
      p99: Math.max(0, ownLoop.percentile(99) / 1e6 - 10),
      max: Math.max(0, ownLoop.max / 1e6 - 10),
    },
    serverLoop: {
      p99: Math.max(...loops.map((l) => l.p99).filter(Number.isFinite)),
      max: Math.max(...loops.map((l) => l.max).filter(Number.isFinite)),
    },
  };
}

const fmt = (n) => n.toFixed(2);
console.log(
  `bench:admission — ${objects.length} fixture objects (${new Set(objects.map((x) => x.o.kind)).size} kinds), 25% UPDATE, 1% malformed${HOSTILE ? `, 1% oversize (${sizes[0]} MB), 0.5% large (${sizes.slice(1).join(', ')} MB)` : ''}; ${CONNECTIONS} keep-alive connections; server: node ${process.version}, full rule set, decision log on; load average at start ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);
await runAt(200, WARMUP, 'warm-up');
const rssBefore = rssMB();
console.log(`server RSS before: ${rssBefore} MB`);
console.log(
  'rate/s   requests  throughput/s  p50 ms  p99 ms  max ms  errors  server CPU ms/review  client CPU ms/review  RSS during (MB, every 5 s)',
);
let failed = false;
for (const rate of RATES) {
  const r = await runAt(rate, DURATION, `${rate}/s`);
  console.log(
    `${String(rate).padEnd(8)} ${String(r.requests).padEnd(9)} ${fmt(r.throughput).padEnd(13)} ${fmt(r.p50).padEnd(7)} ${fmt(r.p99).padEnd(7)} ${fmt(r.max).padEnd(7)} ${String(r.errors).padEnd(7)} ${fmt(r.serverCpuMs).padEnd(21)} ${fmt(r.clientCpuMs).padEnd(20)} ${r.rss.join(' ')}`,
  );
  console.log(`  inside the server (its histogram): p50 ${r.serverP50}, p99 ${r.serverP99}`);
  console.log(
    `  event-loop delay: server p99 ${fmt(r.serverLoop.p99)} ms, max ${fmt(r.serverLoop.max)} ms (worst 10 s window); load generator p99 ${fmt(r.clientLoop.p99)} ms, max ${fmt(r.clientLoop.max)} ms; new TLS connections ${r.handshakes}`,
  );
  if (r.errors) console.log(`  errors: ${JSON.stringify(r.errorKinds)}`);
  if (HOSTILE)
    for (const [cls, c] of Object.entries(r.byClass))
      console.log(
        `  ${cls.padEnd(9)} n=${String(c.n).padEnd(7)} p50 ${fmt(c.p50)} ms  p99 ${fmt(c.p99)} ms  max ${fmt(c.max)} ms`,
      );
  console.log(
    `  load average now: ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}`,
  );
  // RSS trend: least-squares slope over the samples (every 5 s), and over the second half alone
  const slope = (ys) => {
    const pts = ys.map((y, i) => [i * 5, y]).filter(([, y]) => Number.isFinite(y));
    if (pts.length < 3) return Number.NaN;
    const mx = pts.reduce((a, [x]) => a + x, 0) / pts.length;
    const my = pts.reduce((a, [, y]) => a + y, 0) / pts.length;
    const num = pts.reduce((a, [x, y]) => a + (x - mx) * (y - my), 0);
    const den = pts.reduce((a, [x]) => a + (x - mx) ** 2, 0);
    return (num / den) * 60;
  };
  console.log(
    `  server RSS: first ${r.rss[0]} MB, last ${r.rss[r.rss.length - 1]} MB, min ${Math.min(...r.rss)}, max ${Math.max(...r.rss)}; slope ${fmt(slope(r.rss))} MB/min over the run, ${fmt(slope(r.rss.slice(Math.floor(r.rss.length / 2))))} MB/min over its second half`,
  );
  if (!HOSTILE && rate >= 1000 && (r.p99 >= 5 || r.errors > 0)) failed = true;
  if (HOSTILE && rate === 500) {
    const normal = r.byClass.normal;
    const met = normal.p99 < 20 && r.max < WEBHOOK_TIMEOUT_MS && r.errors === 0;
    console.log(
      `  hostile-mix target at 500/s (normal p99 < 20 ms, every review < ${WEBHOOK_TIMEOUT_MS} ms, no errors): ${met ? 'met' : 'missed'}`,
    );
    if (!met) failed = true;
  }
}
const rssAfter = rssMB();
console.log(`server RSS after: ${rssAfter} MB (${rssAfter - rssBefore >= 0 ? '+' : ''}${rssAfter - rssBefore} MB)`);
const metrics = await send('/metrics');
const count = /kubeprint_admission_request_duration_seconds_count (\d+)/.exec(metrics.body)?.[1];
console.log(
  `server counted ${count} reviews; machine: ${cpus().length} CPUs, load average ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')}`,
);
server.kill('SIGTERM');
await new Promise((r) => server.once('exit', r));
agent.destroy();
await hostileSender?.terminate();
if (!HOSTILE && RATES.some((r) => r >= 1000))
  console.log(
    failed ? 'target missed: p99 < 5 ms with zero errors at 1,000/s' : 'target met at 1,000/s: p99 < 5 ms, zero errors',
  );
