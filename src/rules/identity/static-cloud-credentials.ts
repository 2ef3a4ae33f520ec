import { join, pointer } from '../../model/pointer.js';
import { WORKLOAD_KINDS } from '../../model/workload.js';
import { defineRule, type RuleHit } from '../rule.js';
import { describeContainer } from '../supply-chain/container-images.js';

type Provider = 'aws' | 'gcp' | 'azure';

interface Detection {
  provider: Provider;
  /** What was found, for the message; never the credential itself. */
  what: string;
}

const AWS_KEY_ID = /(?<![A-Z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Z0-9])/g;
const AWS_SECRET_ASSIGNMENT =
  /(?:aws_?)?secret_?access_?key["']?\s*[:=]\s*["']?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])/gi;
const AWS_SECRET_VALUE = /^[A-Za-z0-9/+]{40}$/;
const AWS_SECRET_NAMES = new Set(['AWSSECRETACCESSKEY', 'SECRETACCESSKEY', 'AWSSECRETKEY']);
const GCP_TYPE = /"type"\s*:\s*"service_account"/;
const GCP_PRIVATE_KEY = /"private_key"\s*:\s*"-----BEGIN/;
const AZURE_ACCOUNT_KEY = /AccountKey=[A-Za-z0-9+/]{86}==/;
const AZURE_SECRET_NAMES = new Set(['AZURECLIENTSECRET']);

/** Documentation examples (AKIAIOSFODNN7EXAMPLE) are not credentials. */
const isExample = (s: string) => s.includes('EXAMPLE');

const normaliseName = (name: string) => name.replace(/[^A-Za-z0-9]/g, '').toUpperCase();

/**
 * Static cloud credentials in one named value (a data key, an env variable).
 * Pure; looks at the key's name and its (decoded) text.
 */
export function detectCloudCredentials(name: string, text: string): Detection[] {
  const found: Detection[] = [];
  for (const m of text.matchAll(AWS_KEY_ID)) {
    if (!isExample(m[0])) {
      found.push({ provider: 'aws', what: 'an AWS access key id' });
      break;
    }
  }
  const n = normaliseName(name);
  const trimmed = text.trim();
  let awsSecret = AWS_SECRET_NAMES.has(n) && AWS_SECRET_VALUE.test(trimmed) && !isExample(trimmed);
  if (!awsSecret) {
    for (const m of text.matchAll(AWS_SECRET_ASSIGNMENT)) {
      if (m[1] !== undefined && !isExample(m[1])) {
        awsSecret = true;
        break;
      }
    }
  }
  if (awsSecret) found.push({ provider: 'aws', what: 'an AWS secret access key' });
  if (GCP_TYPE.test(text) && GCP_PRIVATE_KEY.test(text)) {
    found.push({ provider: 'gcp', what: 'a Google Cloud service account key' });
  }
  if (AZURE_ACCOUNT_KEY.test(text)) found.push({ provider: 'azure', what: 'an Azure storage account key' });
  else if (AZURE_SECRET_NAMES.has(n) && trimmed !== '') {
    found.push({ provider: 'azure', what: 'an Azure client secret' });
  }
  return found;
}

const FEDERATION: Record<Provider, string> = {
  aws: 'IAM Roles for Service Accounts (IRSA) or EKS Pod Identity',
  gcp: 'GKE Workload Identity Federation',
  azure: 'Azure Workload Identity',
};

function describe(found: Detection[]): string {
  const whats = [...new Set(found.map((d) => d.what))];
  const list = whats.length === 1 ? whats[0] : `${whats.slice(0, -1).join(', ')} and ${whats[whats.length - 1]}`;
  const providers = [...new Set(found.map((d) => d.provider))];
  return `${list}; use workload identity federation (${providers.map((p) => FEDERATION[p]).join(', ')}) instead of static keys`;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return !!v && typeof v === 'object' && !Array.isArray(v);
}

function decodeBase64(s: string): string {
  return Buffer.from(s, 'base64').toString('utf8');
}

export const rule = defineRule({
  id: 'static-cloud-credentials',
  title: 'Static cloud credentials in a Secret, ConfigMap or environment variable',
  category: 'identity',
  severity: 'critical',
  appliesTo: ['Secret', 'ConfigMap', ...WORKLOAD_KINDS],
  needs: 'object',
  description:
    'A Secret (data, decoded from base64, or stringData), a ConfigMap (data or binaryData) or a literal container environment variable holds a long-lived cloud credential: an AWS access key id (AKIA/ASIA…) or secret access key, a Google Cloud service account JSON key, or an Azure storage account key or client secret. Such keys do not expire, work from anywhere, are copied into Git, backups and every reader of the object, and are the usual way a cluster compromise becomes a cloud account compromise. The credential is never printed.',
  remediation:
    'Delete the key from the manifest and revoke it in the cloud provider (it is in Git history). Give the workload a cloud identity through workload identity federation instead: IRSA or EKS Pod Identity on AWS, Workload Identity Federation on GKE, Azure Workload Identity on AKS (or SPIFFE elsewhere), bound to a dedicated ServiceAccount.',
  references: [
    {
      title: 'MITRE ATT&CK T1552.001 Unsecured Credentials: Credentials In Files',
      url: 'https://attack.mitre.org/techniques/T1552/001/',
    },
    {
      title: 'MITRE ATT&CK T1078.004 Valid Accounts: Cloud Accounts',
      url: 'https://attack.mitre.org/techniques/T1078/004/',
    },
    { title: 'CIS Kubernetes Benchmark 5.4.2 (consider external secret storage)' },
    {
      title: 'AWS: IAM roles for service accounts',
      url: 'https://docs.aws.amazon.com/eks/latest/userguide/iam-roles-for-service-accounts.html',
    },
    { title: 'AWS: EKS Pod Identity', url: 'https://docs.aws.amazon.com/eks/latest/userguide/pod-identities.html' },
    {
      title: 'Google Cloud: Workload Identity Federation for GKE',
      url: 'https://cloud.google.com/kubernetes-engine/docs/how-to/workload-identity',
    },
    {
      title: 'Azure: Microsoft Entra Workload ID on AKS',
      url: 'https://learn.microsoft.com/en-us/azure/aks/workload-identity-overview',
    },
  ],
  check(obj, ctx) {
    const hits: RuleHit[] = [];
    const scanMap = (field: string, base64: boolean, label: string) => {
      const map = obj.raw[field];
      if (!isRecord(map)) return;
      for (const [key, value] of Object.entries(map)) {
        if (typeof value !== 'string' || value === '') continue;
        const found = detectCloudCredentials(key, base64 ? decodeBase64(value) : value);
        if (found.length > 0) {
          hits.push({
            path: pointer(field, key),
            message: `${obj.kind} ${label} key "${key}" holds ${describe(found)}`,
          });
        }
      }
    };
    if (obj.kind === 'Secret' && obj.apiVersion === 'v1') {
      scanMap('data', true, 'data');
      scanMap('stringData', false, 'stringData');
    } else if (obj.kind === 'ConfigMap' && obj.apiVersion === 'v1') {
      scanMap('data', false, 'data');
      scanMap('binaryData', true, 'binaryData');
    } else if (ctx.workload) {
      for (const c of ctx.workload.containers) {
        const env = c.spec.env;
        if (!Array.isArray(env)) continue;
        env.forEach((e: unknown, i) => {
          if (!isRecord(e) || typeof e.name !== 'string' || typeof e.value !== 'string' || e.value === '') return;
          const found = detectCloudCredentials(e.name, e.value);
          if (found.length > 0) {
            hits.push({
              path: join(c.path, 'env', i, 'value'),
              message: `${describeContainer(c)} environment variable ${e.name} holds ${describe(found)}`,
            });
          }
        });
      }
    }
    return hits;
  },
});
