/**
 * The judging pool with real worker threads, loading the TypeScript sources
 * (testdata/ts-worker.mjs registers a transpiling loader, since nothing is
 * built under vitest).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { admissionPolicy, decide } from './decide.js';
import { JudgePool, type PoolOutcome } from './judge-pool.js';
import { parseAdmissionReview } from './review.js';
import { review, testObject } from './testdata/reviews.js';
import { heavyPod, TS_WORKER } from './testdata/workers.js';

const later = () => performance.now() + 120_000;

describe('judging pool', () => {
  const policy = admissionPolicy({});
  const pool = new JudgePool({
    size: 1,
    config: policy.config,
    script: TS_WORKER.workerScript,
    workerData: TS_WORKER.workerData,
  });
  afterAll(() => pool.close());

  it('judges a review in a worker as the server thread would, and says when a body is malformed', async () => {
    const body = JSON.stringify(review({ object: testObject('privileged-pod.yaml'), uid: 'in-worker' }));
    const o = (await pool.judge(Buffer.from(body), 'all', '/validate/all', later())) as Extract<
      PoolOutcome,
      { response: unknown }
    >;
    const parsed = parseAdmissionReview(body);
    if (!parsed.ok) throw new Error(parsed.reason);
    expect(o.response).toEqual(decide(parsed.request, policy, 'all').response);
    expect(o.summary).toMatchObject({ uid: 'in-worker', decision: 'denied', operation: 'CREATE' });
    expect(o.summary.effects.some(([rule, effect]) => rule === 'pss-privileged' && effect === 'deny')).toBe(true);
    const bad = await pool.judge(Buffer.from('{"kind":'), 'all', '/validate/all', later());
    expect('malformed' in bad && bad.malformed).toMatch(/not JSON/);
  });

  it('gives up on a review at its deadline, replaces the worker, and judges the next one', async () => {
    // the worker is busy with the heavy review when its deadline (1 ms away) passes
    const heavy = Buffer.from(JSON.stringify(review({ object: heavyPod(), uid: 'slow' })));
    await pool.judge(Buffer.from('{}'), 'all', '/validate/all', later()); // the worker is up
    const o = await pool.judge(heavy, 'all', '/validate/all', performance.now() + 1);
    expect(o).toMatchObject({ timedOut: true });
    const next = await pool.judge(
      Buffer.from(JSON.stringify(review({ object: testObject('compliant-deployment.yaml'), uid: 'after' }))),
      'all',
      '/validate/all',
      later(),
    );
    expect('summary' in next && next.summary.uid).toBe('after');
  });

  it('answers reviews still waiting for a worker at their deadline', async () => {
    const heavy = Buffer.from(JSON.stringify(review({ object: heavyPod() })));
    const running = pool.judge(heavy, 'all', '/validate/all', later());
    const waiting = await pool.judge(Buffer.from('{}'), 'all', '/validate/all', performance.now() + 1);
    expect(waiting).toMatchObject({ timedOut: true, queued: true });
    expect(await running).toHaveProperty('summary');
  });
});
