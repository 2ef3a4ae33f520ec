/**
 * Secrets recognised by their format, whatever the name of the field that
 * holds them: private keys, JSON Web Tokens, provider tokens with a fixed
 * prefix (the formats gitleaks, detect-secrets and trufflehog publish), and
 * URLs with an embedded password. Random-looking strings alone (entropy) are
 * not reported: digests, ids, hashes and base64 configuration are common in
 * manifests, and a name that says "secret" is judged by the name rules instead.
 */

/** What was found; `hint` shows at most a prefix or the shape, never the secret. */
export interface SecretValue {
  /** `a GitHub token`, `a PEM private key`, ... */
  readonly kind: string;
  /** `ghp_…`, `-----BEGIN EC PRIVATE KEY-----`, `postgres://…:***@db:5432` */
  readonly hint: string;
}

interface TokenFormat {
  readonly kind: string;
  /** Group 1: the prefix (shown); group 2: the body (judged for placeholders, never shown). */
  readonly re: RegExp;
  /** Extra condition on the body. */
  readonly body?: (body: string) => boolean;
}

const hasDigit = (s: string) => /\d/.test(s);

const TOKEN_FORMATS: readonly TokenFormat[] = [
  { kind: 'a GitHub token', re: /(?<![A-Za-z0-9_])(gh[pousr]_)([A-Za-z0-9]{36,251})(?![A-Za-z0-9_])/ },
  { kind: 'a GitHub token', re: /(?<![A-Za-z0-9_])(github_pat_)([A-Za-z0-9_]{82})(?![A-Za-z0-9_])/ },
  {
    kind: 'a GitLab token',
    re: /(?<![\w-])(glpat-|gldt-|glrt-|glsoat-|glffct-|glft-|glimt-|glagent-|gloas-|glcbt-)([\w.-]{20,300})(?![\w-])/,
  },
  { kind: 'a GitLab token', re: /(?<![\w-])(glptt-)([0-9a-f]{40})(?![\w-])/ },
  { kind: 'a GitLab token', re: /(?<![\w-])(GR1348941)([\w-]{20})(?![\w-])/ },
  { kind: 'a Slack token', re: /(?<![\w-])(xox[abeoprs]-)([0-9A-Za-z-]{10,250})(?![\w-])/, body: hasDigit },
  { kind: 'a Slack token', re: /(?<![\w-])(xapp-)(\d-[A-Z0-9]+-\d+-[a-z0-9]+)(?![\w-])/i },
  {
    kind: 'a Slack incoming webhook URL',
    re: /(https:\/\/hooks\.slack\.com\/services\/)(T[A-Z0-9]+\/B[A-Z0-9]+\/[A-Za-z0-9]{24})(?![A-Za-z0-9])/,
  },
  { kind: 'a Stripe secret key', re: /(?<![\w])((?:sk|rk)_(?:live|test|prod)_)([A-Za-z0-9]{10,247})(?![A-Za-z0-9])/ },
  { kind: 'a Google API key', re: /(?<![\w-])(AIza)([0-9A-Za-z_-]{35})(?![\w-])/ },
  { kind: 'a SendGrid API key', re: /(?<![\w.-])(SG\.)([A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43})(?![\w-])/ },
  { kind: 'an npm access token', re: /(?<![\w])(npm_)([A-Za-z0-9]{36})(?![A-Za-z0-9])/ },
  // OpenAI keys carry T3BlbkFJ, base64 of "OpenAI": `sk-` alone is far too common
  {
    kind: 'an OpenAI API key',
    re: /(?<![\w-])(sk-(?:proj-|svcacct-|admin-)?)([A-Za-z0-9_-]{20,74}T3BlbkFJ[A-Za-z0-9_-]{20,74})(?![\w-])/,
  },
  { kind: 'an Anthropic API key', re: /(?<![\w-])(sk-ant-(?:api|admin)\d\d-)([\w-]{80,120})(?![\w-])/ },
  { kind: 'a Hugging Face token', re: /(?<![\w])(hf_)([A-Za-z]{34})(?![A-Za-z0-9])/ },
  { kind: 'a DigitalOcean token', re: /(?<![\w])(do[opr]_v1_)([a-f0-9]{64})(?![A-Za-z0-9])/ },
  { kind: 'a Docker Hub access token', re: /(?<![\w])(dckr_pat_)([A-Za-z0-9_-]{27})(?![\w-])/ },
  { kind: 'a PyPI token', re: /(?<![\w])(pypi-AgEIcHlwaS5vcmc)([A-Za-z0-9_-]{50,})(?![\w-])/ },
  { kind: 'a HashiCorp Vault token', re: /(?<![\w.])(hv[sb]\.)([\w-]{90,})(?![\w-])/ },
  { kind: 'a Grafana service account token', re: /(?<![\w])(glsa_)([A-Za-z0-9]{32}_[A-Fa-f0-9]{8})(?![A-Za-z0-9])/ },
  { kind: 'an age secret key', re: /(AGE-SECRET-KEY-1)([QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58})(?![A-Z0-9])/ },
  { kind: 'an AWS access key id', re: /(?<![A-Z0-9])(AKIA|ASIA|ABIA|ACCA)([A-Z0-9]{16})(?![A-Z0-9])/ },
  { kind: 'an Azure storage account key', re: /(AccountKey=)([A-Za-z0-9+/]{86}==)/ },
  { kind: 'an Azure shared access key', re: /(SharedAccessKey=)([A-Za-z0-9+/]{43}=)/ },
];

/** A cheap first pass: most values contain none of these, and are done after one scan. */
const MAYBE =
  /-----BEGIN|eyJ|gh[pousr]_|github_pat_|gl(?:pat|dt|rt|soat|ffct|ft|imt|agent|oas|cbt|ptt)-|GR1348941|xox|xapp-|hooks\.slack|_(?:live|test|prod)_|AIza|SG\.|npm_|sk-|hf_|_v1_|dckr_pat_|pypi-|hv[sb]\.|glsa_|AGE-SECRET|A(?:KIA|SIA|BIA|CCA)|AccountKey=|SharedAccessKey=|:\/\/[^\s/@]*:[^\s/@]*@/;

/** Placeholders written in a token's shape: `ghp_xxxx…`, `AKIAIOSFODNN7EXAMPLE`, `sk_live_XXXX`. */
const PLACEHOLDER = /x{5,}|example|placeholder|dummy|redacted|changeme|your|here/i;

/** Shannon entropy in bits per character. */
function entropy(s: string): number {
  const counts = new Map<string, number>();
  for (const ch of s) counts.set(ch, (counts.get(ch) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) {
    const p = n / s.length;
    h -= p * Math.log2(p);
  }
  return h;
}

/** gitleaks requires 3 bits per character of a token's body; placeholders (`0000…`, `abcabc…`) have less. */
const realBody = (body: string) => !PLACEHOLDER.test(body) && entropy(body) >= 3;

function findToken(value: string): SecretValue | undefined {
  for (const f of TOKEN_FORMATS) {
    const m = f.re.exec(value);
    const prefix = m?.[1];
    const body = m?.[2];
    if (prefix === undefined || body === undefined) continue;
    if (!realBody(body) || (f.body && !f.body(body))) continue;
    return { kind: f.kind, hint: `${prefix}…` };
  }
  return undefined;
}

const PEM_BEGIN = /-----BEGIN ((?:[A-Z0-9]+ )*)PRIVATE KEY( BLOCK)?-----/;

/**
 * A PEM private key block with key material (at least 64 base64 characters
 * after the headers), so that a header quoted in documentation is not one.
 */
function findPrivateKey(value: string): SecretValue | undefined {
  const m = PEM_BEGIN.exec(value);
  if (!m) return undefined;
  const rest = value.slice(m.index + m[0].length);
  const end = rest.indexOf('-----END');
  const body = (end < 0 ? rest : rest.slice(0, end))
    // one-line keys carry literal \n escapes
    .replace(/\\n/g, '\n')
    // RFC 1421 headers of traditional encrypted keys (Proc-Type, DEK-Info)
    .replace(/^[ \t]*[A-Za-z-]+:.*$/gm, '')
    .replace(/\s+/g, '');
  if (!/^[A-Za-z0-9+/]{64,}={0,2}$/.test(body)) return undefined;
  return { kind: 'a PEM private key', hint: m[0] };
}

const JWT = /(?<![\w-])(eyJ[A-Za-z0-9_-]{8,})\.(eyJ[A-Za-z0-9_-]{8,})\.([A-Za-z0-9_-]*)(?![\w.-])/;

function decodeJson(segment: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A signed JWT: three base64url segments, a JSON header naming an `alg`, a
 * JSON payload. Not reported: `alg: none` (unsigned, anyone can forge one),
 * and the anonymous-role keys of PostgREST and Supabase (`role: anon`), which
 * are public by design.
 */
function findJwt(value: string): SecretValue | undefined {
  const m = JWT.exec(value);
  if (!m?.[1] || !m[2]) return undefined;
  const header = decodeJson(m[1]);
  const payload = decodeJson(m[2]);
  const alg = header?.alg;
  if (typeof alg !== 'string' || !payload) return undefined;
  if (alg.toLowerCase() === 'none' || payload.role === 'anon') return undefined;
  return { kind: 'a JSON Web Token', hint: `alg ${alg}` };
}

const URL_CREDENTIALS = /\b([a-z][a-z0-9+.-]{0,30}):\/\/([^\s:/?#@"'`]*):([^\s/?#@"'`]+)@([^\s/?#"'`]+)/i;
/** Passwords that are references or template slots, not literals: $(VAR), ${VAR}, {{ x }}, <password>, ***. */
const PASSWORD_SLOT = /^\$[({]?[A-Za-z_]|\$\(|\$\{|\{\{|%\(|%s|^<.*>$|^\*+$|^x+$/i;

function findUrlPassword(value: string): SecretValue | undefined {
  const m = URL_CREDENTIALS.exec(value);
  const password = m?.[3];
  if (!m || password === undefined || PASSWORD_SLOT.test(password)) return undefined;
  // a template in the user part makes the whole credential a template
  if (/\$\(|\$\{|\{\{/.test(m[2] ?? '')) return undefined;
  return { kind: 'a URL with an embedded password', hint: `${m[1]}://…:***@${m[4]}` };
}

/** The first secret recognised by its format in `value`, or undefined. */
export function secretInValue(value: string): SecretValue | undefined {
  if (value.length < 16 || !MAYBE.test(value)) return undefined;
  return findPrivateKey(value) ?? findJwt(value) ?? findToken(value) ?? findUrlPassword(value);
}
