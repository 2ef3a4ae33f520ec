import { defineRule } from '../rule.js';

/** Reported by the sources, not by a check; listed here so that `rules` and `explain` know it. */
export const rule = defineRule({
  id: 'list-item-without-kind',
  title: 'List item without apiVersion/kind',
  category: 'governance',
  severity: 'high',
  appliesTo: [],
  needs: 'object',
  description:
    "An item of a generic `kind: List` has no `kind`, so nothing says what object it is and no rule can judge it. Typed lists as the API serves them (`PodList`, `DeploymentList`, from `kubectl get -o yaml`) name their items' kind and are read item by item; a generic List does not. kubeprint is a gate, so what it cannot judge is reported rather than skipped.",
  remediation:
    'Give every item of the List its `apiVersion` and `kind`, or use the typed list (`kind: PodList`, `apiVersion: v1`) that `kubectl get` writes.',
  references: [
    {
      title: 'Kubernetes API concepts: collections',
      url: 'https://kubernetes.io/docs/reference/using-api/api-concepts/#collections',
    },
  ],
  check: () => undefined,
});
