import { namespacePolicy, SYSTEM_NAMESPACES } from '../../engines/pss/index.js';
import { labelsOf } from '../../model/kube-object.js';
import { defineRule } from '../rule.js';
import { labelPath } from './namespace-policies.js';
import { PSS_DOC } from './pss-check-rule.js';

export const rule = defineRule({
  id: 'pss-namespace-privileged',
  title: 'Namespace enforces the privileged Pod Security level',
  category: 'pod-security',
  severity: 'medium',
  appliesTo: ['Namespace'],
  needs: 'object',
  description:
    'The namespace sets pod-security.kubernetes.io/enforce: privileged, so privileged containers, host namespaces and hostPath volumes are admitted. Only system namespaces (kube-system, kube-public, kube-node-lease) should need that.',
  remediation:
    'Enforce baseline or restricted; move workloads that truly need host access into a dedicated, tightly controlled namespace with a documented exemption.',
  references: [{ title: 'Pod Security Standards: privileged', url: `${PSS_DOC}#privileged` }],
  check: (obj) => {
    if (SYSTEM_NAMESPACES.has(obj.name)) return undefined;
    const p = namespacePolicy(labelsOf(obj.raw));
    if (!p.enforce.labelled || p.enforce.level !== 'privileged') return undefined;
    return [
      {
        message: `namespace "${obj.name}" enforces the privileged level: pods with host access are admitted`,
        path: labelPath(p.enforce.levelLabel),
      },
    ];
  },
});
