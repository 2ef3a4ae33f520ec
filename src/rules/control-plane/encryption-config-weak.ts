import { join } from '../../model/pointer.js';
import type { RuleHit } from '../rule.js';
import { cis, defineControlPlaneRule } from './flags.js';

/** Providers that encrypt with a strong cipher and are fit as the first (writing) provider. */
const STRONG = new Set(['aescbc', 'secretbox', 'kms']);

export const rule = defineControlPlaneRule({
  id: 'encryption-config-weak',
  title: 'Encryption at rest does not protect Secrets',
  category: 'control-plane',
  severity: 'high',
  appliesTo: ['EncryptionConfiguration'],
  needs: 'object',
  flags: {},
  description:
    "The kube-apiserver's EncryptionConfiguration (the file --encryption-provider-config names) decides how Secrets are written to etcd: the first entry whose resources cover `secrets` applies, and its first provider encrypts every write. `identity` first (or no entry for secrets) writes them in plain text; `aesgcm` is safe only with keys rotated long before 2^32 writes, which nothing does for you; KMS v1 is deprecated and off by default since Kubernetes 1.29.",
  remediation:
    'Put a strong provider first in the entry for `secrets` (KMS v2 with `apiVersion: v2`, or `secretbox`/`aescbc` with a random 32-byte key), keep `identity` last only to read old data, then rewrite every Secret (`kubectl get secrets -A -o json | kubectl replace -f -`).',
  references: [
    cis('1.2.28', 'Ensure that encryption providers are appropriately configured'),
    {
      title: 'Kubernetes: Encrypting Confidential Data at Rest',
      url: 'https://kubernetes.io/docs/tasks/administer-cluster/encrypt-data/',
    },
  ],
  check(obj) {
    if (!obj.apiVersion.startsWith('apiserver.config.k8s.io/')) return undefined;
    const entries = Array.isArray(obj.raw.resources) ? obj.raw.resources : [];
    const index = entries.findIndex((e) => coversSecrets(e));
    if (index < 0)
      return [
        {
          message: 'no entry covers `secrets`: they are written to etcd in plain text',
          path: entries.length > 0 ? '/resources' : '',
        },
      ];
    const entry = entries[index] as Record<string, unknown>;
    const base = join('/resources', index);
    const providers = Array.isArray(entry.providers) ? entry.providers : [];
    const first = providers[0];
    const name = first && typeof first === 'object' ? Object.keys(first)[0] : undefined;
    const at = join(base, 'providers', 0);
    const hits: RuleHit[] = [];
    if (name === undefined) {
      hits.push({ message: 'the entry for `secrets` has no provider', path: join(base, 'providers') });
    } else if (name === 'identity') {
      hits.push({
        message: '`identity` is the first provider for `secrets`: they are written in plain text',
        path: at,
      });
    } else if (name === 'aesgcm') {
      hits.push({
        message: '`aesgcm` is the first provider for `secrets`: safe only with keys rotated automatically and often',
        path: at,
        severity: 'low',
      });
    } else if (name === 'kms') {
      const kms = (first as Record<string, unknown>).kms as Record<string, unknown> | undefined;
      if (kms?.apiVersion !== 'v2')
        hits.push({
          message:
            'KMS v1 encrypts `secrets`: deprecated, and off by default since Kubernetes 1.29; use `apiVersion: v2`',
          path: join(at, 'kms'),
          severity: 'medium',
        });
    } else if (!STRONG.has(name)) {
      hits.push({ message: `unknown provider "${name}" is the first for \`secrets\``, path: at, severity: 'medium' });
    }
    return hits;
  },
});

/** Whether an entry's `resources` name Secrets: `secrets`, `secrets.` (core group), `*.` or `*.*`. */
function coversSecrets(entry: unknown): boolean {
  if (!entry || typeof entry !== 'object') return false;
  const list = (entry as Record<string, unknown>).resources;
  if (!Array.isArray(list)) return false;
  return list.some((r) => r === 'secrets' || r === 'secrets.' || r === '*.' || r === '*.*');
}
