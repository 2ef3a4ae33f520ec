import { join } from '../../model/pointer.js';
import { defineRule, type RuleHit } from '../rule.js';
import { describeContainer } from '../supply-chain/container-images.js';
import { MITRE_T1552, NSA_CISA } from './hardening-refs.js';
import { secretInValue } from './secret-values.js';

/** Name parts that mark a secret wherever they appear. */
const SECRET_WORDS = new Set([
  'PASSWORD',
  'PASSWD',
  'PASSPHRASE',
  'SECRET',
  'TOKEN',
  'APIKEY',
  'CREDENTIAL',
  'CREDENTIALS',
]);
/** Two-part names that mark a secret (`API_KEY`, `apiKey`). */
const SECRET_PAIRS = new Set([
  'API_KEY',
  'PRIVATE_KEY',
  'ACCESS_KEY',
  'SECRET_KEY',
  'AUTH_KEY',
  'SIGNING_KEY',
  'ENCRYPTION_KEY',
  'MASTER_KEY',
  'ACCOUNT_KEY',
  'APP_KEY',
  'LICENSE_KEY',
  'HMAC_KEY',
  'SSH_KEY',
  'DEPLOY_KEY',
  'SESSION_KEY',
  'STORAGE_KEY',
  'SHARED_KEY',
]);
/**
 * Cloud providers whose SDKs and CLIs name their keys `<PROVIDER>_..._KEY`
 * (AZURE_BATCH_KEY, AZURE_OPENAI_KEY) or `..._KEY_CONTENT` (OCI_CLI_KEY_CONTENT,
 * the private key itself); a PUBLIC key is not a secret.
 */
const KEY_PROVIDERS = new Set(['AZURE']);
/** Parts that mark a secret only as the last of several (`DB_PASS`, but not `PASS_THROUGH` or the shell's `PWD`). */
const SECRET_LAST = new Set(['PASS', 'PWD']);
/**
 * Last parts that make the variable about a secret rather than the secret
 * itself: `PASSWORD_FILE`, `TOKEN_URL`, `SECRET_NAME`, `ACCESS_KEY_ID`.
 */
const NOT_SECRET_SUFFIX = new Set([
  'FILE',
  'FILES',
  'PATH',
  'DIR',
  'URL',
  'URI',
  'ENDPOINT',
  'HOST',
  'PORT',
  'NAME',
  'REF',
  'ID',
  'KEYID',
  'TTL',
  'EXPIRY',
  'EXPIRATION',
  'EXPIRES',
  'LIFETIME',
  'DURATION',
  'TIMEOUT',
  'INTERVAL',
  'LENGTH',
  'LEN',
  'SIZE',
  'MIN',
  'MAX',
  'COUNT',
  'TYPE',
  'KIND',
  'MODE',
  'FORMAT',
  'ENABLED',
  'ENABLE',
  'DISABLED',
  'DISABLE',
  'REQUIRED',
  'HEADER',
  'FIELD',
  'PARAM',
  'POLICY',
  'PROVIDER',
  'ISSUER',
  'AUDIENCE',
  'ALGORITHM',
  'ALG',
  'VERSION',
  'PREFIX',
  'STORE',
  'MOUNT',
  'LOCATION',
  'NAMESPACE',
  'ARN',
  'BACKEND',
  'LIMIT',
  'CLAIM',
  'SCOPE',
  'SCOPES',
]);

/**
 * Whole names (as their last parts) that contain a secret word but hold an
 * identifier or a path, never the secret, by the definition of the program
 * that reads them.
 */
const NOT_SECRET_NAMES: ReadonlyArray<readonly string[]> = [
  // etcd --initial-cluster-token: tells clusters apart during bootstrap, so that
  // members of one cluster never join another; it grants nothing
  ['INITIAL', 'CLUSTER', 'TOKEN'],
  // etcd v3 discovery --discovery-token: the key prefix that tells clusters apart
  // on the discovery service (its --discovery-password is the secret)
  ['ETCD', 'DISCOVERY', 'TOKEN'],
  // Google client libraries: the path of the credentials file
  ['GOOGLE', 'APPLICATION', 'CREDENTIALS'],
];

/** Upper-case name parts: `dbPassword` → DB, PASSWORD; `X-API-Key` → X, API, KEY. */
function nameParts(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .split(/[^A-Za-z0-9]+/)
    .filter((p) => p !== '')
    .map((p) => p.toUpperCase());
}

// The same variable names repeat across every workload of a repository.
const verdicts = new Map<string, boolean>();

/** True when an environment variable name looks like it holds a secret. */
export function isSecretName(name: string): boolean {
  let v = verdicts.get(name);
  if (v === undefined) {
    v = judgeName(name);
    if (verdicts.size > 10_000) verdicts.clear();
    verdicts.set(name, v);
  }
  return v;
}

function judgeName(name: string): boolean {
  const parts = nameParts(name);
  const last = parts[parts.length - 1];
  if (last === undefined || NOT_SECRET_SUFFIX.has(last)) return false;
  if (NOT_SECRET_NAMES.some((n) => endsWith(parts, n))) return false;
  if (parts.length > 1 && SECRET_LAST.has(last)) return true;
  if (isProviderKey(parts)) return true;
  return parts.some((p, i) => SECRET_WORDS.has(p) || (i > 0 && SECRET_PAIRS.has(`${parts[i - 1]}_${p}`)));
}

function isProviderKey(parts: readonly string[]): boolean {
  const n = parts.length;
  if (parts.includes('PUBLIC')) return false;
  if (n >= 3 && parts[n - 1] === 'CONTENT' && parts[n - 2] === 'KEY') return true;
  return n >= 2 && parts[n - 1] === 'KEY' && KEY_PROVIDERS.has(parts[0] ?? '');
}

function endsWith(parts: readonly string[], tail: readonly string[]): boolean {
  if (tail.length > parts.length) return false;
  const off = parts.length - tail.length;
  return tail.every((t, i) => parts[off + i] === t);
}

/**
 * Values that cannot be a secret: references to other variables
 * (`$(DB_PASSWORD)`), switches, and file paths under the directories secrets
 * are mounted in (`/var/run/secrets/...`, `/etc/...`): the variable says
 * where the secret is. A path must start at one of these roots, so that a
 * random base64 string that happens to start with `/` is still reported.
 */
function isPlaceholder(value: string): boolean {
  const v = value.trim();
  return (
    v === '' ||
    /^(?:\$\([A-Za-z_][A-Za-z0-9_.-]*\)\s*)+$/.test(v) ||
    /^(?:true|false|yes|no|on|off|none|null)$/i.test(v) ||
    /^\/(?:var|run|etc|secrets?|vault|mnt|opt|srv|home|tmp|usr|data|config|certs?|keys?)(?:\/[\w.@-]+)+\/?$/.test(v)
  );
}

export const rule = defineRule({
  id: 'env-literal-secret',
  title: 'Environment variable holds a literal secret',
  category: 'pod-security',
  severity: 'high',
  appliesTo: 'workloads',
  needs: 'object',
  description:
    "An environment variable has a literal `value` that is a secret, judged by its name or by its value. By name: PASSWORD, TOKEN, SECRET, API_KEY, PRIVATE_KEY, ACCESS_KEY, CLIENT_SECRET and the like, as a whole word or name part, and provider key names (AZURE_*_KEY, OCI_CLI_KEY_CONTENT). By value, whatever the name: a PEM private key block (RSA, EC, OPENSSH, ENCRYPTED, ...), a signed JSON Web Token, a provider token in its published format (AWS access key ids, GitHub, GitLab, Slack, Stripe, Google API, SendGrid, npm, OpenAI, Anthropic, Hugging Face, DigitalOcean, Docker Hub, PyPI, Vault, Grafana, age, Azure storage and shared access keys, Slack webhook URLs), or a URL with an embedded password (`postgres://user:pw@db`). The secret is then in the Git repository, in every rendered manifest, and readable by anyone who can read the workload object. A placeholder password (`changeme`) is still reported: it is the password the workload runs with. Not reported: names of secret files, URLs, ids and Secret objects (PASSWORD_FILE, TOKEN_URL, SECRET_NAME, SECRET_REF) unless the value itself is a secret, identifiers that programs name token (etcd's ETCD_INITIAL_CLUSTER_TOKEN and ETCD_DISCOVERY_TOKEN), file paths under the usual mount directories (`/var/run/secrets/...`), references to other variables (`$(VAR)`), token-shaped placeholders (`ghp_xxxx…`, `AKIAIOSFODNN7EXAMPLE`: bodies with less than 3 bits of entropy per character, as gitleaks), unsigned JWTs (`alg: none`), the public anonymous-role JWTs of PostgREST and Supabase (`role: anon`), and URL passwords that are references or template slots (`$(DB_PASSWORD)`, `$PW`, `{{ .Values.pw }}`, `<password>`). Random-looking values are not reported by entropy alone (digests, ids and hashes look the same). The message names the variable and the kind of secret, never its value. Cloud keys are also reported, with their own advice, by static-cloud-credentials.",
  remediation:
    'Move the value into a Secret (created by an external secret store, Sealed Secrets or SOPS rather than committed in plain text) and use `valueFrom.secretKeyRef`, or better mount it as a file; rotate the exposed value, since it is already in history.',
  references: [
    { title: 'CIS Kubernetes Benchmark 5.4.1 (prefer secrets as files over secrets as environment variables)' },
    NSA_CISA,
    MITRE_T1552,
    {
      title: 'Kubernetes: good practices for Secrets',
      url: 'https://kubernetes.io/docs/concepts/security/secrets-good-practices/',
    },
  ],
  check(_obj, ctx) {
    const w = ctx.workload;
    if (!w) return undefined;
    const hits: RuleHit[] = [];
    for (const c of w.containers) {
      const env = c.spec.env;
      if (!Array.isArray(env)) continue;
      env.forEach((e: unknown, i) => {
        if (!e || typeof e !== 'object') return;
        const { name, value } = e as Record<string, unknown>;
        if (typeof name !== 'string' || value === undefined || value === null) return;
        const text = typeof value === 'string' ? value : String(value);
        if (isPlaceholder(text)) return;
        const found = secretInValue(text);
        if (!found && !isSecretName(name)) return;
        hits.push({
          path: join(c.path, 'env', i, 'value'),
          // never the value itself: its kind and at most a prefix
          message: found
            ? `${describeContainer(c)} sets ${name} to a literal value holding ${found.kind} (${found.hint}) instead of a Secret reference`
            : `${describeContainer(c)} sets ${name} to a literal value instead of a Secret reference`,
        });
      });
    }
    return hits;
  },
});
