import { namespacePolicy } from '../../engines/pss/index.js';
import { labelsOf } from '../../model/kube-object.js';
import { defineRule } from '../rule.js';
import { labelPath } from './namespace-policies.js';
import { PSS_DOC } from './pss-check-rule.js';

export const rule = defineRule({
  id: 'pss-namespace-label-invalid',
  title: 'Invalid Pod Security namespace label',
  category: 'pod-security',
  severity: 'medium',
  appliesTo: ['Namespace'],
  needs: 'object',
  description:
    'A pod-security.kubernetes.io/{enforce,audit,warn}[-version] label has a value the admission controller cannot parse. It then falls back to restricted (for a level) or latest (for a version), which is rarely what was meant.',
  remediation: 'Use privileged, baseline or restricted for levels, and latest or v1.<minor> for versions.',
  references: [
    {
      title: 'Pod Security Admission labels',
      url: 'https://kubernetes.io/docs/concepts/security/pod-security-admission/',
    },
    { title: 'Pod Security Standards', url: PSS_DOC },
  ],
  check: (obj) =>
    namespacePolicy(labelsOf(obj.raw)).problems.map((p) => ({
      message: `label ${p.label}="${p.value}" ${p.message}`,
      path: labelPath(p.label),
    })),
});
