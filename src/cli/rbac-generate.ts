import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { KubeprintError } from '../errors.js';
import type { CliIO } from './io.js';

interface GenerateValues {
  'from-audit'?: string;
  user?: string;
  serviceaccount?: string;
  'resource-names'?: boolean;
  'include-denied'?: boolean;
  'only-allowed'?: boolean;
  name?: string;
}

/** `kubeprint rbac generate --from-audit FILE`: least-privilege RBAC (YAML on stdout) from audit events. */
export async function runGenerate(rest: string[], values: GenerateValues, io: CliIO): Promise<number> {
  const file = values['from-audit'];
  if (!file) throw new KubeprintError('USAGE', 'rbac generate needs --from-audit FILE');
  if (rest.length) throw new KubeprintError('USAGE', `rbac generate takes no PATHs (got ${rest.join(' ')})`);
  if (values.user && values.serviceaccount)
    throw new KubeprintError('USAGE', 'give --user or --serviceaccount, not both');
  let user = values.user;
  if (values.serviceaccount) {
    const [ns, name, ...more] = values.serviceaccount.split(':');
    if (!ns || !name || more.length) throw new KubeprintError('USAGE', '--serviceaccount must be NAMESPACE:NAME');
    user = `system:serviceaccount:${ns}:${name}`;
  }
  let text: string;
  try {
    const input = file === '-' ? await io.readStdin() : readFileSync(resolve(io.cwd, file), 'utf8');
    text = typeof input === 'string' ? input : Buffer.from(input).toString('utf8');
  } catch (err) {
    throw new KubeprintError('READ_FAILED', `${file}: cannot read`, { cause: err });
  }
  const { parseAuditLog, generateFromAudit } = await import('../engines/rbac/audit.js');
  const parsed = parseAuditLog(text);
  for (const p of parsed.problems) io.stderr(`kubeprint rbac generate: ${file}:${p.line}: ${p.message}\n`);
  const objects = generateFromAudit(parsed.requests, {
    ...(user !== undefined ? { user } : {}),
    resourceNames: !!values['resource-names'],
    onlyAllowed: !!values['only-allowed'],
    ...(values.name ? { namePrefix: values.name } : {}),
  });
  if (objects.length === 0) {
    io.stderr(`kubeprint rbac generate: no requests${user ? ` by ${user}` : ''} in ${file}\n`);
    return 1;
  }
  const { stringify } = await import('yaml');
  io.stdout(objects.map((o) => stringify(o)).join('---\n'));
  return 0;
}
