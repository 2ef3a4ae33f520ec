import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../config/config.js';
import { toKubeObject } from '../../model/kube-object.js';
import { scanObjects } from '../../scan.js';
import { detectCloudCredentials } from './static-cloud-credentials.js';

// Fake values with the shapes of real credentials.
const KEY_ID = 'AKIA2E3FQ7MZL5NXK4TB';
const SECRET = 'q8Vd3kPz/N2rXw7LmT4bHs9Jc1YfGu6Ea+R0oKiZ';

describe('detectCloudCredentials', () => {
  it('finds AWS key ids anywhere in the text, but not the documentation example', () => {
    expect(detectCloudCredentials('x', `id=${KEY_ID}`).map((d) => d.what)).toEqual(['an AWS access key id']);
    expect(detectCloudCredentials('x', `id=ASIA${KEY_ID.slice(4)}`)).toHaveLength(1);
    expect(detectCloudCredentials('x', 'AKIAIOSFODNN7EXAMPLE')).toEqual([]);
    expect(detectCloudCredentials('x', `X${KEY_ID}`)).toEqual([]);
    expect(detectCloudCredentials('x', 'AKIA2E3FQ7MZL5NXK4T')).toEqual([]);
  });

  it('finds AWS secret keys by name or by assignment', () => {
    expect(detectCloudCredentials('AWS_SECRET_ACCESS_KEY', SECRET)).toHaveLength(1);
    expect(detectCloudCredentials('aws-secret-access-key', `${SECRET}\n`)).toHaveLength(1);
    expect(detectCloudCredentials('credentials', `aws_secret_access_key = ${SECRET}`)).toHaveLength(1);
    expect(detectCloudCredentials('creds.json', `{"SecretAccessKey": "${SECRET}"}`)).toHaveLength(1);
    expect(detectCloudCredentials('AWS_SECRET_ACCESS_KEY', 'short')).toEqual([]);
    expect(detectCloudCredentials('NOTES', SECRET)).toEqual([]);
    expect(detectCloudCredentials('x', 'aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY')).toEqual([]);
  });

  it('finds GCP service account keys only with a private key', () => {
    const key =
      '{"type": "service_account", "private_key": "-----BEGIN PRIVATE KEY-----\\nx\\n-----END PRIVATE KEY-----\\n"}';
    expect(detectCloudCredentials('key.json', key).map((d) => d.provider)).toEqual(['gcp']);
    expect(detectCloudCredentials('key.json', '{"type": "service_account", "client_email": "a@b"}')).toEqual([]);
  });

  it('finds Azure client secrets by name', () => {
    expect(detectCloudCredentials('AZURE_CLIENT_SECRET', 'abc~def').map((d) => d.provider)).toEqual(['azure']);
    expect(detectCloudCredentials('AZURE_CLIENT_ID', 'abc')).toEqual([]);
  });
});

describe('static-cloud-credentials findings', () => {
  it('never print the credential', () => {
    const secret = toKubeObject(
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'aws', namespace: 'shop' },
        data: {
          credentials: Buffer.from(`aws_access_key_id=${KEY_ID}\naws_secret_access_key=${SECRET}\n`).toString('base64'),
        },
      },
      undefined,
      's',
    );
    if (!secret) throw new Error('not an object');
    const out = scanObjects([secret], { config: parseConfig('{}', 'test') });
    const mine = out.findings.filter((f) => f.ruleId === 'static-cloud-credentials');
    expect(mine).toHaveLength(1);
    expect(mine[0]?.path).toBe('/data/credentials');
    expect(mine[0]?.message).toContain('IRSA');
    for (const f of out.findings) {
      expect(f.message).not.toContain(KEY_ID.slice(4));
      expect(f.message).not.toContain(SECRET.slice(0, 12));
    }
  });
});
