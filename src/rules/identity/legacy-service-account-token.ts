import { annotationsOf } from '../../model/kube-object.js';
import { defineRule } from '../rule.js';
import { ownEscalationPaths, RBAC_GOOD_PRACTICES, rbacOf } from './rbac-context.js';

export const rule = defineRule({
  id: 'legacy-service-account-token',
  title: 'Long-lived service account token Secret',
  category: 'identity',
  severity: 'medium',
  appliesTo: ['Secret'],
  needs: 'scope',
  description:
    'A Secret of type kubernetes.io/service-account-token holds a token that never expires and is not bound to a pod. Anyone who can read Secrets in the namespace, or who finds the token in a log or backup, can use it until the Secret is deleted. Kubernetes no longer creates these (since 1.24) and cleans unused ones up (since 1.29). It is worse when the account can escalate.',
  remediation:
    'Delete the Secret. Pods get short-lived projected tokens automatically; a client outside the cluster can use `kubectl create token` or the TokenRequest API for a token with an expiry.',
  references: [
    RBAC_GOOD_PRACTICES,
    {
      title: 'Kubernetes: legacy service account token cleaner',
      url: 'https://kubernetes.io/docs/reference/access-authn-authz/service-accounts-admin/#legacy-serviceaccount-token-cleaner',
    },
    { title: 'MITRE ATT&CK T1528 (Steal Application Access Token)' },
  ],
  check(obj, ctx) {
    if (obj.raw.type !== 'kubernetes.io/service-account-token') return undefined;
    const sa = annotationsOf(obj.raw)['kubernetes.io/service-account.name'];
    const ns = obj.namespace ?? 'default';
    if (!sa) return [{ message: `Secret ${obj.name} is a long-lived service account token Secret`, path: '/type' }];
    const techniques = ownEscalationPaths(rbacOf(ctx), `ServiceAccount:${ns}:${sa}`).map((p) => p.technique);
    return [
      {
        message: `Secret ${obj.name} holds a long-lived token of ServiceAccount ${ns}/${sa}${techniques.length ? `, which can escalate (${techniques.join(', ')})` : ''}`,
        path: '/type',
        ...(techniques.length ? { severity: 'high' as const } : {}),
      },
    ];
  },
});
