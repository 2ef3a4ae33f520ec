// Make the built CLI entry executable (npm does this on install; `node dist/...` does not need it).
import { chmodSync, existsSync } from 'node:fs';

const entry = new URL('../dist/cli/main.js', import.meta.url);
if (existsSync(entry)) chmodSync(entry, 0o755);
