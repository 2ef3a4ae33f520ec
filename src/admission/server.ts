/**
 * The validating webhook: HTTPS (TLS 1.2+) for AdmissionReview v1, a thin
 * adapter over `judge`. Bounded in what it reads (body size, per-request
 * deadline) and in what one review may cost (the budget: containers, JSON
 * values, time; judging pauses between rules so that other reviews are
 * answered meanwhile), in what it writes (denials, warnings and log entries
 * list the first violations and count the rest); never crashes on input (a
 * malformed review is HTTP 400 with a reason), reloads its certificate when
 * the files change, and drains in-flight requests on close.
 */

import { X509Certificate } from 'node:crypto';
import { createWriteStream, readFileSync, unwatchFile, type WriteStream, watch, watchFile } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { dirname } from 'node:path';
import { createSecureContext } from 'node:tls';
import { KubeprintError } from '../errors.js';
import {
  type AdmissionPolicy,
  budgetOf,
  type Decision,
  judge,
  maxViolationsOf,
  overBudgetDecision,
  type WebhookPath,
} from './decide.js';
import { JudgePool, workerScriptExists } from './judge-pool.js';
import { DEFAULT_DEADLINE_MS, DEFAULT_MAX_BODY_BYTES } from './limits.js';
import { AdmissionMetrics } from './metrics.js';
import { type AdmissionRequest, parseAdmissionReview, reviewResponse } from './review.js';
import { type DecisionSummary, summarize } from './summary.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface WebhookServerOptions {
  policy: AdmissionPolicy;
  /** PEM files; reloaded when they change. */
  tlsCert: string;
  tlsKey: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Address to listen on (default 0.0.0.0). */
  host?: string;
  /** Largest request body accepted (default `DEFAULT_MAX_BODY_BYTES`, 4 MiB); a larger one gets 413 unread. */
  maxBodyBytes?: number;
  /**
   * Time from a request's arrival to its answer (default 2500 ms, below the
   * webhook's timeoutSeconds): a body not received by then gets 408, a review
   * not judged by then the failure policy's decision.
   */
  deadlineMs?: number;
  /** Append every decision as a JSON line to this file. */
  decisionLog?: string;
  /** Where JSON log lines go (default stderr). */
  log?: (line: string) => void;
  logLevel?: LogLevel;
  /** Watch the certificate files and reload on change (default true). */
  watchCertificates?: boolean;
  /** Polling interval for the certificate files, beside fs.watch (default 2000 ms). */
  certPollMs?: number;
  /**
   * Worker threads that judge large reviews (default 0: every review in the
   * server's thread). Used only without a cluster cache or an images policy
   * (their state lives in the server's thread).
   */
  workers?: number;
  /** Bodies up to this size are judged in the server's thread (default 64 KiB); larger ones by a worker. */
  inlineMaxBytes?: number;
  /** The workers' script (default: judge-worker.js beside the server) and more workerData for it (tests). */
  workerScript?: URL;
  workerData?: Record<string, unknown>;
  /**
   * How long an idle keep-alive connection stays open (default 120 s): longer
   * than the API server's idle timeout (Go's 90 s), so that the client closes
   * idle connections, never the server just as the client sends the next
   * review on one (a reset the API server would count as a webhook failure).
   */
  keepAliveMs?: number;
}

export interface WebhookServer {
  readonly port: number;
  /** https://HOST:PORT */
  readonly url: string;
  readonly metrics: AdmissionMetrics;
  /** Requests being answered now. */
  inFlight(): number;
  /** Read the certificate files again; false (old certificate kept) when they are unreadable or do not match. */
  reloadCertificates(): boolean;
  /** Stop accepting, let in-flight requests finish (at most drainMs, default 10 s), then close everything. */
  close(drainMs?: number): Promise<void>;
}

export { DEFAULT_DEADLINE_MS, DEFAULT_MAX_BODY_BYTES };

const ROUTES: Record<string, WebhookPath> = {
  '/validate': 'enforce',
  '/validate/advisory': 'advisory',
  '/validate/all': 'all',
};

/**
 * Start the webhook.
 *
 * @example
 * const srv = await startWebhookServer({ policy: admissionPolicy({}), tlsCert: 'tls.crt', tlsKey: 'tls.key' });
 * @throws KubeprintError READ_FAILED when the certificate or key cannot be read or do not match
 */
export async function startWebhookServer(opts: WebhookServerOptions): Promise<WebhookServer> {
  const maxBody = opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const deadlineMs = opts.deadlineMs ?? DEFAULT_DEADLINE_MS;
  const maxListed = maxViolationsOf(opts.policy.config);
  const budget = budgetOf(opts.policy.config);
  const inlineMaxBytes = opts.inlineMaxBytes ?? 64 * 1024;
  const sink = opts.log ?? ((line: string) => process.stderr.write(line));
  const minLevel = LEVELS[opts.logLevel ?? 'info'];
  const enabled = (level: LogLevel) => LEVELS[level] >= minLevel;
  const log = (level: LogLevel, msg: string, fields: Record<string, unknown> = {}) => {
    if (LEVELS[level] < minLevel) return;
    sink(`${JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields })}\n`);
  };
  const metrics = new AdmissionMetrics();
  metrics.startLoopDelay();
  const decisionLog: WriteStream | undefined = opts.decisionLog
    ? createWriteStream(opts.decisionLog, { flags: 'a' })
    : undefined;
  decisionLog?.on('error', (err) => log('error', 'decision log write failed', { error: err.message }));
  // Decisions are batched into one write every few milliseconds: one syscall per request costs more than the rules.
  let pendingLines: string[] = [];
  let flushTimer: NodeJS.Timeout | undefined;
  const flushDecisions = () => {
    flushTimer = undefined;
    if (pendingLines.length === 0 || !decisionLog) return;
    decisionLog.write(pendingLines.join(''));
    pendingLines = [];
  };
  const appendDecision = (line: string) => {
    pendingLines.push(line);
    if (pendingLines.length >= 256) flushDecisions();
    else flushTimer ??= setTimeout(flushDecisions, 20);
  };

  const tls = readTls(opts.tlsCert, opts.tlsKey);
  // Large reviews are parsed and judged in worker threads, which can be
  // stopped when a review runs out of time; the cluster cache and image
  // verification live in this thread, so with them every review is judged
  // here (pausing between rules).
  let pool: JudgePool | undefined;
  const wanted = opts.workers ?? 0;
  if (wanted > 0) {
    if (opts.policy.neighbours || opts.policy.images)
      log('info', 'judging every review in the server thread: the cluster cache and image verification live there', {});
    else if (!workerScriptExists(opts.workerScript))
      log('info', 'judging every review in the server thread: the worker script is not built', {});
    else
      pool = new JudgePool({
        size: wanted,
        config: opts.policy.config,
        ...(opts.workerScript ? { script: opts.workerScript } : {}),
        ...(opts.workerData ? { workerData: opts.workerData } : {}),
        log: (level, msg, fields) => log(level, msg, fields),
      });
  }
  // not ready until a worker has started: until then every review is judged here
  let poolReady = pool === undefined;
  void pool?.ready.then(() => {
    poolReady = true;
  });
  let certFingerprint = tls.fingerprint;
  let inFlight = 0;
  let draining = false;
  const drained: Array<() => void> = [];

  const server: Server = createServer(
    { cert: tls.cert, key: tls.key, minVersion: 'TLSv1.2' },
    (req: IncomingMessage, res: ServerResponse) => {
      inFlight++;
      let done = false;
      res.on('close', () => {
        if (done) return;
        done = true;
        inFlight--;
        if (inFlight === 0) for (const d of drained.splice(0)) d();
      });
      try {
        handle(req, res);
      } catch (err) {
        // never crash on input: anything unexpected is a 500 with a reason
        log('error', 'request failed', { error: err instanceof Error ? err.message : String(err) });
        if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
      }
    },
  );
  server.keepAliveTimeout = opts.keepAliveMs ?? 120_000;
  server.on('secureConnection', () => metrics.tlsHandshakes.inc([]));
  server.on('clientError', (_err, socket) => socket.destroy());
  server.on('tlsClientError', () => {});

  function sendJson(res: ServerResponse, code: number, body: unknown, route = 'other'): void {
    if (res.headersSent) return;
    metrics.requests.inc([route, String(code)]);
    const text = JSON.stringify(body);
    const headers: Record<string, string | number> = {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(text),
    };
    // 408 and 413 leave a body unread on the connection; anything else keeps it alive
    if (draining || code === 408 || code === 413) headers.connection = 'close';
    res.writeHead(code, headers);
    res.end(text);
  }

  function sendText(res: ServerResponse, code: number, text: string, route: string, type = 'text/plain'): void {
    metrics.requests.inc([route, String(code)]);
    const headers: Record<string, string | number> = {
      'content-type': type,
      'content-length': Buffer.byteLength(text),
    };
    if (draining) headers.connection = 'close';
    res.writeHead(code, headers);
    res.end(text);
  }

  function handle(req: IncomingMessage, res: ServerResponse): void {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const pathname = q < 0 ? url : url.slice(0, q);
    if (pathname === '/healthz') {
      sendText(res, 200, 'ok\n', pathname);
      return;
    }
    if (pathname === '/readyz') {
      const state = draining ? 'draining' : poolReady ? 'ok' : 'starting';
      sendText(res, state === 'ok' ? 200 : 503, `${state}\n`, pathname);
      return;
    }
    if (pathname === '/metrics') {
      sendText(res, 200, metrics.render(), pathname, 'text/plain; version=0.0.4; charset=utf-8');
      return;
    }
    const path = ROUTES[pathname];
    if (!path) {
      sendJson(res, 404, { error: `no such path ${pathname}` });
      return;
    }
    if (req.method !== 'POST') {
      sendJson(res, 405, { error: 'use POST' }, pathname);
      return;
    }
    const started = performance.now();
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBody) {
      // not read at all: the answer closes the connection
      req.pause();
      tooLarge(res, pathname, declared);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let finished = false;
    // the API server says how long it will wait (`?timeout=10s`): answer before that
    const told = q < 0 ? undefined : /(?:^|&)timeout=(\d+)s(?:&|$)/.exec(url.slice(q + 1))?.[1];
    const deadline = told ? Math.min(deadlineMs, Math.max(100, Number(told) * 1000 - 500)) : deadlineMs;
    const timer = setTimeout(() => {
      if (finished) return;
      finished = true;
      log('warn', 'request deadline passed before the review arrived', { path: pathname, deadlineMs: deadline });
      sendJson(res, 408, { error: `review not received within ${deadline} ms` }, pathname);
      req.destroy();
    }, deadline);
    req.on('data', (c: Buffer) => {
      if (finished) return;
      size += c.length;
      if (size > maxBody) {
        finished = true;
        clearTimeout(timer);
        tooLarge(res, pathname, size);
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('error', () => {
      finished = true;
      clearTimeout(timer);
    });
    req.on('end', () => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      try {
        const body = Buffer.concat(chunks);
        if (pool && poolReady && !pool.broken && body.length > inlineMaxBytes)
          viaPool(body, path, pathname, res, started, deadline);
        else review(body.toString('utf8'), path, pathname, res, started, deadline);
      } catch (err) {
        log('error', 'review failed', { error: err instanceof Error ? err.message : String(err) });
        sendJson(res, 500, { error: 'internal error' }, pathname);
      }
    });
  }

  /** 413, unread: the API server applies the webhook's failure policy to it. */
  function tooLarge(res: ServerResponse, route: string, bytes: number): void {
    metrics.tooLarge.inc([route]);
    log('warn', 'review body over the limit: not read (the failure policy decides)', {
      path: route,
      bytes,
      maxBodyBytes: maxBody,
    });
    sendJson(res, 413, { error: `body larger than ${maxBody} bytes` }, route);
  }

  /** A large review, judged by a worker within its time; the failure policy decides when it runs out. */
  function viaPool(
    body: Buffer,
    path: WebhookPath,
    route: string,
    res: ServerResponse,
    started: number,
    deadline: number,
  ): void {
    // what the answer needs if the review runs out of time unread: the start of the body
    const head = body.subarray(0, 4096).toString('latin1');
    const end = started + Math.min(deadline, budget.timeMs);
    (pool as JudgePool).judge(body, path, route, end).then((o) => {
      if ('malformed' in o) {
        log('warn', 'malformed admission review', { path: route, reason: o.malformed });
        sendJson(res, 400, { error: `malformed AdmissionReview: ${o.malformed}` }, route);
      } else if ('failed' in o) {
        log('error', 'review failed', { path: route, error: o.failed });
        sendJson(res, 500, { error: 'internal error' }, route);
      } else if ('timedOut' in o) {
        const req = requestHead(head);
        if (!req) {
          // no uid to answer with: an HTTP error, and the API server applies the failure policy
          log('warn', 'review over budget: not judged, and its uid could not be read', { path: route });
          sendJson(res, 500, { error: 'review not judged in time' }, route);
        } else {
          const d = overBudgetDecision(req, opts.policy, path, {
            limit: 'time',
            actual: Math.round(performance.now() - started),
            max: Math.round(end - started),
          });
          sendJson(res, 200, reviewResponse(d.response), route);
          record(summarize(req, d, route, maxListed), route);
        }
      } else {
        sendJson(res, 200, reviewResponse(o.response), route);
        record(o.summary, route);
      }
      metrics.observe((performance.now() - started) / 1000);
    });
  }

  function review(
    body: string,
    path: WebhookPath,
    route: string,
    res: ServerResponse,
    started: number,
    deadline: number,
  ): void {
    const parsed = parseAdmissionReview(body);
    if (!parsed.ok) {
      log('warn', 'malformed admission review', { path: route, reason: parsed.reason });
      sendJson(res, 400, { error: `malformed AdmissionReview: ${parsed.reason}` }, route);
      metrics.observe((performance.now() - started) / 1000);
      return;
    }
    const req = parsed.request;
    const answer = (d: Decision): void => {
      sendJson(res, 200, reviewResponse(d.response), route);
      metrics.observe((performance.now() - started) / 1000);
      record(summarize(req, d, route, maxListed), route);
    };
    judge(req, opts.policy, path, { deadline: started + deadline }).then(answer, (err: unknown) => {
      log('error', 'review failed', { error: err instanceof Error ? err.message : String(err) });
      sendJson(res, 500, { error: 'internal error' }, route);
    });
  }

  function record(d: DecisionSummary, route: string): void {
    metrics.decisions.inc([route, d.operation, d.decision]);
    for (const [rule, effect, n] of d.effects) metrics.ruleDecisions.inc([rule, effect], n);
    if (d.ignored !== undefined) {
      if (enabled('debug')) log('debug', 'request ignored', { uid: d.uid, why: d.ignored });
      return;
    }
    const over = d.overBudget;
    if (over) {
      metrics.overBudget.inc([route, over.limit, over.failurePolicy]);
      log('warn', 'review over budget: not judged, the failure policy decided', {
        uid: d.uid,
        user: d.user,
        object: d.object,
        path: route,
        ...over,
        decision: d.decision,
      });
    }
    const entry = {
      time: new Date().toISOString(),
      uid: d.uid,
      path: route,
      operation: d.operation,
      dryRun: d.dryRun,
      user: d.user,
      object: d.object,
      decision: d.decision,
      ...(over ? { overBudget: over } : {}),
      rules: d.rules,
      ...(d.counts ? { counts: d.counts } : {}),
    };
    if (decisionLog) appendDecision(`${JSON.stringify(entry)}\n`);
    // the log fields are built only when the level is on: this runs for every review
    if (d.rules.length > 0 || (d.decision === 'denied' && !over)) {
      if (enabled('info'))
        log('info', 'decision', {
          uid: d.uid,
          user: d.user,
          object: d.object,
          decision: d.decision,
          dryRun: d.dryRun,
          rules: d.rules.map((v) => ({
            id: v.ruleId,
            mode: v.mode,
            ...(v.exempted !== undefined ? { exempted: true } : {}),
          })),
          ...(d.counts ? { counts: d.counts } : {}),
        });
    } else if (!over && enabled('debug'))
      log('debug', 'decision', { uid: d.uid, object: d.object, decision: d.decision });
  }

  function reloadCertificates(): boolean {
    try {
      const next = readTls(opts.tlsCert, opts.tlsKey);
      if (next.fingerprint === certFingerprint) return true;
      server.setSecureContext({ cert: next.cert, key: next.key, minVersion: 'TLSv1.2' });
      log('info', 'serving certificate reloaded', { fingerprint: next.fingerprint, notAfter: next.notAfter });
      certFingerprint = next.fingerprint;
      return true;
    } catch (err) {
      // a half-written pair during a rotation: keep serving the old one, the next change retries
      log('warn', 'certificate reload failed; keeping the current certificate', {
        error: err instanceof Error ? err.message : String(err),
      });
      return false;
    }
  }

  // Kubernetes swaps mounted Secrets by renaming a symlinked folder, which
  // fs.watch on the file would miss: watch the folders, and poll as a fallback.
  const stopWatching: Array<() => void> = [];
  if (opts.watchCertificates !== false) {
    let pending: NodeJS.Timeout | undefined;
    const schedule = () => {
      if (pending) clearTimeout(pending);
      pending = setTimeout(() => {
        pending = undefined;
        reloadCertificates();
      }, 100);
      pending.unref();
    };
    for (const dir of new Set([dirname(opts.tlsCert), dirname(opts.tlsKey)])) {
      try {
        const w = watch(dir, schedule);
        w.on('error', () => {});
        w.unref();
        stopWatching.push(() => w.close());
      } catch {
        // polling below still works
      }
    }
    for (const f of [opts.tlsCert, opts.tlsKey]) {
      watchFile(f, { interval: opts.certPollMs ?? 2000, persistent: false }, schedule);
      stopWatching.push(() => unwatchFile(f, schedule));
    }
    stopWatching.push(() => pending && clearTimeout(pending));
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', (err) => {
      metrics.stopLoopDelay();
      for (const s of stopWatching.splice(0)) s();
      void pool?.close();
      reject(new KubeprintError('CONNECTION_FAILED', `cannot listen on port ${opts.port ?? 0}`, { cause: err }));
    });
    server.listen(opts.port ?? 0, opts.host ?? '0.0.0.0', () => resolve());
  });
  server.on('error', (err) => log('error', 'server error', { error: err.message }));
  const bound = server.address() as AddressInfo;
  const port = bound.port;
  // one line that says where it listens and with which certificate
  log('info', 'admission webhook listening', {
    address: bound.address,
    port,
    tlsCert: opts.tlsCert,
    certificate: { fingerprint: certFingerprint, notAfter: tls.notAfter, subject: tls.subject },
    rules: opts.policy.rules.length,
  });
  const skippedCluster = opts.policy.skipped.filter((s) => s.why === 'cluster-state').map((s) => s.id);
  const skippedConfig = opts.policy.skipped.filter((s) => s.why === 'configuration').map((s) => s.id);
  if (skippedCluster.length > 0)
    log('info', 'rules skipped: they need cluster state (start with --kubeconfig or in-cluster access)', {
      rules: skippedCluster,
    });
  if (skippedConfig.length > 0)
    log('info', 'rules skipped: they need configuration (--config)', { rules: skippedConfig });

  let closing: Promise<void> | undefined;
  return {
    port,
    url: `https://${urlHost(bound.address)}:${port}`,
    metrics,
    inFlight: () => inFlight,
    reloadCertificates,
    close(drainMs = 10_000) {
      if (closing) return closing;
      draining = true;
      metrics.stopLoopDelay();
      for (const s of stopWatching.splice(0)) s();
      log('info', 'shutting down: draining in-flight requests', { inFlight });
      closing = (async () => {
        const closed = new Promise<void>((r) => server.close(() => r()));
        server.closeIdleConnections();
        if (inFlight > 0) {
          await new Promise<void>((r) => {
            const t = setTimeout(r, drainMs);
            drained.push(() => {
              clearTimeout(t);
              r();
            });
          });
        }
        server.closeAllConnections();
        await closed;
        await pool?.close();
        if (flushTimer) clearTimeout(flushTimer);
        flushDecisions();
        if (decisionLog) await new Promise<void>((r) => decisionLog.end(() => r()));
        log('info', 'stopped', {});
      })();
      return closing;
    },
  };
}

function readTls(certFile: string, keyFile: string) {
  let cert: Buffer;
  let key: Buffer;
  try {
    cert = readFileSync(certFile);
    key = readFileSync(keyFile);
  } catch (err) {
    throw new KubeprintError('READ_FAILED', `cannot read the TLS certificate or key (${certFile}, ${keyFile})`, {
      cause: err,
    });
  }
  try {
    // throws when the key does not match the certificate
    createSecureContext({ cert, key });
    const x = new X509Certificate(cert);
    return { cert, key, fingerprint: x.fingerprint256, notAfter: x.validTo, subject: x.subject.replace(/\n/g, ', ') };
  } catch (err) {
    throw new KubeprintError('READ_FAILED', `${certFile}, ${keyFile}: not a matching PEM certificate and key`, {
      cause: err,
    });
  }
}

/** The host part of a URL for a bound address: loopback for a wildcard, brackets around IPv6. */
function urlHost(address: string): string {
  if (address === '0.0.0.0') return '127.0.0.1';
  if (address === '::') return '[::1]';
  return address.includes(':') ? `[${address}]` : address;
}

/**
 * The request a review body starts with, read by pattern from its first
 * bytes (the API server writes `request.uid` first): enough to answer a
 * review that ran out of time before it was read.
 */
export function requestHead(head: string): AdmissionRequest | undefined {
  const uid = /"uid"\s*:\s*"([^"\\]{1,256})"/.exec(head)?.[1];
  if (!uid) return undefined;
  const kind = /"kind"\s*:\s*\{[^{}]*?"kind"\s*:\s*"([^"\\]{1,256})"/.exec(head)?.[1] ?? '';
  const op = /"operation"\s*:\s*"(CREATE|UPDATE|DELETE|CONNECT)"/.exec(head)?.[1] ?? 'CREATE';
  const ns = /"namespace"\s*:\s*"([^"\\]{1,253})"/.exec(head)?.[1];
  return {
    uid,
    kind: { group: '', version: '', kind },
    resource: { group: '', version: '', resource: '' },
    subResource: undefined,
    name: undefined,
    namespace: ns,
    operation: op as AdmissionRequest['operation'],
    userInfo: {},
    object: undefined,
    oldObject: undefined,
    dryRun: false,
  };
}
