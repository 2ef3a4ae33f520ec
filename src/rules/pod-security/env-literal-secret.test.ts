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
    // provider names without a generic secret word
    'AZURE_BATCH_KEY',
    'AZURE_OPENAI_KEY',
    'AZURE_STORAGE_KEY',
    'OCI_CLI_KEY_CONTENT',
    'GITHUB_APP_PRIVATE_KEY',
    'AZURE_CLIENT_SECRET',
    'DD_APP_KEY',
    'NEW_RELIC_LICENSE_KEY',
    'WEBHOOK_HMAC_KEY',
    'GIT_SSH_KEY',
    'SESSION_KEY',
    'STORAGE_SHARED_KEY',
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
    'AZURE_KEY_VAULT_NAME',
    'AZURE_KEYVAULT_URL',
    'AZURE_PUBLIC_KEY',
    'AZURE_STORAGE_KEY_ID',
    'OCI_CLI_KEY_FILE',
    'OCI_CLI_PUBLIC_KEY_CONTENT',
    'SSH_KEY_PATH',
    'APP_KEY_NAME',
    'AZURE_TENANT_ID',
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

  it('a secret in the value is reported whatever the name, by its format, never printed', () => {
    const vars = {
      CONFIG: 'postgres://orders:S3cr3t-pw@db.shop.svc:5432/orders',
      SIGNING:
        '-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIN7pcE+PrtARqj/46J4L8QaUJNjbyvnBraLHEc56cqAOoAoGCCqGSM49\nAwEHoUQDQgAEpurGeu6HcGPwD/9Bz0e/ernlfrU+0HTFgMTHXcZ+Z40L7yOUoj7l\n/XpmHQsLy1ODy3vGbIse8S1CpOvazEpjeA==\n-----END EC PRIVATE KEY-----\n',
      GIT_REMOTE: 'https://x-access-token:ghs_uJyxqf3UtowX9MU7pEchb9IvhMLfY8RMNd6N@github.com/o/r.git',
      AUTH_HEADER:
        'Bearer eyJhbGciOiJSUzI1NiIsImtpZCI6IjJGOHZHTklaIn0.eyJpc3MiOiJodHRwczovL2F1dGguc2hvcC5leGFtcGxlIiwic3ViIjoic3ZjLW9yZGVycyIsImV4cCI6MTg5MzQ1NjAwMH0.sCF3-Qyts9CGzhVM9tePlT9y7iycAFW7YXQFqQS85-X8CtK6VtVc7FcY8kl92G9ON9sKISKJwxS_2AMVkBwQOw',
      AWS_ACCESS_KEY_ID: 'AKIA1FE152MKJJKBC8SK',
      LOG_LEVEL: 'debug',
      PUBLIC_URL: 'https://shop.example.com/',
      DOCS_KEY: 'AKIAIOSFODNN7EXAMPLE',
    };
    expect(reported(vars)).toEqual(['AUTH_HEADER', 'AWS_ACCESS_KEY_ID', 'CONFIG', 'GIT_REMOTE', 'SIGNING']);
    const pod = env(vars);
    if (!pod) throw new Error('not an object');
    const messages = scanObjects([pod], {})
      .findings.filter((f) => f.ruleId === 'env-literal-secret')
      .map((f) => f.message);
    expect(messages).toContain(
      'container "app" sets CONFIG to a literal value holding a URL with an embedded password (postgres://…:***@db.shop.svc:5432) instead of a Secret reference',
    );
    expect(messages).toContain(
      'container "app" sets SIGNING to a literal value holding a PEM private key (-----BEGIN EC PRIVATE KEY-----) instead of a Secret reference',
    );
    for (const m of messages) {
      for (const secret of ['S3cr3t', 'MHcCAQ', 'uJyxqf3', 'sCF3-Q', '1FE152MK']) expect(m).not.toContain(secret);
    }
  });

  it('a secret-looking name whose value has a known format says which', () => {
    const pod = env({ GITHUB_TOKEN: 'ghp_6sTHGLv1pXoxPiBGmcvqVaPwcoN8bnSjERkC' });
    if (!pod) throw new Error('not an object');
    const [f] = scanObjects([pod], {}).findings.filter((x) => x.ruleId === 'env-literal-secret');
    expect(f?.message).toBe(
      'container "app" sets GITHUB_TOKEN to a literal value holding a GitHub token (ghp_…) instead of a Secret reference',
    );
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
