import { join } from '../../model/pointer.js';
import { isSecretName } from '../pod-security/env-literal-secret.js';
import { secretInValue } from '../pod-security/secret-values.js';
import { defineRule, type RuleHit } from '../rule.js';
import { describeFlux, isFlux, isMap, specOf } from './flux.js';
import { FLUX_HR_VALUES, FLUX_KUSTOMIZATIONS, FLUX_SOPS, MITRE_T1552 } from './flux-refs.js';

/**
 * Values that are not a literal secret: empty, switches, references resolved
 * later (`${VAR}` by Flux's post-build substitution, `{{ }}` by a chart,
 * `$(VAR)`), SOPS ciphertext (`ENC[…]`), other secret managers' references,
 * and masks.
 */
function isReference(value: string): boolean {
  const v = value.trim();
  return (
    v === '' ||
    /^(?:true|false|yes|no|on|off|none|null|~)$/i.test(v) ||
    /\{\{|\$\{|\$\(/.test(v) ||
    /^ENC\[[A-Z0-9_]+,data:/.test(v) ||
    /^<[^<>]+>$/.test(v) ||
    /^ref\+[a-z0-9]+:\/\//i.test(v) ||
    /^(?:vault|secretref|awssm|gcpsm|sops):/i.test(v) ||
    /^\*+$/.test(v)
  );
}

/** A Kubernetes object name (DNS-1123): what `existingSecret: db-creds`-style keys hold. */
const OBJECT_NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

/** Keys charts use to name the Secret to read (`existingSecret`, `passwordSecret`) or the key in it (`userPasswordKey`). */
function namesASecretObject(key: string, value: string): boolean {
  if (/^existing/i.test(key)) return true;
  if (/secret(?:name|ref)?$/i.test(key) && OBJECT_NAME.test(value)) return true;
  if (/(?:password|token|secret)Key$/i.test(key) && /^[A-Za-z0-9._-]{1,63}$/.test(value) && !/\d/.test(value))
    return true;
  return false;
}

/** What kind of secret a value under this key is, or undefined. */
function secretKind(key: string, value: string): string | undefined {
  if (isReference(value)) return undefined;
  const byValue = secretInValue(value);
  if (byValue) return `${byValue.kind} (${byValue.hint})`;
  if (!isSecretName(key) || namesASecretObject(key, value)) return undefined;
  return 'a literal secret';
}

function* leaves(
  v: unknown,
  keys: (string | number)[] = [],
  depth = 0,
): Generator<{ keys: (string | number)[]; value: string }> {
  if (depth > 32) return;
  if (typeof v === 'string') yield { keys, value: v };
  else if (Array.isArray(v))
    for (let i = 0; i < v.length && i < 10_000; i++) yield* leaves(v[i], [...keys, i], depth + 1);
  else if (isMap(v)) for (const [k, x] of Object.entries(v)) yield* leaves(x, [...keys, k], depth + 1);
}

const dotted = (keys: readonly (string | number)[]) =>
  keys.map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? k : `.${k}`)).join('');

export const rule = defineRule({
  id: 'flux-values-secret',
  title: 'Secret written in a Flux HelmRelease or Kustomization',
  category: 'gitops',
  severity: 'high',
  appliesTo: ['HelmRelease', 'Kustomization'],
  needs: 'object',
  description:
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Flux's ${VAR} substitution syntax, written out
    "A HelmRelease's `spec.values` or a Kustomization's `spec.postBuild.substitute` holds a secret in plain text: judged like env-literal-secret, by the key's name (password, token, secret, apiKey, clientSecret, …; the last key of a values path) or, whatever the name, by the value's format (PEM private keys, signed JWTs, provider tokens, URLs with a password). The secret is then in git, in the object that everyone who can read Flux objects in that namespace can see, and in the Helm release history. Not reported: empty values and switches, references resolved later (`${VAR}` post-build substitution, `{{ }}`, `$(VAR)`), SOPS ciphertext (`ENC[…]`, a file Flux decrypts), and the keys charts use to name a Secret object or a key in it (`existingSecret`, `passwordSecret: db-creds`, `userPasswordKey: password`). The message names the key and the kind of secret, never the value.",
  remediation:
    'Move the value into a Secret (encrypted in git with SOPS and `decryption`, or created by External Secrets or Sealed Secrets) and read it with `valuesFrom` (HelmRelease) or `postBuild.substituteFrom` (Kustomization); rotate the value, since it is in git history.',
  references: [FLUX_HR_VALUES, FLUX_KUSTOMIZATIONS, FLUX_SOPS, MITRE_T1552],
  check(obj) {
    const spec = specOf(obj);
    if (!spec) return undefined;
    const hits: RuleHit[] = [];
    if (isFlux(obj, 'HelmRelease'))
      for (const leaf of leaves(spec.values)) {
        const name = dotted(leaf.keys);
        const last = leaf.keys.filter((k) => typeof k === 'string').pop() ?? '';
        const kind = secretKind(String(last), leaf.value);
        if (kind)
          hits.push({
            path: join('/spec/values', ...leaf.keys),
            message: `${describeFlux(obj)} sets Helm value "${name}" to ${kind}`,
          });
      }
    if (isFlux(obj, 'Kustomization') && isMap(spec.postBuild) && isMap(spec.postBuild.substitute))
      for (const [k, v] of Object.entries(spec.postBuild.substitute)) {
        if (typeof v !== 'string') continue;
        const kind = secretKind(k, v);
        if (kind)
          hits.push({
            path: join('/spec/postBuild/substitute', k),
            message: `${describeFlux(obj)} substitutes \${${k}} with ${kind}`,
          });
      }
    return hits;
  },
});
