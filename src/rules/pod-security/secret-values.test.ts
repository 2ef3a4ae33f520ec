import { describe, expect, it } from 'vitest';
import { secretInValue } from './secret-values.js';

// Freshly generated values in each provider's published format; none was ever issued.
const EC_KEY = `-----BEGIN EC PRIVATE KEY-----
MHcCAQEEIN7pcE+PrtARqj/46J4L8QaUJNjbyvnBraLHEc56cqAOoAoGCCqGSM49
AwEHoUQDQgAEpurGeu6HcGPwD/9Bz0e/ernlfrU+0HTFgMTHXcZ+Z40L7yOUoj7l
/XpmHQsLy1ODy3vGbIse8S1CpOvazEpjeA==
-----END EC PRIVATE KEY-----
`;
const OPENSSH_KEY = `-----BEGIN OPENSSH PRIVATE KEY-----
b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW
QyNTUxOQAAACCOsOyq4gdrs4wEdaTiE5V2mHd1ffgFxzZczh6AoKqfbwAAAJArJzwhKyc8
IQAAAAtzc2gtZWQyNTUxOQAAACCOsOyq4gdrs4wEdaTiE5V2mHd1ffgFxzZczh6AoKqfbw
AAAED7suu9U6dqpng1im8dhFYY184dxrfNYvbSRnzxzglLAI6w7KriB2uzjAR1pOITlXaY
d3V9+AXHNlzOHoCgqp9vAAAAB3Jvb3RAdm0BAgMEBQY=
-----END OPENSSH PRIVATE KEY-----`;
const ENCRYPTED_KEY = `-----BEGIN ENCRYPTED PRIVATE KEY-----
MIGbMFcGCSqGSIb3DQEFDTBKMCkGCSqGSIb3DQEFDDAcBAhq+fHA2dZvMQICCAAw
DAYIKoZIhvcNAgkFADAdBglghkgBZQMEASoEENKfMK27zJ3R0FLgxzgxZ9YEQPzu
hOnCm2sqw671qKwy5fG6Xzduc5QD5PuYUHppvNGBmRpPorDU6TFWDtSKe9RPMJsA
ynOlys63hqYIiH52Bxc=
-----END ENCRYPTED PRIVATE KEY-----`;
// A traditional encrypted RSA key: headers between the BEGIN line and the body.
const RSA_ENCRYPTED_HEADERS = `-----BEGIN RSA PRIVATE KEY-----
Proc-Type: 4,ENCRYPTED
DEK-Info: AES-128-CBC,2F6B3E1A9C0D4E5F6A7B8C9D0E1F2A3B

hOnCm2sqw671qKwy5fG6Xzduc5QD5PuYUHppvNGBmRpPorDU6TFWDtSKe9RPMJsA
DAYIKoZIhvcNAgkFADAdBglghkgBZQMEASoEENKfMK27zJ3R0FLgxzgxZ9YEQPzu
-----END RSA PRIVATE KEY-----`;
const JWT =
  'eyJhbGciOiJSUzI1NiIsImtpZCI6IjJGOHZHTklaIn0.eyJpc3MiOiJodHRwczovL2F1dGguc2hvcC5leGFtcGxlIiwic3ViIjoic3ZjLW9yZGVycyIsImV4cCI6MTg5MzQ1NjAwMH0.sCF3-Qyts9CGzhVM9tePlT9y7iycAFW7YXQFqQS85-X8CtK6VtVc7FcY8kl92G9ON9sKISKJwxS_2AMVkBwQOw';
// Supabase/PostgREST anonymous key: role "anon", meant to be public.
const JWT_ANON =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZS1kZW1vIiwicm9sZSI6ImFub24iLCJleHAiOjE5ODM4MTI5OTZ9.ix8CEuZ8isMxRRVmh4dUeK-qUOYx0qjGvr1TSQe63Ts';
// alg none, no signature: anyone can forge it, it proves nothing
const JWT_NONE = 'eyJhbGciOiJub25lIn0.eyJzdWIiOiJkZW1vLXVzZXIiLCJpYXQiOjE1MTYyMzkwMjJ9.';
// base64url of {"typ":"JWT"} (no alg) . {"sub":"x1234567"}
const NOT_JWT = 'eyJ0eXAiOiJKV1QifQ.eyJzdWIiOiJ4MTIzNDU2NyJ9.c2lnbmF0dXJlLXZhbHVl';

describe('secretInValue finds secrets by their format', () => {
  it.each([
    [EC_KEY, 'a PEM private key', '-----BEGIN EC PRIVATE KEY-----'],
    [OPENSSH_KEY, 'a PEM private key', '-----BEGIN OPENSSH PRIVATE KEY-----'],
    [ENCRYPTED_KEY, 'a PEM private key', '-----BEGIN ENCRYPTED PRIVATE KEY-----'],
    [RSA_ENCRYPTED_HEADERS, 'a PEM private key', '-----BEGIN RSA PRIVATE KEY-----'],
    // a key written on one line with \n escapes (JSON in a YAML plain scalar)
    [EC_KEY.replace(/\n/g, '\\n'), 'a PEM private key', '-----BEGIN EC PRIVATE KEY-----'],
    [JWT, 'a JSON Web Token', 'alg RS256'],
    [`Bearer ${JWT}`, 'a JSON Web Token', 'alg RS256'],
    ['AKIA1FE152MKJJKBC8SK', 'an AWS access key id', 'AKIA…'],
    ['ASIA3HIFPLPJQVFEJFS8', 'an AWS access key id', 'ASIA…'],
    ['ghp_6sTHGLv1pXoxPiBGmcvqVaPwcoN8bnSjERkC', 'a GitHub token', 'ghp_…'],
    ['ghs_uJyxqf3UtowX9MU7pEchb9IvhMLfY8RMNd6N', 'a GitHub token', 'ghs_…'],
    [
      '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',
      'a GitHub token',
      'github_pat_…',
    ],
    ['https://x-access-token:ghs_uJyxqf3UtowX9MU7pEchb9IvhMLfY8RMNd6N@github.com/o/r.git', 'a GitHub token', 'ghs_…'],
    ['glpat-EDXcEIWqtqGpamuq7EHu', 'a GitLab token', 'glpat-…'],
    ['xoxb-809211377012-0668575170397-oOuq2bei5Z2W23kXa8biR5p0', 'a Slack token', 'xoxb-…'],
    [
      'https://hooks.slack.com/services/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',
      'a Slack incoming webhook URL',
      'https://hooks.slack.com/services/…',
    ],
    ['sk_live_8KHPfVdAjpwW4cM1OiNDRZaj', 'a Stripe secret key', 'sk_live_…'],
    ['rk_live_41Bxqty4wvKXppzB50Uy6YOS', 'a Stripe secret key', 'rk_live_…'],
    ['AIzagvq6AwAgD2mp6S80dfBrld3elHRhGcz2x6M', 'a Google API key', 'AIza…'],
    ['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', 'a SendGrid API key', 'SG.…'],
    ['npm_NsMGv4PrDPz2dPrypxDVnRR7grpErYQ3o8nz', 'an npm access token', 'npm_…'],
    [
      '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',
      'an OpenAI API key',
      'sk-proj-…',
    ],
    ['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', 'an OpenAI API key', 'sk-…'],
    [
      'sk-ant-api03-vaMK15VorO1vnZRGHwS3yhQz4OqLfSVOP4DOQdQLNfAWskMM1HF-0bWFTLUtB6QL5RnpHH5YuXmZ1pDROBIrB9ZsvU272AA',
      'an Anthropic API key',
      'sk-ant-api03-…',
    ],
    ['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', 'a Hugging Face token', 'hf_…'],
    ['dop_v1_d84c645b811cb0145939266c5d2378265103b6900d3ad18140e7e938b74ee5be', 'a DigitalOcean token', 'dop_v1_…'],
    ['dckr_pat_o7sW7nvfwDkA5Z4fizL6J2gKKvG', 'a Docker Hub access token', 'dckr_pat_…'],
    [
      'hvs.UAiGEThgzuM25oFzF35PDZUnv89YgQQPfGMjVnZ0OPMyTVW7mq53dO2h-GuggDGecRMUwovwlSahVrsY99piHjgA6sZ',
      'a HashiCorp Vault token',
      'hvs.…',
    ],
    [
      'DefaultEndpointsProtocol=https;AccountName=shopdata;AccountKey=pGMtRDHd7vAkf0g4uvyzgVrbuuLOnR0xql8qT/bE0quDTrahmudvw1bZ89n0Qw659Ts8exayiLx/L14kNKLykQ==;EndpointSuffix=core.windows.net',
      'an Azure storage account key',
      'AccountKey=…',
    ],
    [
      'Endpoint=sb://shop.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=moOFE2qcHWJMxRIManHf/NQ/9L6mk3ZM9WmuaZLQN4E=',
      'an Azure shared access key',
      'SharedAccessKey=…',
    ],
    [
      'postgres://orders:S3cr3t-pw@db.shop.svc:5432/orders',
      'a URL with an embedded password',
      'postgres://…:***@db.shop.svc:5432',
    ],
    ['amqp://guest:guest@rabbitmq:5672/', 'a URL with an embedded password', 'amqp://…:***@rabbitmq:5672'],
    ['redis://:hunter2@redis-master:6379/0', 'a URL with an embedded password', 'redis://…:***@redis-master:6379'],
  ])('%s', (value, kind, hint) => {
    expect(secretInValue(value)).toEqual({ kind, hint });
  });
});

describe('secretInValue leaves other values alone', () => {
  it.each([
    '',
    'production',
    'https://example.com/path?q=1',
    'postgres://db.shop.svc:5432/orders',
    'postgres://orders@db.shop.svc:5432/orders',
    // references and templates are not literal passwords
    'postgres://orders:$(DB_PASSWORD)@db:5432/orders',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a shell-style reference, as written in manifests
    'redis://:${REDIS_PASSWORD}@redis:6379',
    'mongodb://{{ .Values.user }}:{{ .Values.password }}@mongo:27017',
    'amqp://user:<password>@rabbitmq:5672',
    'amqp://user:****@rabbitmq:5672',
    // an empty password
    'ftp://anonymous:@ftp.example.org/pub',
    // placeholders in token formats
    'ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx',
    'ghp_000000000000000000000000000000000000',
    'AKIAIOSFODNN7EXAMPLE',
    'xoxb-your-bot-token-here',
    'sk_live_XXXXXXXXXXXXXXXXXXXXXXXX',
    'sk-1234',
    'sk-my-openai-key',
    'glpat-XXXXXXXXXXX-XXXXXXXX',
    // certificates and public keys are not secrets
    '-----BEGIN CERTIFICATE-----\nMIIBkTCB+wIJAL5sLwV3Z8h3MA0GCSqGSIb3DQEBCwUAMBExDzANBgNVBAMMBnVudXNlZDAeFw0yNDAxMDEwMDAwMDBaFw0zNDAxMDEwMDAwMDBa\n-----END CERTIFICATE-----',
    '-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEpurGeu6HcGPwD/9Bz0e/ernlfrU+0HTFgMTHXcZ+Z40L7yOUoj7l/XpmHQsLy1ODy3vGbIse8S1CpOvazEpjeA==\n-----END PUBLIC KEY-----',
    // a private-key header with no key material (documentation, a template)
    '-----BEGIN RSA PRIVATE KEY-----\n...\n-----END RSA PRIVATE KEY-----',
    '-----BEGIN PRIVATE KEY-----',
    JWT_ANON,
    JWT_NONE,
    NOT_JWT,
    // digests, ids and hashes: random-looking, not secret by format
    'sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    '7d444840-9dc0-11d1-b245-5ffdce74fad2',
    '3f786850e387550fdab836ed7e6dc881de23001b',
    'dGhpcyBpcyBqdXN0IGJhc2U2NCBlbmNvZGVkIGNvbmZpZ3VyYXRpb24=',
    'git@github.com:org/repo.git',
    'jdbc:mysql://mysql:3306/app?useSSL=false',
    'user@example.com',
  ])('%j', (value) => {
    expect(secretInValue(value)).toBeUndefined();
  });
});
