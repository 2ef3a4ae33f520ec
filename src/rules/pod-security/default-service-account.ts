import { join } from '../../model/pointer.js';
import { defineRule } from '../rule.js';
import { NSA_CISA } from './hardening-refs.js';
import { serviceAccountNameOf } from './service-account.js';

export const rule = defineRule({
  id: 'default-service-account',
  title: 'Pod runs as the default service account',
  category: 'pod-security',
  severity: 'low',
  appliesTo: 'workloads',
  needs: 'object',
  description:
    "The pod does not name a service account (or names `default`), so it shares the namespace's default service account with every other pod that does the same. Any permission, image pull secret or cloud identity bound to that account is then held by all of them, and RBAC cannot tell them apart.",
  remediation:
    'Create a ServiceAccount per workload, bind only the permissions it needs, and set `serviceAccountName` in the pod spec. Leave the default account without role bindings and with `automountServiceAccountToken: false`.',
  references: [
    { title: 'CIS Kubernetes Benchmark 5.1.5 (default service accounts not actively used)' },
    NSA_CISA,
    {
      title: 'Kubernetes: service accounts, default service accounts',
      url: 'https://kubernetes.io/docs/concepts/security/service-accounts/#default-service-accounts',
    },
  ],
  check(_obj, ctx) {
    const w = ctx.workload;
    if (!w || serviceAccountNameOf(w) !== 'default') return undefined;
    const set = typeof w.podSpec.serviceAccountName === 'string' && w.podSpec.serviceAccountName !== '';
    return [
      {
        path: join(w.podSpecPath, 'serviceAccountName'),
        message: set
          ? "pod sets serviceAccountName: default, the namespace's shared default service account"
          : "pod sets no serviceAccountName, so it runs as the namespace's shared default service account",
      },
    ];
  },
});
