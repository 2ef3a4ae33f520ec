import { matchesSelector } from '../../model/selector.js';
import { defineRule } from '../rule.js';
import {
  candidatesFor,
  kindName,
  nsLabel,
  nsOf,
  objectLabelHint,
  operatorPodsByNamespace,
  pdbSelector,
  rec,
  workloadsByNamespace,
} from './shared.js';

export const rule = defineRule({
  id: 'pdb-selects-nothing',
  title: 'PodDisruptionBudget selects no pods',
  category: 'resilience',
  severity: 'low',
  appliesTo: ['PodDisruptionBudget'],
  needs: 'scope',
  description:
    "A PodDisruptionBudget whose selector matches the pod template labels of no workload in its namespace protects nothing: the workload it was written for can be evicted all at once. Common causes are a typo in a label, a selector copied from the Deployment's own labels instead of its pod template, a PodDisruptionBudget in another namespace, or a missing selector (which selects nothing; in policy/v1beta1 an empty selector also selects nothing). Only workloads in the same scan scope are considered, with the pods that known operators make from custom resources there (prometheus-operator's Prometheus, Alertmanager and ThanosRuler, and those declared in config `operatorWorkloads`).",
  remediation:
    'Make spec.selector match the pod template labels (spec.template.metadata.labels) of the workload in the same namespace, e.g. `selector: {matchLabels: {app: web}}`, or delete the PodDisruptionBudget.',
  references: [
    {
      title: 'Kubernetes: Specifying a Disruption Budget',
      url: 'https://kubernetes.io/docs/tasks/run-application/configure-pdb/#specifying-a-poddisruptionbudget',
    },
  ],
  check(obj, ctx) {
    const sel = pdbSelector(obj);
    const pdb = kindName(obj);
    if (!sel.ok) return [{ message: `${pdb} has an invalid selector (${sel.error})`, path: '/spec/selector' }];
    if (!sel.selector) {
      return [
        rec(obj.raw.spec).selector != null
          ? { message: `${pdb} has an empty selector, which selects no pods in policy/v1beta1`, path: '/spec/selector' }
          : { message: `${pdb} has no spec.selector, so it selects no pods`, path: '/spec' },
      ];
    }
    const selector = sel.selector;
    const ns = nsOf(obj);
    const required = selector.matchLabels ?? {};
    if (candidatesFor(ctx, ns, required).some((w) => matchesSelector(selector, w.podLabels))) return undefined;
    const operatorPods = operatorPodsByNamespace(ctx).get(ns) ?? [];
    if (operatorPods.some((w) => matchesSelector(selector, w.pods.labels))) return undefined;
    const candidates = workloadsByNamespace(ctx).get(ns) ?? [];
    const hint = objectLabelHint(candidates, (labels) => matchesSelector(selector, labels));
    return [
      {
        message: `${pdb} selects no pods of any workload in ${nsLabel(ns)}${hint}`,
        path: '/spec/selector',
      },
    ];
  },
});
