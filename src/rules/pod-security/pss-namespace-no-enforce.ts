import { SYSTEM_NAMESPACES } from '../../engines/pss/index.js';
import { defineRule } from '../rule.js';
import { scopeNamespaces } from './namespace-policies.js';
import { PSS_DOC } from './pss-check-rule.js';

export const rule = defineRule({
  id: 'pss-namespace-no-enforce',
  title: 'Namespace has no Pod Security enforce label',
  category: 'pod-security',
  severity: 'medium',
  appliesTo: ['Namespace'],
  needs: 'object',
  description:
    'The namespace has no pod-security.kubernetes.io/enforce label, so Pod Security Admission applies the cluster default (privileged unless the admission configuration says otherwise) and admits any pod. System namespaces (kube-system, kube-public, kube-node-lease) are not reported.',
  remediation:
    'Label the namespace with pod-security.kubernetes.io/enforce: baseline or restricted (and pin pod-security.kubernetes.io/enforce-version); run `kubeprint pss PATH --what-if restricted -n NAMESPACE` first to see what would break.',
  references: [
    { title: 'Pod Security Standards', url: PSS_DOC },
    {
      title: 'Enforce Pod Security Standards with namespace labels',
      url: 'https://kubernetes.io/docs/tasks/configure-pod-container/enforce-standards-namespace-labels/',
    },
  ],
  check: (obj, ctx) => {
    if (SYSTEM_NAMESPACES.has(obj.name)) return undefined;
    const ns = scopeNamespaces(ctx).get(obj.name);
    if (!ns || ns.object !== obj || ns.policy.enforce.labelled) return undefined;
    return [
      {
        message: `namespace "${obj.name}" has no pod-security.kubernetes.io/enforce label: any pod is admitted`,
        path: '/metadata',
      },
    ];
  },
});
