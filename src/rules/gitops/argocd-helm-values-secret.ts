import jsYaml from 'js-yaml';
import { join } from '../../model/pointer.js';
import { isSecretName } from '../pod-security/env-literal-secret.js';
import { secretInValue } from '../pod-security/secret-values.js';
import { defineRule, type RuleHit } from '../rule.js';
import { appSpecOf, describeApp, isMap, writtenSourcesOf } from './argo-app.js';
import { ARGO_HELM, ARGO_SECRETS, MITRE_T1552 } from './argo-refs.js';

/**
 * Values that are not a literal secret: empty, switches, references that a
 * plugin or the chart resolves (`{{ }}`, `${VAR}`, `$(VAR)`, argocd-vault-plugin's
 * `<path:…>`, vals' `ref+…://`, `vault:…`), and masks.
 */
function isReference(value: string): boolean {
  const v = value.trim();
  return (
    v === '' ||
    /^(?:true|false|yes|no|on|off|none|null|~)$/i.test(v) ||
    /\{\{|\$\{|\$\(/.test(v) ||
    /^<[^<>]+>$/.test(v) ||
    /^ref\+[a-z0-9]+:\/\//i.test(v) ||
    /^(?:vault|secretref|awssm|gcpsm|sops):/i.test(v) ||
    /^\*+$/.test(v)
  );
}

/** A Kubernetes object name (DNS-1123): what `existingSecret: db-creds`-style keys hold. */
const OBJECT_NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

/**
 * Helm charts name the Secret to read with keys that contain "secret"
 * (`existingSecret`, `passwordSecret`, `auth.secret`) and the key within it
 * with `…Key` (`existingSecretPasswordKey`, `userPasswordKey: password`).
 */
function namesASecretObject(key: string, value: string): boolean {
  if (/^existing/i.test(key)) return true;
  if (/secret$/i.test(key) && OBJECT_NAME.test(value)) return true;
  if (/(?:password|token|secret)Key$/i.test(key) && /^[A-Za-z0-9._-]{1,63}$/.test(value) && !/\d/.test(value))
    return true;
  return false;
}

interface Leaf {
  /** Keys from the values root (`auth`, `password`). */
  readonly keys: readonly (string | number)[];
  readonly value: string;
}

function* leaves(v: unknown, keys: (string | number)[] = [], depth = 0): Generator<Leaf> {
  if (depth > 32) return;
  if (typeof v === 'string') yield { keys, value: v };
  else if (Array.isArray(v))
    for (let i = 0; i < v.length && i < 10_000; i++) yield* leaves(v[i], [...keys, i], depth + 1);
  else if (isMap(v)) for (const [k, x] of Object.entries(v)) yield* leaves(x, [...keys, k], depth + 1);
}

/** What kind of secret a value under this name is, or undefined. */
function judge(name: string, value: string): string | undefined {
  if (isReference(value)) return undefined;
  const byValue = secretInValue(value);
  if (byValue) return `${byValue.kind} (${byValue.hint})`;
  const last = name.split('.').pop() ?? name;
  if (!isSecretName(last) || namesASecretObject(last, value)) return undefined;
  return 'a literal secret';
}

const dotted = (keys: readonly (string | number)[]) =>
  keys.map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? k : `.${k}`)).join('');

export const rule = defineRule({
  id: 'argocd-helm-values-secret',
  title: 'Secret written in an Argo CD Application',
  category: 'gitops',
  severity: 'high',
  appliesTo: ['Application', 'ApplicationSet'],
  needs: 'object',
  description:
    "A source of an Application (or of an ApplicationSet's template) carries a secret in plain text: in Helm `values` (the YAML string), `valuesObject` or `parameters`, or in a config management plugin's `env` or `parameters`. Judged like env-literal-secret: by the key's name (password, token, secret, apiKey, privateKey, clientSecret, …, the last key of the path) or, whatever the name, by the value's format (PEM private keys, signed JWTs, provider tokens, URLs with a password). The secret is then in git, in the Application object that everyone with read access to Argo CD (and to the namespace) can see, and in Argo CD's caches. Not reported: empty values and switches, references resolved later (`{{ }}`, `$(VAR)`, argocd-vault-plugin `<path:…#key>`, vals `ref+…://`), and the keys charts use to name a Secret object or a key in it (`existingSecret`, `passwordSecret: db-creds`, `userPasswordKey: password`); a real secret that happens to look like a Secret's name (lower case, digits and hyphens) under a key ending in `secret` is missed. The message names the key and the kind of secret, never the value.",
  remediation:
    'Keep the secret out of the Application: let the chart read an existing Secret (`existingSecret`) created by External Secrets, Sealed Secrets or SOPS, or use a secrets plugin that resolves references at render time; rotate the value, since it is in git history.',
  references: [ARGO_SECRETS, ARGO_HELM, MITRE_T1552],
  check(obj) {
    const app = appSpecOf(obj);
    if (!app) return undefined;
    const hits: RuleHit[] = [];
    const what = describeApp(obj, app);
    for (const { source, at } of writtenSourcesOf(app)) {
      const helm = source.helm;
      if (isMap(helm)) {
        if (typeof helm.values === 'string' && helm.values.length < 1_000_000) {
          let parsed: unknown;
          try {
            parsed = jsYaml.load(helm.values, { json: true });
          } catch {
            parsed = undefined;
          }
          for (const leaf of leaves(parsed)) {
            const name = dotted(leaf.keys);
            const kind = judge(name, leaf.value);
            if (kind)
              hits.push({ path: join(at, 'helm', 'values'), message: `${what} sets Helm value "${name}" to ${kind}` });
          }
        }
        for (const leaf of leaves(helm.valuesObject)) {
          const name = dotted(leaf.keys);
          const kind = judge(name, leaf.value);
          if (kind)
            hits.push({
              path: join(at, 'helm', 'valuesObject', ...leaf.keys),
              message: `${what} sets Helm value "${name}" to ${kind}`,
            });
        }
        if (Array.isArray(helm.parameters))
          helm.parameters.forEach((p, i) => {
            if (!isMap(p) || typeof p.name !== 'string' || typeof p.value !== 'string') return;
            const kind = judge(p.name, p.value);
            if (kind)
              hits.push({
                path: join(at, 'helm', 'parameters', i, 'value'),
                message: `${what} sets Helm parameter "${p.name}" to ${kind}`,
              });
          });
      }
      const plugin = source.plugin;
      if (isMap(plugin)) {
        if (Array.isArray(plugin.env))
          plugin.env.forEach((e, i) => {
            if (!isMap(e) || typeof e.name !== 'string' || typeof e.value !== 'string') return;
            const kind = judge(e.name, e.value);
            if (kind)
              hits.push({
                path: join(at, 'plugin', 'env', i, 'value'),
                message: `${what} sets plugin variable "${e.name}" to ${kind}`,
              });
          });
        if (Array.isArray(plugin.parameters))
          plugin.parameters.forEach((p, i) => {
            if (!isMap(p) || typeof p.name !== 'string') return;
            if (typeof p.string === 'string') {
              const kind = judge(p.name, p.string);
              if (kind)
                hits.push({
                  path: join(at, 'plugin', 'parameters', i, 'string'),
                  message: `${what} sets plugin parameter "${p.name}" to ${kind}`,
                });
            }
            for (const leaf of leaves(p.map)) {
              const name = `${p.name}.${dotted(leaf.keys)}`;
              const kind = judge(name, leaf.value);
              if (kind)
                hits.push({
                  path: join(at, 'plugin', 'parameters', i, 'map', ...leaf.keys),
                  message: `${what} sets plugin parameter "${name}" to ${kind}`,
                });
            }
          });
      }
    }
    return hits;
  },
});
