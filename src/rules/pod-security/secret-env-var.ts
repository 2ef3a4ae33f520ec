import { join } from '../../model/pointer.js';
import { defineRule, type RuleHit } from '../rule.js';
import { describeContainer } from '../supply-chain/container-images.js';
import { MITRE_T1552, NSA_CISA } from './hardening-refs.js';

function isRecord(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

const secretName = (ref: Record<string, unknown>) =>
  typeof ref.name === 'string' && ref.name !== '' ? `Secret "${ref.name}"` : 'a Secret';

export const rule = defineRule({
  id: 'secret-env-var',
  title: 'Secret passed in environment variables',
  category: 'pod-security',
  severity: 'low',
  appliesTo: 'workloads',
  needs: 'object',
  cel: {
    matchKinds: 'workloads',
    validations: [
      {
        expression:
          'variables.containers.all(c, (!has(c.env) || c.env.all(e, !has(e.valueFrom) || !has(e.valueFrom.secretKeyRef))) && (!has(c.envFrom) || c.envFrom.all(e, !has(e.secretRef))))',
        message: 'Secrets must be mounted as files, not passed in env (valueFrom.secretKeyRef) or envFrom (secretRef)',
      },
    ],
  },
  description:
    'A container (init and ephemeral containers included) takes a Secret into its environment: an `env` entry with `valueFrom.secretKeyRef`, or an `envFrom` entry with `secretRef` (every key of the Secret). Programs commonly log or dump their environment on errors, hand it to every child process, and expose it in `/proc/<pid>/environ` and crash reports; an environment variable also keeps the old value when the Secret is rotated, where a mounted file is updated. CIS Kubernetes Benchmark 5.4.1 prefers Secrets as files; as Kubescape C-0207 and the Kyverno policy disallow-secrets-from-env-vars (which also covers envFrom). Literal secret values are reported by env-literal-secret instead.',
  remediation:
    'Mount the Secret as a volume (`volumes[].secret`, mounted `readOnly: true`, with only the `items` the container needs) and have the program read the file; many images accept a `*_FILE` variable naming it (`POSTGRES_PASSWORD_FILE=/run/secrets/db/password`). Where a program only reads its environment, exempt the workload with a reason.',
  references: [
    { title: 'CIS Kubernetes Benchmark 5.4.1 (prefer using secrets as files over secrets as environment variables)' },
    {
      title: 'Kubernetes: good practices for Secrets',
      url: 'https://kubernetes.io/docs/concepts/security/secrets-good-practices/',
    },
    {
      title: 'Kubernetes: using Secrets as files from a Pod',
      url: 'https://kubernetes.io/docs/concepts/configuration/secret/#using-secrets-as-files-from-a-pod',
    },
    { title: 'Kubescape C-0207: prefer using secrets as files over secrets as environment variables' },
    NSA_CISA,
    MITRE_T1552,
  ],
  check(_obj, ctx) {
    const w = ctx.workload;
    if (!w) return undefined;
    const hits: RuleHit[] = [];
    for (const c of w.containers) {
      const { env, envFrom } = c.spec;
      if (Array.isArray(env)) {
        env.forEach((e: unknown, i) => {
          if (!isRecord(e) || !isRecord(e.valueFrom) || !isRecord(e.valueFrom.secretKeyRef)) return;
          const ref = e.valueFrom.secretKeyRef;
          const key = typeof ref.key === 'string' ? ` key "${ref.key}"` : '';
          const name = typeof e.name === 'string' ? e.name : `#${i}`;
          hits.push({
            path: join(c.path, 'env', i, 'valueFrom', 'secretKeyRef'),
            message: `${describeContainer(c)} reads ${secretName(ref)}${key} into environment variable ${name}; mount it as a file instead`,
          });
        });
      }
      if (Array.isArray(envFrom)) {
        envFrom.forEach((e: unknown, i) => {
          if (!isRecord(e) || !isRecord(e.secretRef)) return;
          hits.push({
            path: join(c.path, 'envFrom', i, 'secretRef'),
            message: `${describeContainer(c)} loads every key of ${secretName(e.secretRef)} into its environment (envFrom); mount it as a file instead`,
          });
        });
      }
    }
    return hits;
  },
});
