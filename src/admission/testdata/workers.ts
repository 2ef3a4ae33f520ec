/** For tests: judging workers started from the TypeScript sources, and a review that keeps one busy. */

/** Options for `startWebhookServer` / `JudgePool`: the test bootstrap and the worker module it loads. */
export const TS_WORKER = {
  workerScript: new URL('./ts-worker.mjs', import.meta.url),
  workerData: { entry: new URL('../judge-worker.ts', import.meta.url).href },
};

/** A Pod whose judging takes a while: 100 privileged containers with 100 env vars each. */
export function heavyPod(): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'heavy' },
    spec: {
      containers: Array.from({ length: 100 }, (_, i) => ({
        name: `c${i}`,
        image: 'nginx:latest',
        securityContext: { privileged: true },
        env: Array.from({ length: 100 }, (_, k) => ({ name: `VAR_${k}`, value: `value-${k}` })),
      })),
    },
  };
}
