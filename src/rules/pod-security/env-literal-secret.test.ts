import { describe, expect, it } from 'vitest';
import { toKubeObject } from '../../model/kube-object.js';
import { scanObjects } from '../../scan.js';
import { isSecretName } from './env-literal-secret.js';

describe('isSecretName', () => {
  it.each([
    'PASSWORD',
    'DB_PASSWORD',
    'db-passwd',
    'dbPassword',
    'GITHUB_TOKEN',
    'JWT_SECRET',
    'OIDC_CLIENT_SECRET',
    'AWS_SECRET_ACCESS_KEY',
    'API_KEY',
    'apiKey',
    'X_APIKEY',
    'STRIPE_PRIVATE_KEY',
    'MINIO_ACCESS_KEY',
    'SECRET_KEY_BASE',
    'REDIS_PASS',
    'SMTP_PWD',
    'GPG_PASSPHRASE',
  ])('%s is secret-looking', (name) => {
    expect(isSecretName(name)).toBe(true);
  });

  it.each([
    'PWD',
    'PASS_THROUGH',
    'MAX_TOKENS',
    'TOKENIZER',
    'POSTGRES_PASSWORD_FILE',
    'OAUTH_TOKEN_URL',
    'JWT_SECRET_NAME',
    'AWS_ACCESS_KEY_ID',
    'TOKEN_TTL',
    'KEY',
    'PRIMARY_KEY',
    'SECRETARY',
    'LOG_LEVEL',
  ])('%s is not', (name) => {
    expect(isSecretName(name)).toBe(false);
  });
});

describe('env-literal-secret findings', () => {
  it('name the variable and container, never the value', () => {
    const pod = toKubeObject(
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'p', namespace: 'n' },
        spec: {
          containers: [{ name: 'app', image: 'ghcr.io/a/b:1', env: [{ name: 'DB_PASSWORD', value: 'tr0ub4dor&3' }] }],
        },
      },
      undefined,
      's',
    );
    if (!pod) throw new Error('not an object');
    const mine = scanObjects([pod], {}).findings.filter((f) => f.ruleId === 'env-literal-secret');
    expect(mine.map((f) => f.path)).toEqual(['/spec/containers/0/env/0/value']);
    expect(mine[0]?.message).toContain('DB_PASSWORD');
    expect(mine[0]?.message).toContain('"app"');
    expect(mine[0]?.message).not.toContain('tr0ub4dor');
  });
});
