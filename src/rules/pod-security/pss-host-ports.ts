import { pssCheckRule } from './pss-check-rule.js';

export const rule = pssCheckRule({
  id: 'pss-host-ports',
  check: 'hostPorts',
  title: 'Container binds a host port',
  description:
    "A container sets ports[].hostPort: it binds a port on the node's network interfaces, which bypasses NetworkPolicy and limits scheduling.",
  remediation: 'Remove hostPort and expose the container through a Service (ClusterIP, NodePort or LoadBalancer).',
});
