// A judging worker for tests: registers the TypeScript hooks, then loads the
// worker module named in workerData.entry from the sources.
import { register } from 'node:module';
import { workerData } from 'node:worker_threads';

register(new URL('./ts-worker-hooks.mjs', import.meta.url));
await import(workerData.entry);
