import { pointer } from '../../model/pointer.js';
import { defineRule } from '../rule.js';
import { K8S_SERVICE_DOC, NSA_CISA_NETWORK, objectName, rec } from './shared.js';

/**
 * Annotations that make a cloud load balancer internal (reachable from the
 * private network only), per provider, with the values that mean "internal".
 */
const INTERNAL_LB: ReadonlyArray<{ key: string; internal: (v: string) => boolean }> = [
  // AWS (in-tree: any value but "false"; the AWS Load Balancer Controller: the scheme)
  { key: 'service.beta.kubernetes.io/aws-load-balancer-internal', internal: (v) => v.toLowerCase() !== 'false' },
  { key: 'service.beta.kubernetes.io/aws-load-balancer-scheme', internal: (v) => v.toLowerCase() === 'internal' },
  { key: 'networking.gke.io/load-balancer-type', internal: (v) => v.toLowerCase() === 'internal' },
  { key: 'cloud.google.com/load-balancer-type', internal: (v) => v.toLowerCase() === 'internal' },
  { key: 'service.beta.kubernetes.io/azure-load-balancer-internal', internal: (v) => v.toLowerCase() === 'true' },
  { key: 'service.beta.kubernetes.io/oci-load-balancer-internal', internal: (v) => v.toLowerCase() === 'true' },
  { key: 'service.beta.kubernetes.io/openstack-internal-load-balancer', internal: (v) => v.toLowerCase() === 'true' },
  {
    key: 'service.beta.kubernetes.io/alibaba-cloud-loadbalancer-address-type',
    internal: (v) => v.toLowerCase() === 'intranet',
  },
  {
    key: 'service.kubernetes.io/ibm-load-balancer-cloud-provider-ip-type',
    internal: (v) => v.toLowerCase() === 'private',
  },
];

/** The legacy annotation that some providers read when spec.loadBalancerSourceRanges is unset. */
const SOURCE_RANGES_ANNOTATION = 'service.beta.kubernetes.io/load-balancer-source-ranges';

function isAnyAddress(cidr: string): boolean {
  return /\/0$/.test(cidr.trim());
}

/** How the Service's externalTrafficPolicy shapes what the exposure reaches. */
function trafficPolicy(spec: Record<string, unknown>): string {
  return spec.externalTrafficPolicy === 'Local'
    ? 'externalTrafficPolicy Local: only nodes running a ready pod answer, and pods see client addresses'
    : 'externalTrafficPolicy Cluster: every node forwards to pods on any node, and pods see node addresses instead of clients';
}

/** `80→30080/TCP, 443/TCP` (the node port when one is written). */
function portList(spec: Record<string, unknown>): string {
  const ports = Array.isArray(spec.ports) ? spec.ports : [];
  const shown = ports.map((p) => {
    const port = rec(p);
    const proto = typeof port.protocol === 'string' ? port.protocol : 'TCP';
    const node = typeof port.nodePort === 'number' || typeof port.nodePort === 'string' ? `→${port.nodePort}` : '';
    return `${String(port.port ?? '?')}${node}/${proto}`;
  });
  return shown.length > 0 ? shown.join(', ') : 'no ports';
}

export const rule = defineRule({
  id: 'service-exposed-externally',
  title: 'Service is exposed outside the cluster (NodePort or LoadBalancer)',
  category: 'network',
  severity: 'info',
  appliesTo: ['Service'],
  needs: 'object',
  cel: {
    matchKinds: ['Service'],
    validations: [
      {
        expression:
          "!has(object.spec) || !has(object.spec.type) || !(object.spec.type in ['NodePort', 'LoadBalancer'])",
        message: 'Services of type NodePort or LoadBalancer expose pods outside the cluster',
      },
    ],
  },
  description:
    "The Service has type NodePort (its ports open on every node's addresses) or LoadBalancer (a cloud load balancer in front of node ports). Its pods can be reached from outside the cluster, where NetworkPolicies that admit only pods do not help. This is informational for NodePorts, internal load balancers and load balancers restricted by `loadBalancerSourceRanges`; a load balancer open to every address (no source ranges, or 0.0.0.0/0 among them) is reported at low severity. The message names the ranges and the `externalTrafficPolicy`.",
  remediation:
    'Keep Services ClusterIP and publish HTTP through an Ingress or Gateway with TLS. Where a LoadBalancer is needed, restrict it with `spec.loadBalancerSourceRanges` to the client ranges, or make it internal with your cloud\'s annotation (for example `service.beta.kubernetes.io/aws-load-balancer-scheme: internal`, `networking.gke.io/load-balancer-type: "Internal"`, `service.beta.kubernetes.io/azure-load-balancer-internal: "true"`). Use `externalTrafficPolicy: Local` when the pods must see client addresses.',
  references: [
    {
      title: 'Kubernetes: Service type NodePort and LoadBalancer',
      url: 'https://kubernetes.io/docs/concepts/services-networking/service/#publishing-services-service-types',
    },
    {
      title: 'Kubernetes: restricting load balancer source ranges',
      url: 'https://kubernetes.io/docs/tasks/access-application-cluster/configure-cloud-provider-firewall/',
    },
    K8S_SERVICE_DOC,
    NSA_CISA_NETWORK,
    { title: 'MITRE ATT&CK T1133 (External Remote Services)', url: 'https://attack.mitre.org/techniques/T1133/' },
  ],
  check(obj) {
    const spec = rec(obj.raw.spec);
    const type = spec.type;
    if (type !== 'NodePort' && type !== 'LoadBalancer') return undefined;
    const name = objectName(obj);
    const policy = trafficPolicy(spec);
    if (type === 'NodePort')
      return [
        {
          path: '/spec/type',
          message: `${name} is type NodePort: ${portList(spec)} open on every node's addresses; ${policy}`,
        },
      ];
    const annotations = rec(rec(obj.raw.metadata).annotations);
    const internal = INTERNAL_LB.find((a) => {
      const v = annotations[a.key];
      return typeof v === 'string' && a.internal(v);
    });
    if (internal)
      return [
        {
          path: '/spec/type',
          message: `${name} is an internal LoadBalancer (${internal.key}: ${String(annotations[internal.key])}): reachable from the private network on ${portList(spec)}; ${policy}`,
        },
      ];
    const fromSpec = Array.isArray(spec.loadBalancerSourceRanges)
      ? spec.loadBalancerSourceRanges.filter((r): r is string => typeof r === 'string' && r.trim() !== '')
      : [];
    const annotated = annotations[SOURCE_RANGES_ANNOTATION];
    const fromAnnotation =
      fromSpec.length === 0 && typeof annotated === 'string'
        ? annotated
            .split(',')
            .map((r) => r.trim())
            .filter((r) => r !== '')
        : [];
    const ranges = fromSpec.length > 0 ? fromSpec : fromAnnotation;
    if (ranges.length === 0)
      return [
        {
          path: '/spec/type',
          severity: 'low',
          message: `${name} is a LoadBalancer open to every address (no loadBalancerSourceRanges) on ${portList(spec)}; ${policy}`,
        },
      ];
    const open = ranges.filter(isAnyAddress);
    if (open.length > 0) {
      const i = fromSpec.length > 0 ? (spec.loadBalancerSourceRanges as unknown[]).indexOf(open[0]) : -1;
      return [
        {
          path:
            i >= 0
              ? `/spec/loadBalancerSourceRanges/${i}`
              : pointer('metadata', 'annotations', SOURCE_RANGES_ANNOTATION),
          severity: 'low',
          message: `${name} is a LoadBalancer open to every address (${open.join(', ')} in its source ranges) on ${portList(spec)}; ${policy}`,
        },
      ];
    }
    return [
      {
        path: fromSpec.length > 0 ? '/spec/loadBalancerSourceRanges' : '/spec/type',
        message: `${name} is a LoadBalancer reachable from ${ranges.join(', ')}${fromSpec.length > 0 ? '' : ` (annotation ${SOURCE_RANGES_ANNOTATION})`} on ${portList(spec)}; ${policy}`,
      },
    ];
  },
});
