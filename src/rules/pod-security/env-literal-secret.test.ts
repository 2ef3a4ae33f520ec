import { describe, expect, it } from 'vitest';
import { toKubeObject } from '../../model/kube-object.js';
import { scanObjects, scanPaths } from '../../scan.js';
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
    'ETCD_DISCOVERY_PASSWORD',
    'ETCD_ROOT_PASSWORD',
    'CLUSTER_TOKEN',
    'K3S_TOKEN',
    'KUBEADM_DISCOVERY_TOKEN',
    'VAULT_TOKEN',
    'AWS_SESSION_TOKEN',
    'TOKEN_SECRET',
    'GOOGLE_CREDENTIALS',
    'SECRET_KEY_ID_VALUE',
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
    'ETCD_INITIAL_CLUSTER_TOKEN',
    'initialClusterToken',
    'ETCD_DISCOVERY_TOKEN',
    'GOOGLE_APPLICATION_CREDENTIALS',
    'VAULT_TOKEN_FILE',
    'SA_TOKEN_PATH',
    'OIDC_TOKEN_ENDPOINT',
    'KMS_KEY_ID',
    'SIGNING_KEY_ID',
    'DB_SECRET_NAME',
    'DB_SECRET_REF',
    'DB_SECRET_ARN',
    'DB_SECRET_NAMESPACE',
    'ROOT_PASSWORD_FILE',
    'OIDC_TOKEN_CLAIM',
    'OAUTH_TOKEN_SCOPES',
    'RATE_LIMIT_TOKEN_LIMIT',
  ])('%s is not', (name) => {
    expect(isSecretName(name)).toBe(false);
  });
});

describe('env-literal-secret findings', () => {
  const env = (vars: Record<string, string>) =>
    toKubeObject(
      {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'p', namespace: 'n' },
        spec: {
          containers: [
            {
              name: 'app',
              image: 'ghcr.io/a/b:1',
              env: Object.entries(vars).map(([name, value]) => ({ name, value })),
            },
          ],
        },
      },
      undefined,
      's',
    );
  const reported = (vars: Record<string, string>) => {
    const pod = env(vars);
    if (!pod) throw new Error('not an object');
    return scanObjects([pod], {})
      .findings.filter((f) => f.ruleId === 'env-literal-secret')
      .map((f) => f.message.replace(/.* sets (\S+) .*/, '$1'))
      .sort();
  };

  it('a path under a mount point is where the secret is, not the secret; other values starting with / are reported', () => {
    expect(
      reported({
        API_TOKEN: '/var/run/secrets/tokens/api',
        DB_PASSWORD: '/etc/db/password',
        VAULT_TOKEN: '/vault/secrets/token',
        QUEUE_TOKEN: '/q8Zk3/Vb1xPz0Lm9aW2eR7tY',
        ADMIN_PASSWORD: '/',
        ROOT_PASSWORD: '/etc/db password',
      }),
    ).toEqual(['ADMIN_PASSWORD', 'QUEUE_TOKEN', 'ROOT_PASSWORD']);
  });

  it("the etcd fixture reports the discovery password only, not the cluster's identifiers", async () => {
    const r = await scanPaths(['src/rules/pod-security/fixtures/env-literal-secret/fail.etcd-password.yaml'], {
      cwd: process.cwd(),
    });
    expect(r.findings.filter((f) => f.ruleId === 'env-literal-secret').map((f) => f.path)).toEqual([
      '/spec/template/spec/containers/0/env/1/value',
    ]);
  });

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
