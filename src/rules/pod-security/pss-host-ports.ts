import { pssCheckRule } from './pss-check-rule.js';

export const rule = pssCheckRule({
  id: 'pss-host-ports',
  check: 'hostPorts',
  cel: {
    matchKinds: 'workloads',
    validations: [
      {
        expression: 'variables.containers.all(c, !has(c.ports) || c.ports.all(p, !has(p.hostPort) || p.hostPort == 0))',
        message: 'hostPort: containers must not use hostPorts',
      },
    ],
  },
  title: 'Container binds a host port',
  description:
    "A container sets ports[].hostPort: it binds a port on the node's network interfaces, which bypasses NetworkPolicy and limits scheduling.",
  remediation: 'Remove hostPort and expose the container through a Service (ClusterIP, NodePort or LoadBalancer).',
});
