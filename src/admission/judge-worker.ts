/**
 * A judging worker thread (see judge-pool.ts): parses the review bodies the
 * server hands it and judges them with the same rules and config as the
 * server, so that a large review holds up this thread, not the server's.
 * The server stops it (terminate) when a review runs out of time.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { LoadedConfig } from '../config/config.js';
import { admissionPolicy, decide, maxViolationsOf, type WebhookPath } from './decide.js';
import { type AdmissionResponse, parseAdmissionReview } from './review.js';
import { type DecisionSummary, summarize } from './summary.js';

export interface JudgeJob {
  id: number;
  body: Uint8Array;
  path: WebhookPath;
  route: string;
}

export type JudgeResult =
  | { id: number; malformed: string }
  | { id: number; failed: string }
  | { id: number; response: AdmissionResponse; summary: DecisionSummary };

if (parentPort) {
  const port = parentPort;
  const { config } = workerData as { config: LoadedConfig };
  const policy = admissionPolicy({ config });
  const max = maxViolationsOf(config);
  port.on('message', (job: JudgeJob) => {
    let result: JudgeResult;
    try {
      const text = Buffer.from(job.body.buffer, job.body.byteOffset, job.body.byteLength).toString('utf8');
      const parsed = parseAdmissionReview(text);
      if (!parsed.ok) result = { id: job.id, malformed: parsed.reason };
      else {
        const d = decide(parsed.request, policy, job.path);
        result = { id: job.id, response: d.response, summary: summarize(parsed.request, d, job.route, max) };
      }
    } catch (err) {
      result = { id: job.id, failed: err instanceof Error ? err.message : String(err) };
    }
    port.postMessage(result);
  });
  port.postMessage({ ready: true });
}
