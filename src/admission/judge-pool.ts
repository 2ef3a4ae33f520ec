/**
 * Worker threads that judge large reviews, so that parsing and judging
 * them never holds the server's event loop: the server's thread keeps
 * answering the small reviews meanwhile. A review still unjudged at its
 * deadline is answered by the server (the failure policy decides) and the
 * worker judging it is stopped and replaced: a single slow rule on a large
 * object cannot be interrupted any other way.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { LoadedConfig } from '../config/config.js';
import type { WebhookPath } from './decide.js';
import type { JudgeJob, JudgeResult } from './judge-worker.js';

/** What became of a review handed to the pool. */
export type PoolOutcome = JudgeResult | { id: number; timedOut: true; queued: boolean };

export interface JudgePoolOptions {
  /** Worker threads (at least 1). */
  size: number;
  /** The config every worker judges with (the rules are the registry's, as the server's without cluster state). */
  config: LoadedConfig;
  /** The worker script (default: judge-worker.js beside this module). */
  script?: URL;
  /** More workerData for the script (a test bootstrap reads what to load from it). */
  workerData?: Record<string, unknown>;
  /** Told when a worker fails or is replaced. */
  log?: (level: 'warn' | 'error', msg: string, fields: Record<string, unknown>) => void;
}

interface Pending {
  id: number;
  job: JudgeJob;
  transfer: ArrayBuffer[];
  resolve: (o: PoolOutcome) => void;
  timer: NodeJS.Timeout;
  slot?: Slot;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  job: Pending | undefined;
}

/** The worker script built beside this module; absent when running from the TypeScript sources. */
export const DEFAULT_WORKER_SCRIPT = new URL('./judge-worker.js', import.meta.url);

export function workerScriptExists(script: URL = DEFAULT_WORKER_SCRIPT): boolean {
  return existsSync(fileURLToPath(script));
}

export class JudgePool {
  private readonly slots: Slot[] = [];
  private readonly queue: Pending[] = [];
  private nextId = 0;
  private closed = false;
  /** Replacements in a row that never became ready: a script that cannot start. */
  private failedStarts = 0;
  private markReady: () => void = () => {};
  /** Resolves once a worker has started (loading the rules takes a moment). */
  readonly ready: Promise<void> = new Promise((r) => {
    this.markReady = r;
  });

  constructor(private readonly opts: JudgePoolOptions) {
    for (let i = 0; i < Math.max(1, opts.size); i++) this.slots.push(this.spawn());
  }

  /** True when workers keep failing to start: judge in the server's thread instead. */
  get broken(): boolean {
    return this.failedStarts >= 3;
  }

  /**
   * Judge a review body in a worker; resolves at `deadline` (performance.now()
   * time) at the latest, with `timedOut` when the review was not judged by then.
   */
  judge(body: Buffer, path: WebhookPath, route: string, deadline: number): Promise<PoolOutcome> {
    const id = ++this.nextId;
    // hand the bytes over without a copy when the buffer is the body's own
    const own = body.byteOffset === 0 && body.byteLength === body.buffer.byteLength;
    const bytes = own ? body : new Uint8Array(body);
    return new Promise<PoolOutcome>((resolve) => {
      if (this.closed) {
        resolve({ id, failed: 'the judging pool is closed' });
        return;
      }
      const p: Pending = {
        id,
        job: { id, body: bytes, path, route },
        transfer: [bytes.buffer as ArrayBuffer],
        resolve,
        timer: setTimeout(() => this.timeOut(p), Math.max(0, deadline - performance.now())),
      };
      this.queue.push(p);
      this.pump();
    });
  }

  /** Reviews waiting for a worker, and being judged. */
  load(): { queued: number; running: number } {
    return { queued: this.queue.length, running: this.slots.filter((s) => s.job).length };
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const p of this.queue.splice(0)) this.settle(p, { id: p.id, failed: 'the judging pool is closed' });
    await Promise.all(
      this.slots.map((s) => {
        if (s.job) this.settle(s.job, { id: s.job.id, failed: 'the judging pool is closed' });
        return s.worker.terminate();
      }),
    );
  }

  private spawn(): Slot {
    const worker = new Worker(this.opts.script ?? DEFAULT_WORKER_SCRIPT, {
      workerData: { config: this.opts.config, ...this.opts.workerData },
      // a review that would take the whole heap stops this worker, not the server
      resourceLimits: { maxOldGenerationSizeMb: 192 },
    });
    const slot: Slot = { worker, ready: false, job: undefined };
    worker.unref();
    worker.on('message', (m: JudgeResult | { ready: true }) => {
      if ('ready' in m) {
        slot.ready = true;
        this.failedStarts = 0;
        this.markReady();
        this.pump();
        return;
      }
      const p = slot.job;
      if (!p || p.id !== m.id) return;
      slot.job = undefined;
      this.settle(p, m);
      this.pump();
    });
    const lost = (why: string) => {
      if (this.closed || !this.slots.includes(slot)) return;
      if (!slot.ready) this.failedStarts++;
      this.opts.log?.('error', 'judging worker stopped; starting another', { error: why });
      if (slot.job) this.settle(slot.job, { id: slot.job.id, failed: `judging worker stopped (${why})` });
      this.replace(slot);
    };
    worker.on('error', (err) => lost(err.message));
    worker.on('exit', (code) => lost(`exit code ${code}`));
    return slot;
  }

  private replace(slot: Slot): void {
    const i = this.slots.indexOf(slot);
    if (i < 0) return;
    this.slots.splice(i, 1);
    void slot.worker.terminate();
    if (this.closed) return;
    if (this.broken) {
      for (const p of this.queue.splice(0)) this.settle(p, { id: p.id, failed: 'judging workers cannot start' });
      return;
    }
    this.slots.push(this.spawn());
  }

  private pump(): void {
    for (const slot of this.slots) {
      if (!slot.ready || slot.job) continue;
      const p = this.queue.shift();
      if (!p) return;
      slot.job = p;
      p.slot = slot;
      slot.worker.postMessage(p.job, p.transfer);
    }
  }

  private timeOut(p: Pending): void {
    const queued = this.queue.indexOf(p);
    if (queued >= 0) {
      this.queue.splice(queued, 1);
      this.settle(p, { id: p.id, timedOut: true, queued: true });
      return;
    }
    const slot = p.slot;
    if (!slot || slot.job !== p) return;
    // a rule cannot be interrupted: the worker goes, another takes its place
    slot.job = undefined;
    this.settle(p, { id: p.id, timedOut: true, queued: false });
    this.opts.log?.('warn', 'review out of time: its judging worker is replaced', { id: p.id });
    this.replace(slot);
  }

  private settle(p: Pending, o: PoolOutcome): void {
    clearTimeout(p.timer);
    p.resolve(o);
  }
}
