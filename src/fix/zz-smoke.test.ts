import { it } from 'vitest';
import { runCli } from '../../test/cli-capture.js';

it('smoke', async () => {
  const r = await runCli(['fix', '/tmp/f1t', '--include-review']);
  console.log(r.code, r.stdout, r.stderr);
});
