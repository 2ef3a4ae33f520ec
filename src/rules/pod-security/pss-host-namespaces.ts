import { pssCheckRule } from './pss-check-rule.js';

export const rule = pssCheckRule({
  id: 'pss-host-namespaces',
  check: 'hostNamespaces',
  cel: {
    matchKinds: 'workloads',
    validations: (['hostNetwork', 'hostPID', 'hostIPC'] as const).map((f) => ({
      expression: `!(has(variables.podSpec.${f}) && variables.podSpec.${f} == true)`,
      message: `host namespaces: the pod must not set ${f}=true`,
    })),
  },
  title: "Pod shares the host's namespaces",
  description:
    "The pod sets hostNetwork, hostPID or hostIPC: it sees the node's network stack, processes or IPC objects and escapes the isolation the pod boundary gives.",
  remediation:
    'Remove spec.hostNetwork, spec.hostPID and spec.hostIPC (or set them to false); expose ports through a Service instead of the host network.',
});
