import { join } from '../../model/pointer.js';
import { defineRule } from '../rule.js';
import { K8S_SA_TOKEN_OPT_OUT, MITRE_T1528, NSA_CISA } from './hardening-refs.js';
import { serviceAccountNameOf, serviceAccountsOf } from './service-account.js';

export const rule = defineRule({
  id: 'automount-service-account-token',
  title: 'Service account token is automounted',
  category: 'pod-security',
  severity: 'low',
  appliesTo: 'workloads',
  needs: 'scope',
  description:
    "The pod gets an API token for its service account mounted into every container, because neither the pod (`automountServiceAccountToken: false`) nor its ServiceAccount in the scanned manifests turns automounting off. Most applications never call the Kubernetes API; for them the token only helps an attacker who gets code execution to query and act on the cluster with the account's permissions.",
  remediation:
    'Set `automountServiceAccountToken: false` in the pod spec, or on the ServiceAccount (the pod setting wins when both are set). Workloads that do call the API can keep it, or mount a projected token with a short expiry and a specific audience.',
  references: [
    { title: 'CIS Kubernetes Benchmark 5.1.6 (service account tokens only mounted where necessary)' },
    NSA_CISA,
    K8S_SA_TOKEN_OPT_OUT,
    MITRE_T1528,
  ],
  check(_obj, ctx) {
    const w = ctx.workload;
    if (!w) return undefined;
    const path = join(w.podSpecPath, 'automountServiceAccountToken');
    const own = w.podSpec.automountServiceAccountToken;
    if (own === false) return undefined;
    const sa = serviceAccountNameOf(w);
    if (own === true) {
      return [
        {
          path,
          message: `pod sets automountServiceAccountToken: true, so every container gets a token for service account "${sa}"`,
        },
      ];
    }
    const accounts = serviceAccountsOf(w, ctx);
    if (accounts.length > 0 && accounts.every((a) => a.raw.automountServiceAccountToken === false)) return undefined;
    const where =
      accounts.length > 0 ? 'nor its ServiceAccount' : 'and its ServiceAccount is not in the scanned manifests';
    return [
      {
        path,
        message: `pod automounts the token of service account "${sa}": automountServiceAccountToken is not false in the pod spec ${where}`,
      },
    ];
  },
});
